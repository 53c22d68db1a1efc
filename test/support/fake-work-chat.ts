import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatSent {
  platform: 'wecom' | 'dingtalk';
  token: string;
  body: Record<string, any>;
}

/**
 * A small server that speaks the parts of WeCom's and DingTalk's server APIs the hub uses: gettoken with the
 * app's credentials (a new token each time), and the app message send (WeCom message/send, DingTalk
 * corpconversation/asyncsend_v2), which checks the token and answers errcode as the platforms do. A token can
 * be expired (the next send answers 42001) and sends can fail with HTTP 500, to play the platforms' bad days.
 */
export async function startFakeWorkChat(credentials: {
  wecom: { corpId: string; corpSecret: string };
  dingtalk: { appKey: string; appSecret: string };
}) {
  const sent: ChatSent[] = [];
  const tokens = { wecom: [] as string[], dingtalk: [] as string[] };
  const trouble = { expired: new Set<string>(), failures: 0, failed: 0 };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const reply = (status: number, body: object) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const q = url.searchParams;
      if (req.method === 'GET' && url.pathname === '/cgi-bin/gettoken') {
        if (q.get('corpid') !== credentials.wecom.corpId || q.get('corpsecret') !== credentials.wecom.corpSecret)
          return reply(200, { errcode: 40013, errmsg: 'invalid corpid' });
        const token = `wecom-${tokens.wecom.length + 1}`;
        tokens.wecom.push(token);
        return reply(200, { errcode: 0, errmsg: 'ok', access_token: token, expires_in: 7200 });
      }
      if (req.method === 'GET' && url.pathname === '/gettoken') {
        if (q.get('appkey') !== credentials.dingtalk.appKey || q.get('appsecret') !== credentials.dingtalk.appSecret)
          return reply(200, { errcode: 40089, errmsg: '不合法的corpid或corpsecret' });
        const token = `ding-${tokens.dingtalk.length + 1}`;
        tokens.dingtalk.push(token);
        return reply(200, { errcode: 0, errmsg: 'ok', access_token: token, expires_in: 7200 });
      }
      const platform =
        url.pathname === '/cgi-bin/message/send'
          ? 'wecom'
          : url.pathname === '/topapi/message/corpconversation/asyncsend_v2'
            ? 'dingtalk'
            : undefined;
      if (req.method !== 'POST' || !platform) return reply(404, { errcode: 404, errmsg: 'not found' });
      if (trouble.failures > 0) {
        trouble.failures -= 1;
        trouble.failed += 1;
        return reply(500, { errcode: -1, errmsg: 'system busy' });
      }
      const token = q.get('access_token') ?? '';
      if (!tokens[platform].includes(token)) return reply(200, { errcode: 40014, errmsg: 'invalid access_token' });
      if (trouble.expired.has(token)) return reply(200, { errcode: 42001, errmsg: 'access_token expired' });
      const body = JSON.parse(raw) as Record<string, any>;
      sent.push({ platform, token, body });
      return reply(
        200,
        platform === 'wecom'
          ? { errcode: 0, errmsg: 'ok', invaliduser: '', msgid: `msg-${sent.length}` }
          : { errcode: 0, errmsg: 'ok', task_id: 1000 + sent.length },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sent,
    tokens,
    /** Every token handed out so far expires: the next send with one answers 42001. */
    expireTokens() {
      for (const token of [...tokens.wecom, ...tokens.dingtalk]) trouble.expired.add(token);
    },
    /** The next n sends answer HTTP 500. */
    fail(n: number) {
      trouble.failures += n;
    },
    /** Sends answered 500 so far. */
    get failed() {
      return trouble.failed;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
