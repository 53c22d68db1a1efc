import { MediaTooLarge, type MediaFetcher } from '../../src/media/ports';

export interface FetchHost {
  /** host[:port], as in a URL. */
  host: string;
  /** Twilio asks for the account's Basic credentials on its media URLs (when HTTP auth for media is on). */
  basicAuth?: { user: string; password: string };
}

/**
 * Media over HTTP(S) from the providers' hosts only: Twilio's API (MMS media, recordings) with its
 * credentials, and the hosts an admin lists (MEDIA_FETCH_HOSTS). Redirects are followed (Twilio's media
 * answer with one to its storage); fetch drops the credentials on a redirect to another host.
 */
export class HttpMediaFetcher implements MediaFetcher {
  constructor(
    private readonly hosts: readonly FetchHost[],
    private readonly timeoutMs: number,
  ) {}

  allows(url: string): boolean {
    return this.hostOf(url) !== undefined;
  }

  async fetch(url: string, maxBytes: number): Promise<Buffer> {
    const host = this.hostOf(url);
    if (!host) throw new Error(`media from ${url} is not fetched: not a provider host`);
    const headers: Record<string, string> = {};
    if (host.basicAuth)
      headers.authorization = `Basic ${Buffer.from(`${host.basicAuth.user}:${host.basicAuth.password}`).toString('base64')}`;
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(this.timeoutMs), redirect: 'follow' });
    if (!response.ok || !response.body) throw new Error(`media fetch answered HTTP ${response.status}`);
    if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
      await response.body.cancel();
      throw new MediaTooLarge(`media is ${response.headers.get('content-length')} bytes, over ${maxBytes}`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += chunk.length;
      if (size > maxBytes) throw new MediaTooLarge(`media is over ${maxBytes} bytes`);
      chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks);
  }

  private hostOf(url: string): FetchHost | undefined {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return undefined;
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
    return this.hosts.find((h) => h.host === parsed.host.toLowerCase());
  }
}
