import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small server that speaks WeChat's server API for mini-programs: code2session
 * (js_code "code-<openid>" logs in as that openid), the access token, subscription messages.
 */
export async function startFakeWeChat(app: { appId: string; secret: string }) {
  const subscribeMessages: Array<{ touser: string; template_id: string; page: string; data: Record<string, { value: string }> }> = [];
  const refusedOpenids = new Set<string>();
  let failNextSends = 0;
  let failNextLogins = 0;
  let tokensIssued = 0;
  const validTokens = new Set<string>();
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://wechat');
      const reply = (status: number, body: object) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (url.pathname === '/sns/jscode2session') {
        if (failNextLogins > 0) {
          failNextLogins -= 1;
          return reply(502, { errmsg: 'bad gateway' });
        }
        if (url.searchParams.get('appid') !== app.appId || url.searchParams.get('secret') !== app.secret)
          return reply(200, { errcode: 40125, errmsg: 'invalid appsecret' });
        const code = url.searchParams.get('js_code') ?? '';
        if (!code.startsWith('code-')) return reply(200, { errcode: 40029, errmsg: 'invalid code' });
        return reply(200, { openid: code.slice('code-'.length), session_key: 'sk' });
      }
      if (url.pathname === '/cgi-bin/token') {
        tokensIssued += 1;
        validTokens.add(`token-${tokensIssued}`);
        return reply(200, { access_token: `token-${tokensIssued}`, expires_in: 7200 });
      }
      if (url.pathname === '/cgi-bin/message/subscribe/send' && req.method === 'POST') {
        if (!validTokens.has(url.searchParams.get('access_token') ?? ''))
          return reply(200, { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' });
        if (failNextSends > 0) {
          failNextSends -= 1;
          return reply(502, { errmsg: 'bad gateway' });
        }
        const body = JSON.parse(raw);
        if (refusedOpenids.has(body.touser)) return reply(200, { errcode: 43101, errmsg: 'user refuse to accept the msg' });
        subscribeMessages.push(body);
        return reply(200, { errcode: 0, errmsg: 'ok', msgid: 1000 + subscribeMessages.length });
      }
      reply(404, { errcode: -1, errmsg: 'not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    subscribeMessages,
    refuse: (openid: string) => refusedOpenids.add(openid),
    failSends: (n: number) => (failNextSends += n),
    failLogins: (n: number) => (failNextLogins += n),
    /** Every access token issued so far stops working (WeChat rotates them). */
    expireTokens: () => validTokens.clear(),
    tokensIssued: () => tokensIssued,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
