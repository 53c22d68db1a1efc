import fs from 'node:fs';
import path from 'node:path';
import { startTestHub, type TestHub } from '../support/test-hub';

const dist = path.resolve(__dirname, '../../web/dist');

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t.close());

describe('the staff console, served by the hub', () => {
  test('when a browser asks for / or a console page, then it gets the console’s index.html, never cached', async () => {
    expect(fs.existsSync(path.join(dist, 'index.html'))).toBe(true); // built by npm test's pretest (npm run build)
    for (const page of ['/', '/login', '/tickets/42', '/seat']) {
      const res = await t.http.get(page);
      expect([page, res.status]).toEqual([page, 200]);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.text).toContain('<div id="root">');
    }
  });

  test('when it asks for a hashed asset, then it may keep it a year; an unknown asset is a 404', async () => {
    const asset = fs.readdirSync(path.join(dist, 'assets')).find((f) => f.endsWith('.js'))!;
    const res = await t.http.get(`/assets/${asset}`);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const missing = await t.http.get('/assets/nope-123.js');
    expect([missing.status, missing.body.error?.code]).toEqual([404, 'NOT_FOUND']);
  });

  test('when an API path is unknown, then it is the API’s JSON 404, not the console', async () => {
    const res = await t.http.get('/api/v1/no-such-thing');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    expect((await t.http.get('/webhooks/nothing')).status).toBe(404);
  });
});
