import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface PlacedCall {
  sid: string;
  to: string;
  from: string;
  url: string;
  statusCallback?: string;
  machineDetection?: string;
}

export interface SentMessage {
  sid: string;
  to: string;
  from: string;
  body: string;
  statusCallback?: string;
  at: Date;
}

/**
 * A small server that speaks Twilio's Messages REST API, for the real twilio SDK to
 * talk to: Basic auth with the account SID and token, form-encoded create, Twilio's JSON
 * and error shape. Failures can be switched on to play an outage.
 */
export async function startFakeTwilio(credentials: { accountSid: string; authToken: string }, listenOn = 0) {
  const sent: SentMessage[] = [];
  const calls: PlacedCall[] = [];
  const failures: Array<{ to: string; status: number; code: number; message: string }> = [];
  /** Numbers whose next sends get no answer: the connection is cut, or held open in silence. */
  const drops: Array<{ to: string; how: 'cut' | 'silence' | 'taken' }> = [];
  /** How often the message list was read (the hub checking an earlier send). */
  const lists = { count: 0 };
  const silenced = new Set<Socket>();
  /** While set, every request to the API gets no answer (an outage); counted in `unanswered`. */
  const outage: { how?: 'cut' | 'silence'; unanswered: number } = { unanswered: 0 };
  /** Runs before a send is answered: e.g. a delivery report that overtakes the send's own answer. */
  const hooks: { beforeAnswer?: (message: SentMessage) => Promise<void> } = {};
  /** Media the account holds (an MMS photo, a recording), by path, and how often each was fetched. */
  const media = new Map<string, { bytes: Buffer; contentType: string; fetched: number }>();
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', async () => {
      const reply = (status: number, body: object) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const expectedAuth = `Basic ${Buffer.from(`${credentials.accountSid}:${credentials.authToken}`).toString('base64')}`;
      if (req.headers.authorization !== expectedAuth) return reply(401, { code: 20003, message: 'Authenticate', status: 401 });
      const [pathname, search] = (req.url ?? '').split('?');
      const held = req.method === 'GET' ? media.get(pathname ?? '') : undefined;
      if (held) {
        held.fetched += 1;
        res.writeHead(200, { 'content-type': held.contentType, 'content-length': held.bytes.length });
        return res.end(held.bytes);
      }
      const match = /^\/2010-04-01\/Accounts\/(AC\w+)\/(Messages|Calls)\.json$/.exec(pathname ?? '');
      if (!match || match[1] !== credentials.accountSid) return reply(404, { code: 20404, message: 'not found', status: 404 });
      if (req.method === 'GET' && match[2] === 'Messages') {
        // The message list, as Twilio filters it: by To, From and DateSent> (a day), newest first.
        lists.count += 1;
        if (outage.how) {
          outage.unanswered += 1;
          return req.socket.destroy();
        }
        const query = new URLSearchParams(search ?? '');
        const after = query.get('DateSent>');
        const listed = sent
          .filter(
            (m) =>
              (!query.get('To') || m.to === query.get('To')) &&
              (!query.get('From') || m.from === query.get('From')) &&
              (!after || (after.length === 10 ? m.at.toISOString().slice(0, 10) >= after : m.at.getTime() >= Date.parse(after) - 999)),
          )
          .reverse()
          .map((m) => ({
            sid: m.sid,
            account_sid: credentials.accountSid,
            to: m.to,
            from: m.from,
            body: m.body,
            status: 'delivered',
            direction: 'outbound-api',
            date_created: m.at.toUTCString(),
            date_sent: m.at.toUTCString(),
          }));
        const uri = `/2010-04-01/Accounts/${credentials.accountSid}/Messages.json`;
        return reply(200, {
          messages: listed,
          first_page_uri: uri,
          next_page_uri: null,
          previous_page_uri: null,
          page: 0,
          page_size: 200,
          start: 0,
          end: listed.length,
          uri,
        });
      }
      if (req.method !== 'POST') return reply(404, { code: 20404, message: 'not found', status: 404 });
      const params = new URLSearchParams(raw);
      if (outage.how) {
        outage.unanswered += 1;
        if (outage.how === 'cut') req.socket.destroy();
        else silenced.add(req.socket);
        return;
      }
      const dropIndex = drops.findIndex((d) => d.to === params.get('To'));
      if (dropIndex >= 0) {
        const [drop] = drops.splice(dropIndex, 1);
        // 'taken': Twilio creates the message, then the answer is lost on the way back.
        if (drop!.how === 'taken')
          sent.push({
            sid: `SM${randomBytes(16).toString('hex')}`,
            to: params.get('To') ?? '',
            from: params.get('From') ?? '',
            body: params.get('Body') ?? '',
            at: new Date(),
          });
        if (drop!.how === 'silence') silenced.add(req.socket);
        else req.socket.destroy();
        return;
      }
      const failureIndex = failures.findIndex((f) => f.to === params.get('To'));
      if (failureIndex >= 0) {
        const [failure] = failures.splice(failureIndex, 1);
        return reply(failure!.status, {
          code: failure!.code,
          message: failure!.message,
          more_info: 'https://www.twilio.com/docs/errors',
          status: failure!.status,
        });
      }
      if (match[2] === 'Calls') {
        const call: PlacedCall = {
          sid: `CA${randomBytes(16).toString('hex')}`,
          to: params.get('To') ?? '',
          from: params.get('From') ?? '',
          url: params.get('Url') ?? '',
          statusCallback: params.get('StatusCallback') ?? undefined,
          machineDetection: params.get('MachineDetection') ?? undefined,
        };
        if (!call.to || !call.url)
          return reply(400, { code: 21201, message: "A 'To' phone number and a 'Url' are required.", status: 400 });
        calls.push(call);
        return reply(201, {
          sid: call.sid,
          account_sid: credentials.accountSid,
          to: call.to,
          from: call.from,
          status: 'queued',
          direction: 'outbound-api',
          uri: `/2010-04-01/Accounts/${credentials.accountSid}/Calls/${call.sid}.json`,
        });
      }
      const message: SentMessage = {
        sid: `SM${randomBytes(16).toString('hex')}`,
        to: params.get('To') ?? '',
        from: params.get('From') ?? '',
        body: params.get('Body') ?? '',
        statusCallback: params.get('StatusCallback') ?? undefined,
        at: new Date(),
      };
      if (!message.to || !message.body) return reply(400, { code: 21604, message: "A 'To' phone number is required.", status: 400 });
      sent.push(message);
      if (hooks.beforeAnswer) await hooks.beforeAnswer(message);
      reply(201, {
        sid: message.sid,
        account_sid: credentials.accountSid,
        to: message.to,
        from: message.from,
        body: message.body,
        status: 'queued',
        num_segments: '1',
        direction: 'outbound-api',
        date_created: new Date().toUTCString(),
        uri: `/2010-04-01/Accounts/${credentials.accountSid}/Messages/${message.sid}.json`,
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(listenOn, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sent,
    calls,
    hooks,
    /** Puts a media item on the account (as Twilio keeps an MMS's photo); its URL, and how often it is fetched. */
    addMedia(bytes: Buffer, contentType: string, at?: string) {
      const path =
        at ??
        `/2010-04-01/Accounts/${credentials.accountSid}/Messages/MM${randomBytes(16).toString('hex')}/Media/ME${randomBytes(16).toString('hex')}`;
      const item = { bytes, contentType, fetched: 0 };
      media.set(path, item);
      return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`, fetched: () => item.fetched };
    },
    /** The next n sends to this number answer with this error. */
    fail(to: string, n: number, status = 500, code = 20500, message = 'Internal Server Error') {
      for (let i = 0; i < n; i += 1) failures.push({ to, status, code, message });
    },
    /**
     * The next n sends to this number get no answer: the connection is cut, or held open in silence
     * (a timeout), or the message is taken and then the answer lost ('taken').
     */
    drop(to: string, n: number, how: 'cut' | 'silence' | 'taken' = 'cut') {
      for (let i = 0; i < n; i += 1) drops.push({ to, how });
    },
    /** Every request from now on gets no answer, until up(). */
    down(how: 'cut' | 'silence') {
      outage.how = how;
    },
    up() {
      delete outage.how;
    },
    /** Requests that got no answer during down(). */
    get unanswered() {
      return outage.unanswered;
    },
    /** How often the hub read the message list. */
    get listed() {
      return lists.count;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of silenced) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 8_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
