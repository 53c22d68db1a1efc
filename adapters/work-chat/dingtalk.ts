import type { WorkChatApi } from '../../src/notify/ports';
import { TokenClient } from './token-client';

export interface DingTalkSettings {
  appKey: string;
  appSecret: string;
  /** The internal app (企业内部应用) that sends the work notices. */
  agentId: number;
  /** https://oapi.dingtalk.com, or a 浙政钉-style deployment's own address. */
  apiBase: string;
  timeoutMs: number;
}

/**
 * DingTalk (钉钉) work notices (工作通知) through the organisation's app: an action card to members by
 * their DingTalk user ids, its button opening the console. Token: gettoken with the app key and secret;
 * 40014/42001/88 mean fetch it again; -1 (busy), 90018 and 90006 (rate) retry.
 */
export class DingTalkApi implements WorkChatApi {
  private readonly client: TokenClient;

  constructor(private readonly settings: DingTalkSettings) {
    this.client = new TokenClient({
      name: 'dingtalk',
      apiBase: settings.apiBase,
      timeoutMs: settings.timeoutMs,
      tokenPath: `/gettoken?${new URLSearchParams({ appkey: settings.appKey, appsecret: settings.appSecret })}`,
      tokenErrors: new Set([40014, 42001, 88]),
      transientErrors: new Set([-1, 90018, 90006]),
    });
  }

  async sendNotice(notice: {
    userIds: readonly string[];
    title: string;
    text: string;
    url: string;
  }): Promise<{ providerId: string | null }> {
    const answer = await this.client.post('/topapi/message/corpconversation/asyncsend_v2', {
      agent_id: this.settings.agentId,
      userid_list: notice.userIds.join(','),
      msg: {
        msgtype: 'action_card',
        action_card: {
          title: notice.title,
          markdown: `### ${notice.title}\n\n${notice.text}`,
          single_title: '打开工单',
          single_url: notice.url,
        },
      },
    });
    return { providerId: answer.task_id === undefined ? null : String(answer.task_id) };
  }
}
