import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import sharp from 'sharp';
import { eventually, startFakeTwilio } from '../support/fake-twilio';
import { act, createTicket } from '../support/tickets';
import { demoIds, startTestHub, type TestHub } from '../support/test-hub';
import { inboundSms, signedPost, twilioAccount, twilioEnv } from '../support/twilio';

const photo = (width = 800, height = 600) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 80, b: 40 } } })
    .jpeg()
    .toBuffer();
/** A Linux program's first bytes, renamed to look like a photo. */
const program = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(200, 1)]);

const upload = (t: TestHub, token: string, ticketId: number, bytes: Buffer, name = 'photo.jpg', contentType = 'image/jpeg') =>
  t.http
    .post(`/api/v1/tickets/${ticketId}/media?name=${encodeURIComponent(name)}`)
    .set('Authorization', `Bearer ${token}`)
    .set('Content-Type', contentType)
    .send(bytes);

/** A ticket with 住建局 (the demo agent's department) as its lead, signed for. */
async function zjjTicket(t: TestHub) {
  const operator = await t.as('operator');
  const ticket = await createTicket(operator);
  const ids = await demoIds(t.hub);
  await act(operator, ticket.id, 'dispatch', { departmentId: ids.department('ZJJ') });
  return ticket;
}

describe('media on the local store', () => {
  let t: TestHub;
  let fake: Awaited<ReturnType<typeof startFakeTwilio>>;
  beforeAll(async () => {
    fake = await startFakeTwilio(twilioAccount);
    t = await startTestHub({ env: { ...twilioEnv(fake.url), MEDIA_MAX_MB: '1' } });
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  test('a department uploads a photo: kept by content, with a thumbnail, visible to its department and 404 to another', async () => {
    const ticket = await zjjTicket(t);
    const res = await upload(t, await t.token('agent'), ticket.id, await photo(), '现场照片.jpg', 'application/octet-stream');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      kind: 'image',
      contentType: 'image/jpeg',
      width: 800,
      height: 600,
      fileName: '现场照片.jpg',
      source: 'staff',
      hasThumbnail: true,
    });
    expect(res.body.uploadedBy).toContain('张伟');

    const agent = await t.as('agent');
    const original = await agent.get(`/api/v1/media/${res.body.id}`).buffer(true);
    expect(original.status).toBe(200);
    expect(original.headers['content-type']).toBe('image/jpeg');
    expect(original.headers['cache-control']).toBe('private, max-age=3600');
    expect(original.body.length).toBe(res.body.byteSize);
    const thumbnail = await agent.get(`/api/v1/media/${res.body.id}/thumbnail`).buffer(true);
    expect(thumbnail.status).toBe(200);
    const size = await sharp(thumbnail.body as Buffer).metadata();
    expect([size.width, size.height]).toEqual([320, 240]);
    expect((await agent.get(`/api/v1/tickets/${ticket.id}/media`)).body.items.map((m: { id: number }) => m.id)).toEqual([res.body.id]);

    // Another department, and anyone signed out, get nothing.
    const other = await t.as('cg_agent');
    expect((await other.get(`/api/v1/media/${res.body.id}`)).status).toBe(404);
    expect((await other.get(`/api/v1/media/${res.body.id}/thumbnail`)).status).toBe(404);
    expect((await other.get(`/api/v1/tickets/${ticket.id}/media`)).status).toBe(404);
    expect((await upload(t, await t.token('cg_agent'), ticket.id, await photo())).status).toBe(404);
    expect((await t.http.get(`/api/v1/media/${res.body.id}`)).status).toBe(401);
    // The center sees it.
    expect((await (await t.as('supervisor')).get(`/api/v1/media/${res.body.id}`)).status).toBe(200);
  });

  test('when a program is renamed .jpg, or the file is too big, empty or JSON, then a clear 4xx and nothing is kept', async () => {
    const ticket = await zjjTicket(t);
    const token = await t.token('agent');
    const renamed = await upload(t, token, ticket.id, program, 'photo.jpg', 'image/jpeg');
    expect(renamed.status).toBe(415);
    expect(renamed.body.error.message).toMatch(/文件内容不是允许的类型/);
    // Looks like a JPEG for three bytes, then is not one.
    const fakeJpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(300, 7)]);
    expect((await upload(t, token, ticket.id, fakeJpeg)).status).toBe(415);
    const big = await sharp({
      create: { width: 1200, height: 1200, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } },
    })
      .png()
      .toBuffer();
    expect(big.length).toBeGreaterThan(1024 * 1024);
    const tooBig = await upload(t, token, ticket.id, big, 'big.png', 'image/png');
    expect(tooBig.status).toBe(413);
    expect((await upload(t, token, ticket.id, Buffer.alloc(0))).status).toBe(400);
    const json = await (await t.as('agent')).post(`/api/v1/tickets/${ticket.id}/media`, { file: 'x' });
    expect(json.status).toBe(415);
    expect(await t.hub.db('media').where({ ticket_id: ticket.id }).count({ n: '*' })).toEqual([{ n: 0 }]);
    expect((await upload(t, token, ticket.id, await photo(), 'x'.repeat(201))).status).toBe(400);
  });

  test('答复 names its result and shows photos of what was done; a photo of another ticket is refused', async () => {
    const ticket = await zjjTicket(t);
    const other = await zjjTicket(t);
    const token = await t.token('agent');
    const agent = await t.as('agent');
    await act(agent, ticket.id, 'sign_for');
    const done = (await upload(t, token, ticket.id, await photo(), '整改后.jpg')).body;
    const elsewhere = (await upload(t, token, other.id, await photo(400, 300))).body;
    const refused = await agent.post(`/api/v1/tickets/${ticket.id}/reply`, {
      text: '已修复路灯。',
      result: 'solved',
      photoIds: [done.id, elsewhere.id],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain(String(elsewhere.id));
    expect((await agent.post(`/api/v1/tickets/${ticket.id}/reply`, { text: '已修复路灯。' })).status).toBe(400);
    expect((await agent.get(`/api/v1/tickets/${ticket.id}`)).body.status).toBe('accepted');

    const replied = await act(agent, ticket.id, 'reply', {
      text: '该路段路灯属供电公司产权，已告知其报修渠道。',
      result: 'explained',
      photoIds: [done.id],
    });
    expect(replied.reply).toMatchObject({ result: 'explained', solved: false });
    expect(replied.timeline.at(-1)).toMatchObject({ type: 'reply', data: { result: 'explained', photoIds: [done.id] } });
  });

  test('an MMS photo is fetched from Twilio once, kept, and shown on the ticket it opened', async () => {
    const bytes = await photo(640, 480);
    const item = fake.addMedia(bytes, 'image/jpeg');
    const message = {
      ...inboundSms('+8613900007777', '小区门口垃圾堆了一周，见照片'),
      NumMedia: '1',
      MediaUrl0: item.url,
      MediaContentType0: 'image/jpeg',
    };
    expect((await signedPost(t, '/webhooks/twilio/sms', message)).status).toBe(200);
    const kept = await eventually(() => t.hub.db('media').where({ provider_key: item.url }).first());
    expect(kept).toMatchObject({ source: 'citizen', content_type: 'image/jpeg', width: 640, height: 480, byte_size: bytes.length });
    const { ticket_id: ticketId } = await t.hub.db('inbound_messages').where({ id: kept.message_id }).first();
    const supervisor = await t.as('supervisor');
    const listed = await supervisor.get(`/api/v1/tickets/${ticketId}/media`);
    expect(listed.body.items).toEqual([expect.objectContaining({ id: Number(kept.id), source: 'citizen', uploadedBy: null })]);
    // Fetched once: the job again (a retry, a second worker) keeps nothing new and asks Twilio nothing.
    expect(await t.hub.services.media.fetchForMessage(kept.message_id)).toBe('done');
    expect(item.fetched()).toBe(1);
    expect(await t.hub.db('media').where({ message_id: kept.message_id }).count({ n: '*' })).toEqual([{ n: 1 }]);
    // The department gets it once the ticket is theirs.
    const agent = await t.as('agent');
    expect((await agent.get(`/api/v1/media/${kept.id}`)).status).toBe(404);
    await act(supervisor, ticketId, 'dispatch', { departmentId: (await demoIds(t.hub)).department('ZJJ') });
    expect((await agent.get(`/api/v1/media/${kept.id}`)).status).toBe(200);
  });

  test('a media URL on a host that is not the provider’s is not fetched', async () => {
    const message = {
      ...inboundSms('+8613900007778', '看图'),
      NumMedia: '1',
      MediaUrl0: 'http://169.254.169.254/latest/meta-data',
      MediaContentType0: 'image/jpeg',
    };
    expect((await signedPost(t, '/webhooks/twilio/sms', message)).status).toBe(200);
    const stored = await eventually(() => t.hub.db('inbound_messages').where({ provider_id: message.MessageSid }).first());
    expect(await t.hub.services.media.fetchForMessage(stored.id)).toBe('skipped');
  });
});

describe('media on an S3-compatible store', () => {
  let t: TestHub;
  let s3: S3rver;
  let dir: string;
  let endpoint: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hh-s3-'));
    s3 = new S3rver({
      port: 0,
      address: '127.0.0.1',
      silent: true,
      directory: dir,
      configureBuckets: [{ name: 'hotline-media', configs: [] }],
    });
    const { port } = await s3.run();
    endpoint = `http://127.0.0.1:${port}`;
    t = await startTestHub({
      env: {
        MEDIA_S3_BUCKET: 'hotline-media',
        MEDIA_S3_ENDPOINT: endpoint,
        MEDIA_S3_ACCESS_KEY_ID: 'S3RVER',
        // s3rver takes any credentials; these are its defaults.
        MEDIA_S3_SECRET_ACCESS_KEY: 'S3RVER-secret',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await s3?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  test('a photo and its thumbnail go to the bucket and come back through the API only', async () => {
    const ticket = await zjjTicket(t);
    const bytes = await photo();
    const res = await upload(t, await t.token('agent'), ticket.id, bytes);
    expect(res.status).toBe(201);
    const client = new S3Client({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    const listed = await client.send(new ListObjectsV2Command({ Bucket: 'hotline-media' }));
    const keys = (listed.Contents ?? []).map((o) => o.Key);
    expect(keys).toEqual(
      expect.arrayContaining([expect.stringMatching(/^media\/[0-9a-f]{2}\/[0-9a-f]{64}$/), expect.stringMatching(/^thumbnails\//)]),
    );
    const back = await (await t.as('agent')).get(`/api/v1/media/${res.body.id}`).buffer(true);
    expect(Buffer.compare(back.body as Buffer, bytes)).toBe(0);
    expect((await t.http.get('/readyz')).body.checks.media).toBe('ok');
  });
});
