import type { WorkChatApi } from '../../src/notify/ports';
import { TokenClient } from './token-client';

export interface WeComSettings {
  corpId: string;
  corpSecret: string;
  /** The self-built app (自建应用) that sends the notices. */
  agentId: number;
  /** https://qyapi.weixin.qq.com, or a 政务微信 deployment's own address. */
  apiBase: string;
  timeoutMs: number;
}

/**
 * WeCom (企业微信, and 政务微信 which speaks the same API) through the organisation's app: a text card
 * (textcard) to members by their WeCom user ids, its button opening the console. Token: gettoken with
 * the corp id and the app's secret; 40014/42001/40082 mean fetch it again; -1 (busy) and 45009 (rate) retry.
 */
export class WeComApi implements WorkChatApi {
  private readonly client: TokenClient;

  constructor(private readonly settings: WeComSettings) {
    this.client = new TokenClient({
      name: 'wecom',
      apiBase: settings.apiBase,
      timeoutMs: settings.timeoutMs,
      tokenPath: `/cgi-bin/gettoken?${new URLSearchParams({ corpid: settings.corpId, corpsecret: settings.corpSecret })}`,
      tokenErrors: new Set([40014, 42001, 40082]),
      transientErrors: new Set([-1, 45009, 45033]),
    });
  }

  async sendNotice(notice: {
    userIds: readonly string[];
    title: string;
    text: string;
    url: string;
  }): Promise<{ providerId: string | null }> {
    const answer = await this.client.post('/cgi-bin/message/send', {
      touser: notice.userIds.join('|'),
      msgtype: 'textcard',
      agentid: this.settings.agentId,
      textcard: { title: notice.title, description: notice.text, url: notice.url, btntxt: '打开工单' },
      enable_duplicate_check: 1,
      duplicate_check_interval: 600,
    });
    return { providerId: typeof answer.msgid === 'string' ? answer.msgid : null };
  }
}
