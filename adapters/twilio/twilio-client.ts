import twilio from 'twilio';
import RequestClient from 'twilio/lib/base/RequestClient';

export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  /** Another base URL for Twilio's REST API (a local server that speaks it, in tests and staging). */
  apiBase?: string;
}

/** Sends every request of the real SDK to apiBase instead of https://*.twilio.com. */
class RebasedRequestClient extends RequestClient {
  constructor(private readonly apiBase: string) {
    super({ timeout: 10_000 });
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    return super.request({ ...opts, uri: opts.uri.replace(/^https:\/\/[\w.-]+\.twilio\.com/, this.apiBase) });
  }
}

export function createTwilioClient(settings: TwilioSettings): twilio.Twilio {
  return twilio(settings.accountSid, settings.authToken, {
    httpClient: settings.apiBase ? new RebasedRequestClient(settings.apiBase) : new RequestClient({ timeout: 10_000 }),
  });
}

export { twilio };
