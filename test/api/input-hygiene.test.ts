import { eventually } from '../support/fake-twilio';
import { createTicket } from '../support/tickets';
import type { AuthedAgent, TestHub } from '../support/test-hub';
import { inboundSms, signedPost, startTwilioHub } from '../support/twilio';

let hub: Awaited<ReturnType<typeof startTwilioHub>>;
let t: TestHub;
let operator: AuthedAgent;

beforeAll(async () => {
  hub = await startTwilioHub();
  t = hub.t;
  operator = await t.as('operator');
});
afterAll(() => hub.close());

const ticketCount = async () => Number((await t.hub.db('tickets').count({ n: '*' }))[0]!.n);

describe('text that is not clean Unicode', () => {
  test('when a sign-in name holds a NUL, then 400 naming the field, not 500', async () => {
    const res = await t.http.post('/api/v1/auth/login').send({ username: 'a\u0000b', password: 'whatever-123' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/body\.username/);
  });

  test('when a search holds %00, then 400 naming the query field', async () => {
    const res = await operator.get('/api/v1/tickets?q=%00');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/query\.q/);
  });

  test.each([
    ['a NUL', '路灯\u0000坏了'],
    ['a bell', '路灯\u0007坏了'],
    ['a lone surrogate', '路灯\ud800坏了'],
  ])('when a description holds %s, then 400 and no ticket', async (_name, description) => {
    const before = await ticketCount();
    const res = await operator.post('/api/v1/tickets', { requestType: 'help', description });
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues[0].path).toBe('body.description');
    expect(await ticketCount()).toBe(before);
  });

  test('when a note holds a lone surrogate, then 400; line breaks, tabs and emoji are kept', async () => {
    const ticket = await createTicket(operator);
    expect((await operator.post(`/api/v1/tickets/${ticket.id}/note`, { text: '备注\udc00' })).status).toBe(400);
    const ok = await operator.post(`/api/v1/tickets/${ticket.id}/note`, { text: '第一行\n\t第二行 💡' });
    expect(ok.status).toBe(200);
  });

  test('when a signed SMS holds a NUL, then the message is kept without it and the citizen is answered', async () => {
    const phone = `+86139${String(Date.now()).slice(-8)}`;
    const params = inboundSms(phone, '路灯\u0000坏了');
    const res = await signedPost(t, '/webhooks/twilio/sms', params);
    expect(res.status).toBe(200);
    const stored = await t.hub.db('inbound_messages').where({ provider_id: params.MessageSid }).first();
    expect(stored.text).toBe('路灯坏了');
    await eventually(() => hub.fake.sent.some((m) => m.to === phone));
  });
});

describe('a body that cannot be decoded', () => {
  test.each([
    ['gzip', 'POST', '/api/v1/auth/login'],
    ['deflate', 'POST', '/api/v1/tickets'],
    ['br', 'POST', '/api/v1/tickets'],
  ])('when Content-Encoding %s is claimed for a plain body, then 400, not 500', async (encoding, _method, path) => {
    const res = await t.http
      .post(path)
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', encoding)
      .send('{"username":"admin"}');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });

  test('when a Twilio webhook claims gzip, then 400 before the signature is even read', async () => {
    const res = await t.http
      .post('/webhooks/twilio/sms')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .set('Content-Encoding', 'gzip')
      .send('From=1');
    expect(res.status).toBe(400);
  });

  test('when an unknown Content-Encoding is claimed, then 415', async () => {
    const res = await t.http.post('/api/v1/tickets').set('Content-Type', 'application/json').set('Content-Encoding', 'x-zip').send('{}');
    expect(res.status).toBe(415);
  });
});
