import { DeliveryError } from '../../src/notify/ports';

export type ApiAnswer = Record<string, unknown> & { errcode?: number; errmsg?: string };

/**
 * The shape WeCom's and DingTalk's server APIs share: an app's access token from `gettoken` (about two
 * hours; kept until five minutes before it ends, fetched again when the platform says it is invalid or
 * expired), JSON calls answering `errcode` 0 or an error code. A call's refusals are permanent unless the
 * platform is busy or rate-limiting; no answer at all is an unknown outcome.
 */
export class TokenClient {
  private token?: { value: string; until: number };

  constructor(
    private readonly settings: {
      name: string;
      apiBase: string;
      timeoutMs: number;
      /** The gettoken path with the app's credentials in its query. */
      tokenPath: string;
      /** Codes that mean the token is invalid or expired: fetch a new one and try once more. */
      tokenErrors: ReadonlySet<number>;
      /** Codes worth a retry later (busy, rate limits). */
      transientErrors: ReadonlySet<number>;
    },
  ) {}

  /** POSTs body to path?access_token=…; the answer when errcode is 0. */
  async post(path: string, body: unknown): Promise<ApiAnswer> {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const token = await this.accessToken(attempt > 0);
      const answer = await this.call(`${path}${path.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(token)}`, body);
      const code = Number(answer.errcode ?? 0);
      if (code === 0) return answer;
      if (this.settings.tokenErrors.has(code) && attempt === 0) continue;
      throw new DeliveryError(`${this.settings.name}: ${code} ${answer.errmsg ?? ''}`.trim(), !this.settings.transientErrors.has(code));
    }
    throw new DeliveryError(`${this.settings.name}: the access token was refused twice`, false);
  }

  private async accessToken(refresh: boolean): Promise<string> {
    if (!refresh && this.token && this.token.until > Date.now()) return this.token.value;
    const answer = await this.call(this.settings.tokenPath);
    if (typeof answer.access_token !== 'string' || Number(answer.errcode ?? 0) !== 0)
      throw new DeliveryError(`${this.settings.name} access token: ${answer.errcode ?? ''} ${answer.errmsg ?? ''}`.trim(), false);
    const lifetimeMs = (Number(answer.expires_in) || 7200) * 1000;
    this.token = { value: answer.access_token, until: Date.now() + lifetimeMs - 5 * 60_000 };
    return this.token.value;
  }

  private async call(path: string, json?: unknown): Promise<ApiAnswer> {
    let response: Response;
    try {
      response = await fetch(`${this.settings.apiBase}${path}`, {
        method: json === undefined ? 'GET' : 'POST',
        headers: json === undefined ? undefined : { 'content-type': 'application/json' },
        body: json === undefined ? undefined : JSON.stringify(json),
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
    } catch (error) {
      // Sent, perhaps taken: the outbox checks nothing here, but says the outcome is unknown.
      throw new DeliveryError(`${this.settings.name} unreachable: ${(error as Error).message}`, false, json !== undefined);
    }
    if (!response.ok) throw new DeliveryError(`${this.settings.name} HTTP ${response.status}`, false);
    return (await response.json()) as ApiAnswer;
  }
}
