import { DeliveryError, type WeChatApi } from '../../src/notify/ports';

/** WeChat error codes that retrying will not fix (the user, the template or the code is the problem). */
const permanentErrors = new Set([40029, 40163, 43101, 40003, 40037, 47003, 41030]);
const tokenErrors = new Set([40001, 40014, 42001]);

/**
 * WeChat's server API for the mini-program over plain HTTPS (fetch): code2session, the
 * access token (cached until shortly before it expires), subscription messages.
 * apiBase is configurable so a local server that speaks the API serves tests.
 */
export class WeChatHttpApi implements WeChatApi {
  private token?: { value: string; until: number };

  constructor(private readonly settings: { appId: string; secret: string; apiBase: string; timeoutMs: number }) {}

  async code2session(code: string): Promise<{ openid: string }> {
    const query = new URLSearchParams({
      appid: this.settings.appId,
      secret: this.settings.secret,
      js_code: code,
      grant_type: 'authorization_code',
    });
    const body = await this.call(`/sns/jscode2session?${query}`);
    if (typeof body.openid !== 'string' || !body.openid)
      throw new DeliveryError(
        `wechat code2session: ${body.errcode ?? ''} ${body.errmsg ?? 'no openid'}`,
        permanentErrors.has(Number(body.errcode)),
      );
    return { openid: body.openid };
  }

  /** The status template's fields: 工单号 (character_string1), 状态 (phrase2), 说明 (thing3, 20 characters at most). */
  sendStatusNotice(notice: {
    openid: string;
    templateId: string;
    ticketId: number | undefined;
    number: string;
    statusLabel: string;
    text: string;
  }): Promise<{ msgid: string | null }> {
    return this.sendSubscribeMessage({
      openid: notice.openid,
      templateId: notice.templateId,
      page: `pages/ticket/detail?id=${notice.ticketId ?? ''}`,
      data: {
        character_string1: { value: notice.number },
        phrase2: { value: notice.statusLabel },
        thing3: { value: [...notice.text.replace('【12345】', '')].slice(0, 20).join('') },
      },
    });
  }

  private async sendSubscribeMessage(message: {
    openid: string;
    templateId: string;
    page: string;
    data: Record<string, { value: string }>;
  }): Promise<{ msgid: string | null }> {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const token = await this.accessToken(attempt > 0);
      const body = await this.call(`/cgi-bin/message/subscribe/send?access_token=${encodeURIComponent(token)}`, {
        touser: message.openid,
        template_id: message.templateId,
        page: message.page,
        data: message.data,
        miniprogram_state: 'formal',
        lang: 'zh_CN',
      });
      if (!body.errcode) return { msgid: body.msgid === undefined ? null : String(body.msgid) };
      if (tokenErrors.has(Number(body.errcode)) && attempt === 0) continue;
      throw new DeliveryError(
        `wechat subscribe message: ${body.errcode} ${body.errmsg ?? ''}`.trim(),
        permanentErrors.has(Number(body.errcode)),
      );
    }
    throw new DeliveryError('wechat subscribe message: access token refused twice', false);
  }

  private async accessToken(refresh: boolean): Promise<string> {
    if (!refresh && this.token && this.token.until > Date.now()) return this.token.value;
    const query = new URLSearchParams({ grant_type: 'client_credential', appid: this.settings.appId, secret: this.settings.secret });
    const body = await this.call(`/cgi-bin/token?${query}`);
    if (typeof body.access_token !== 'string')
      throw new DeliveryError(`wechat access token: ${body.errcode ?? ''} ${body.errmsg ?? ''}`.trim(), false);
    const lifetimeMs = (Number(body.expires_in) || 7200) * 1000;
    this.token = { value: body.access_token, until: Date.now() + lifetimeMs - 5 * 60_000 };
    return this.token.value;
  }

  private async call(path: string, json?: unknown): Promise<Record<string, unknown> & { errcode?: number; errmsg?: string }> {
    let response: Response;
    try {
      response = await fetch(`${this.settings.apiBase}${path}`, {
        method: json === undefined ? 'GET' : 'POST',
        headers: json === undefined ? undefined : { 'content-type': 'application/json' },
        body: json === undefined ? undefined : JSON.stringify(json),
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
    } catch (error) {
      throw new DeliveryError(`wechat unreachable: ${(error as Error).message}`, false);
    }
    if (!response.ok) throw new DeliveryError(`wechat HTTP ${response.status}`, false);
    return (await response.json()) as Record<string, unknown> & { errcode?: number; errmsg?: string };
  }
}
