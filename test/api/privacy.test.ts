import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { eventually } from '../support/fake-twilio';
import { act, createTicket } from '../support/tickets';
import type { AuthedAgent, TestHub } from '../support/test-hub';
import { inboundSms, signedPost as signed, startTwilioHub } from '../support/twilio';

let hub: Awaited<ReturnType<typeof startTwilioHub>>;
let t: TestHub;
let admin: AuthedAgent;
let operator: AuthedAgent;

beforeAll(async () => {
  hub = await startTwilioHub();
  t = hub.t;
  admin = await t.as('admin');
  operator = await t.as('operator');
});
afterAll(() => hub.close());

const days = (n: number) => new Date(Date.now() + n * 86_400_000);
const text = (from: string, body: string) => signed(t, '/webhooks/twilio/sms', inboundSms(from, body));
const contactOf = (phone: string) => t.hub.db('contacts').where({ phone }).first();
/** What the reports count, which retention must not change. */
const counts = async () => ({
  tickets: await t.hub.db('tickets').count({ n: '*' }).first(),
  events: await t.hub.db('ticket_events').count({ n: '*' }).first(),
  messages: await t.hub.db('inbound_messages').count({ n: '*' }).first(),
  kpis: (await admin.get(`/api/v1/kpis?groupBy=channel&from=2026-01-01&to=2030-12-31`)).body.items,
});

describe('retention (个人信息保护法)', () => {
  test('when a closed request’s personal data is past its time, then who the citizen was and what they wrote are erased, and every count stays', async () => {
    // A citizen who texted and whose ticket was answered and closed; another whose ticket is still open.
    const done = '+8613700001001';
    await text(done, '我家楼下的路灯坏了，我叫王小明，身份证110101199001011234');
    const [closed] = await eventually(async () => {
      const rows = await t.hub.db('tickets').where({ contact_id: (await contactOf(done))?.id ?? 0 });
      return rows[0]?.status === 'triage' && rows;
    });
    // What the citizen adds later is on the ticket's timeline too.
    await text(done, '补充一下，是3号楼东侧那盏');
    await eventually(
      async () => (await t.hub.db('ticket_events').where({ ticket_id: closed.id, type: 'citizen_message' }).first()) ?? false,
    );
    await act(operator, closed.id, 'resolve_directly', { answer: '已转市政部门，三日内修复。' });
    const open = await createTicket(operator, { description: '小区门口积水', caller: { phone: '13700001002', name: '李红' } });
    await t.hub.queue.drain();
    const before = await counts();

    // Too soon: nothing is erased.
    expect((await t.hub.services.privacy.apply(days(1))).citizen_identity).toBe(0);
    for (const kind of ['citizen_identity', 'message_bodies', 'media'])
      expect((await admin.patch(`/api/v1/privacy/retention/${kind}`, { keepDays: 30 })).status).toBe(200);
    const erased = await t.hub.services.privacy.apply(days(31));
    expect(erased.citizen_identity).toBeGreaterThanOrEqual(1);
    expect(erased.message_bodies).toBeGreaterThanOrEqual(1);

    const gone = await t.hub.db('contacts').where({ id: closed.contact_id }).first();
    expect(gone).toMatchObject({ phone: null, name: null, id_number: null, wechat_openid: null });
    expect(gone.anonymised_at).not.toBeNull();
    const message = await t.hub.db('inbound_messages').where({ ticket_id: closed.id }).first();
    expect(message).toMatchObject({ from_phone: null, text: '' });
    const added = await t.hub.db('ticket_events').where({ ticket_id: closed.id, type: 'citizen_message' }).first();
    expect(added.data).toMatchObject({ erased: true });
    expect(added.data.text).toBeUndefined();
    // The ticket stays, with what was asked and answered.
    expect(await t.hub.db('tickets').where({ id: closed.id }).first()).toMatchObject({
      status: 'closed',
      reply_text: '已转市政部门，三日内修复。',
    });
    // The open request's citizen is still reachable.
    expect(await contactOf('+8613700001002')).toMatchObject({ name: '李红', anonymised_at: null });
    expect((await operator.get(`/api/v1/tickets/${open.id}`)).body.contact.phone).toBe('+8613700001002');

    expect(await counts()).toEqual(before);
    const policies = (await admin.get('/api/v1/privacy/retention')).body.items;
    expect(policies.find((p: { kind: string }) => p.kind === 'citizen_identity')).toMatchObject({
      keepDays: 30,
      lastAppliedAt: expect.any(String),
    });
  });

  test('when the audit log is past its time, then the retention task deletes its old entries and nobody else can', async () => {
    expect((await admin.patch('/api/v1/privacy/retention/audit_log', { keepDays: 90 })).status).toBe(400);
    expect((await admin.patch('/api/v1/privacy/retention/audit_log', { keepDays: 180 })).status).toBe(200);
    // The change itself is in the audit log.
    const change = await t.hub.db('audit_log').where({ action: 'settings.changed', target: 'retention_policy:audit_log' }).first();
    expect(change).toBeDefined();
    await expect(t.hub.db.raw('delete from audit_log')).rejects.toThrow(/append-only/);
    const entries = Number((await t.hub.db('audit_log').count({ n: '*' }).first())!.n);
    expect(entries).toBeGreaterThan(0);
    expect((await t.hub.services.privacy.apply(days(181))).audit_log).toBe(entries);
    expect(await t.hub.db('audit_log').count({ n: '*' }).first()).toEqual({ n: 0 });
  });

  test('when someone other than an admin, or with bad input, asks, then 403 or 400 and nothing changes', async () => {
    expect((await operator.get('/api/v1/privacy/retention')).status).toBe(403);
    expect((await operator.post('/api/v1/privacy/erasure-requests', { phone: '13700001002', reason: '本人申请' })).status).toBe(403);
    expect((await admin.patch('/api/v1/privacy/retention/audit_log', { keepDays: 10 })).status).toBe(400);
    expect((await admin.patch('/api/v1/privacy/retention/tickets', { keepDays: 365 })).status).toBe(400);
    expect(
      (await admin.post('/api/v1/privacy/erasure-requests', { phone: '13700001002', openid: 'oXXXXXXXX', reason: '本人申请' })).status,
    ).toBe(400);
    expect((await admin.post('/api/v1/privacy/erasure-requests', { phone: '13700001002' })).status).toBe(400);
    expect((await admin.post('/api/v1/privacy/erasure-requests', { phone: 'not a phone', reason: '本人申请' })).status).toBe(400);
    expect((await admin.post('/api/v1/privacy/access-requests', { phone: '13799999999', reason: '本人申请' })).status).toBe(404);
    expect(await contactOf('+8613700001002')).toMatchObject({ name: '李红', anonymised_at: null });
    expect(await t.hub.db('audit_log').whereIn('action', ['privacy.access', 'privacy.erasure'])).toHaveLength(0);
  });
});

describe('a citizen’s requests about their data', () => {
  test('when an admin serves a request to see the data, then it lists the citizen’s tickets and messages, and the audit log says who asked for whom, the number masked', async () => {
    const phone = '+8613700002001';
    await text(phone, '噪音扰民，晚上十点后还在装修');
    await eventually(async () => (await t.hub.db('tickets').where({ contact_id: (await contactOf(phone))?.id ?? 0 })).length === 1);
    const res = await admin.post('/api/v1/privacy/access-requests', { phone: '137 0000 2001', reason: '本人来电申请查阅，受理号 GA-1' });
    expect(res.status).toBe(200);
    expect(res.body.person.phone).toBe(phone);
    expect(res.body.tickets.map((x: { description: string }) => x.description)).toEqual(['噪音扰民，晚上十点后还在装修']);
    expect(res.body.messages).toHaveLength(1);
    const entry = await t.hub.db('audit_log').where({ action: 'privacy.access' }).orderBy('id', 'desc').first();
    expect(entry).toMatchObject({ target: `contact:${res.body.contactId}`, actor_name: expect.any(String) });
    expect(entry.details).toMatchObject({ phone: '+86137****2001', reason: '本人来电申请查阅，受理号 GA-1', tickets: 1 });
  });

  test('when an admin serves a request to delete the data, then the citizen is anonymised at once, their ticket stays, and they are no longer found', async () => {
    const phone = '+8613700003001';
    await text(phone, '咨询孩子入学的政策');
    const [ticket] = await eventually(async () => {
      const rows = await t.hub.db('tickets').where({ contact_id: (await contactOf(phone))?.id ?? 0 });
      return rows.length === 1 && rows;
    });
    const res = await admin.post('/api/v1/privacy/erasure-requests', { phone, reason: '本人书面申请删除' });
    expect(res.status).toBe(200);
    expect(res.body.erased).toMatchObject({ identity: true, messages: 1 });
    expect(await contactOf(phone)).toBeUndefined();
    expect(await t.hub.db('tickets').where({ id: ticket.id }).first()).toMatchObject({ id: ticket.id, description: '咨询孩子入学的政策' });
    expect((await t.hub.db('inbound_messages').where({ ticket_id: ticket.id }).first()).text).toBe('');
    expect((await admin.post('/api/v1/privacy/access-requests', { phone, reason: '再次查阅' })).status).toBe(404);
    expect(await t.hub.db('audit_log').where({ action: 'privacy.erasure', target: `contact:${ticket.contact_id}` })).toHaveLength(1);
  });
  test('when a citizen who sent a photo asks to be deleted, then the photo and its thumbnail leave the object store, and nobody can open them', async () => {
    const phone = '+8613700004001';
    const image = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 200, g: 90, b: 40 } } })
      .jpeg()
      .toBuffer();
    const item = hub.fake.addMedia(image, 'image/jpeg');
    const message = { ...inboundSms(phone, '井盖丢了，见照片'), NumMedia: '1', MediaUrl0: item.url, MediaContentType0: 'image/jpeg' };
    expect((await signed(t, '/webhooks/twilio/sms', message)).status).toBe(200);
    const kept = await eventually(() => t.hub.db('media').where({ provider_key: item.url }).first());
    expect(kept.thumbnail_key).not.toBeNull();
    const file = (key: string) => path.join(t.mediaDir, key);
    expect(fs.existsSync(file(kept.object_key))).toBe(true);
    expect(fs.existsSync(file(kept.thumbnail_key))).toBe(true);
    const supervisor = await t.as('supervisor');
    expect((await supervisor.get(`/api/v1/media/${kept.id}`)).status).toBe(200);

    const res = await admin.post('/api/v1/privacy/erasure-requests', { phone, reason: '本人书面申请删除' });
    expect(res.status).toBe(200);
    expect(res.body.erased).toMatchObject({ identity: true, media: 1 });
    expect(fs.existsSync(file(kept.object_key))).toBe(false);
    expect(fs.existsSync(file(kept.thumbnail_key))).toBe(false);
    expect(await t.hub.db('media').where({ id: kept.id }).first()).toMatchObject({ erased_at: expect.any(Date) });
    expect((await supervisor.get(`/api/v1/media/${kept.id}`)).status).toBe(404);
    expect((await supervisor.get(`/api/v1/media/${kept.id}/thumbnail`)).status).toBe(404);
  });
});
