import WebSocket from 'ws';
import { demoPassword } from '../../src/seed/demo-city';
import { eventually } from './fake-twilio';
import type { TestHub } from './test-hub';

/** An event the staff socket sent. */
export interface Heard {
  type: string;
  [key: string]: unknown;
}

/** A console's session cookie (as the sign-in page gets it). */
export async function cookieOf(hub: TestHub, username: string): Promise<string> {
  const res = await hub.http.post('/api/v1/auth/login').send({ username, password: demoPassword(username), session: 'cookie' });
  expect(res.status).toBe(200);
  return String(res.headers['set-cookie']![0]).split(';')[0]!;
}

/** The staff socket as the console opens it: the session cookie, from the hub's own origin. */
export async function listen(hub: TestHub, username: string): Promise<{ heard: Heard[]; close(): void }> {
  const url = hub.hub.url()!;
  const socket = new WebSocket(`${url.replace('http', 'ws')}/api/v1/ws`, {
    headers: { cookie: await cookieOf(hub, username), origin: url },
  });
  const heard: Heard[] = [];
  socket.on('message', (data) => heard.push(JSON.parse(String(data))));
  await eventually(() => heard.some((e) => e.type === 'hello'));
  return { heard, close: () => socket.close() };
}
