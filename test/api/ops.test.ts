import { startTestHub, type TestHub } from '../support/test-hub';
import { createTicket } from '../support/tickets';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t.close());

describe('operations endpoints', () => {
  test('when probed, then /healthz and /readyz report on the process, the database and the queue', async () => {
    expect((await t.http.get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await t.http.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { database: 'ok', queue: 'ok', media: 'ok' } });
  });

  test('when scraped, then /metrics has HTTP, job and ticket-status series', async () => {
    const operator = await t.as('operator');
    await createTicket(operator);
    await t.hub.queue.drain();
    const text = (await t.http.get('/metrics')).text;
    expect(text).toMatch(/hotline_http_requests_total\{method="POST",route="\/api\/v1\/tickets",status="201"\} 1/);
    expect(text).toMatch(/hotline_tickets\{status="triage"\} 1/);
    expect(text).toMatch(/hotline_jobs\{outcome="completed"\} [1-9]/);
    expect(text).toMatch(/process_cpu_user_seconds_total/);
  });

  test('when a page or answer is served, then the security headers are set', async () => {
    const res = await t.http.get('/healthz');
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=31536000/);
  });

  test('when /metrics is scraped from elsewhere, then 403 unless the token is given', async () => {
    expect((await t.http.get('/metrics').set('X-Forwarded-For', '203.0.113.9')).status).toBe(403);
    const withToken = await startTestHub({
      queue: 'in-process',
      env: { METRICS_TOKEN: 'scrape-token-0123456789', API_DOCS_PUBLIC: 'true' },
    });
    try {
      expect((await withToken.http.get('/metrics')).status).toBe(403);
      expect((await withToken.http.get('/metrics').set('Authorization', 'Bearer wrong-token-0123456789')).status).toBe(403);
      expect(
        (await withToken.http.get('/metrics').set('Authorization', 'Bearer scrape-token-0123456789').set('X-Forwarded-For', '203.0.113.9'))
          .status,
      ).toBe(200);
      expect((await withToken.http.get('/api/openapi.json')).status).toBe(200);
    } finally {
      await withToken.close();
    }
  });

  test('when a client sends a request id, then it is echoed; otherwise one is made', async () => {
    expect((await t.http.get('/healthz').set('X-Request-Id', 'call-42')).headers['x-request-id']).toBe('call-42');
    expect((await t.http.get('/healthz')).headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('when the OpenAPI document is fetched, then every ticket action and admin route is in it, and the docs UI is served', async () => {
    // With DATABASE_URL and API_DOCS_PUBLIC unset, the docs are for signed-in staff.
    expect((await t.http.get('/api/openapi.json')).status).toBe(401);
    const auth = `Bearer ${await t.token('operator')}`;
    const doc = (await t.http.get('/api/openapi.json').set('Authorization', auth)).body;
    expect(doc.openapi).toBe('3.1.0');
    const paths = Object.keys(doc.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/v1/tickets',
        '/api/v1/tickets/{id}',
        '/api/v1/tickets/{id}/sign-for',
        '/api/v1/tickets/{id}/review-return',
        '/api/v1/regions',
        '/api/v1/users',
      ]),
    );
    expect(paths).toEqual(
      expect.arrayContaining([
        '/webhooks/twilio/sms',
        '/webhooks/twilio/sms/status',
        '/webhooks/slack/events',
        '/api/mp/v1/messages',
        '/api/mp/v1/tickets/{id}',
      ]),
    );
    // Upholding a return needs the department to re-dispatch to; the document says so.
    const review = doc.paths['/api/v1/tickets/{id}/review-return'].post.requestBody.content['application/json'].schema;
    const uphold = review.oneOf.find((variant: { properties: { decision: { const?: string; enum?: string[] } } }) =>
      [variant.properties.decision.const, ...(variant.properties.decision.enum ?? [])].includes('uphold'),
    );
    expect(uphold.required).toContain('departmentId');
    // Answers are documented with their schemas.
    expect(doc.paths['/api/v1/tickets/{id}'].get.responses['200'].content['application/json'].schema.$ref).toMatch(/TicketDetail/);
    const create = doc.paths['/api/v1/tickets'].post;
    expect(create.requestBody.content['application/json'].schema.properties.requestType.enum).toContain('proxy');
    const ui = await t.http.get('/api/docs/').set('Authorization', auth).redirects(1);
    expect(ui.status).toBe(200);
    expect(ui.text).toMatch(/swagger-ui/);
  });

  test('when the database goes away, then /readyz answers 503', async () => {
    const local = await startTestHub({ queue: 'in-process' });
    await local.hub.db.destroy();
    const res = await local.http.get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body.checks.database).not.toBe('ok');
    await local.close();
  });
});
