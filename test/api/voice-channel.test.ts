import { randomBytes } from 'node:crypto';
import { eventually, startFakeTwilio } from '../support/fake-twilio';
import { listen } from '../support/staff-socket';
import { startTestHub, type TestHub } from '../support/test-hub';
import { signedPost, twilioAccount, twilioEnv } from '../support/twilio';

let fake: Awaited<ReturnType<typeof startFakeTwilio>>;
let t: TestHub;

beforeAll(async () => {
  fake = await startFakeTwilio(twilioAccount);
  t = await startTestHub({ env: twilioEnv(fake.url) });
});
afterAll(async () => {
  await t.close();
  await fake.close();
});

let phoneSeq = 0;
const newCall = () => ({
  CallSid: `CA${randomBytes(16).toString('hex')}`,
  From: `+861380000${String(1000 + phoneSeq++).padStart(4, '0')}`,
  To: '+8610612345',
});
const voice = (path: string, params: Record<string, string>) => signedPost(t, `/webhooks/twilio/voice${path}`, params);
const ticketsOf = async (phone: string) =>
  t.hub.db('tickets as t').join('contacts as c', 'c.id', 't.contact_id').where('c.phone', phone).select('t.*');
const tasksFor = (callSid: string) =>
  t.hub.db('callback_tasks as k').join('calls as c', 'c.id', 'k.call_id').where('c.call_sid', callSid).select('k.*');

describe('phone IVR', () => {
  test('when a call comes in, then the Mandarin menu is played from TwiML and the call is recorded; a forged call is refused', async () => {
    const call = newCall();
    const res = await voice('', call);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/xml/);
    expect(res.text).toMatch(
      /<Gather input="dtmf" numDigits="1" timeout="8" action="\/webhooks\/twilio\/voice\/menu"><Say language="zh-CN">您好，这里是12345/,
    );
    expect(res.text).toContain('<Redirect>/webhooks/twilio/voice?retry=1</Redirect>');
    expect(await t.hub.db('calls').where({ call_sid: call.CallSid }).first()).toMatchObject({ from_phone: call.From });
    const retry = await voice('?retry=1', call);
    expect(retry.text).not.toContain('<Redirect>');
    const forged = await signedPost(t, '/webhooks/twilio/voice', newCall(), 'wrong-token-000000000');
    expect(forged.status).toBe(403);
  });

  test('when the caller presses 1 and speaks, then the speech becomes a ticket and the number goes out by SMS', async () => {
    const call = newCall();
    const menu = await voice('/menu', { ...call, Digits: '1' });
    expect(menu.text).toMatch(
      /<Gather input="speech" language="cmn-Hans-CN" speechTimeout="auto" timeout="6" actionOnEmptyResult="true" action="\/webhooks\/twilio\/voice\/speech\?kind=request"><Say language="zh-CN">/,
    );
    const spoken = await voice('/speech?kind=request', {
      ...call,
      SpeechResult: '我家楼下的路灯坏了，在东华社区三号楼',
      Confidence: '0.92',
    });
    expect(spoken.text).toMatch(/<Say language="zh-CN">您的诉求已受理.*<\/Say><Hangup\/>/);
    const [ticket] = await eventually(async () => ((await ticketsOf(call.From)).length === 1 ? ticketsOf(call.From) : undefined));
    expect(ticket).toMatchObject({ channel: 'phone', description: '我家楼下的路灯坏了，在东华社区三号楼' });
    const sms = await eventually(() => fake.sent.find((m) => m.to === call.From));
    expect(sms.body).toContain(ticket.number);
    expect((await voice('/status', { ...call, CallStatus: 'completed', CallDuration: '64' })).status).toBe(204);
    expect(await tasksFor(call.CallSid)).toHaveLength(0);
  });

  test('when the caller presses 2 for a proxy application, then the ticket is a 代办 request', async () => {
    const call = newCall();
    const menu = await voice('/menu', { ...call, Digits: '2' });
    expect(menu.text).toContain('speech?kind=proxy');
    await voice('/speech?kind=proxy', { ...call, SpeechResult: '我想代办老年人优待证，我叫王大爷，住在石门村' });
    const [ticket] = await eventually(async () => ((await ticketsOf(call.From)).length === 1 ? ticketsOf(call.From) : undefined));
    expect(ticket.request_type).toBe('proxy');
  });

  test('when no speech is recognised, then the caller leaves a recording; it becomes the ticket and a transcription joins it', async () => {
    const call = newCall();
    const empty = await voice('/speech?kind=request', { ...call, SpeechResult: '' });
    expect(empty.text).toMatch(
      /<Record maxLength="120" playBeep="true" finishOnKey="#" action="\/webhooks\/twilio\/voice\/recording\?kind=request" transcribe="true" transcribeCallback="\/webhooks\/twilio\/voice\/transcription\?kind=request"\/>/,
    );
    const recordingUrl = 'https://api.twilio.com/2010-04-01/Accounts/AC/Recordings/RE123';
    await voice('/recording?kind=request', { ...call, RecordingUrl: recordingUrl, RecordingDuration: '23' });
    const [ticket] = await eventually(async () => ((await ticketsOf(call.From)).length === 1 ? ticketsOf(call.From) : undefined));
    const created = await t.hub.db('ticket_events').where({ ticket_id: ticket.id, type: 'created' }).first();
    expect(created.data.media).toEqual([{ url: recordingUrl, contentType: 'audio/wav' }]);
    expect(
      (await voice('/transcription?kind=request', { ...call, TranscriptionStatus: 'completed', TranscriptionText: '路灯坏了' })).status,
    ).toBe(204);
    await eventually(async () => (await t.hub.db('ticket_events').where({ ticket_id: ticket.id, type: 'citizen_message' })).length === 1);
    expect(await ticketsOf(call.From)).toHaveLength(1);
  });

  test('when the caller presses 3 and keys in a ticket number, then its status is read out', async () => {
    const caller = newCall();
    await voice('/speech?kind=request', { ...caller, SpeechResult: '噪音扰民' });
    const [ticket] = await eventually(async () => ((await ticketsOf(caller.From)).length === 1 ? ticketsOf(caller.From) : undefined));
    const call = newCall();
    const prompt = await voice('/menu', { ...call, Digits: '3' });
    expect(prompt.text).toMatch(/<Gather input="dtmf" finishOnKey="#" timeout="10" action="\/webhooks\/twilio\/voice\/query">/);
    const answer = await voice('/query', { ...call, Digits: ticket.number.replace('-', '') });
    expect(answer.text).toMatch(/当前状态：(已受理|待分拨)/);
    const unknown = await voice('/query', { ...newCall(), Digits: '2020010199999' });
    expect(unknown.text).toContain('未查询到该工单');
    await voice('/status', { ...call, CallStatus: 'completed' });
    expect(await tasksFor(call.CallSid)).toHaveLength(0);
  });

  test('when the caller asks for an operator, then the call pops up on the seats; when they hang up in the queue, a callback task waits', async () => {
    const call = newCall();
    const seat = await listen(t, 'operator');
    const menu = await voice('/menu', { ...call, Digits: '0' });
    expect(menu.text).toContain('<Enqueue action="/webhooks/twilio/voice/queue-result">hotline-seats</Enqueue>');
    expect(await eventually(() => seat.heard.find((e) => e.type === 'call'))).toMatchObject({
      callId: call.CallSid,
      phone: call.From,
      menu: 'operator',
      source: 'ivr',
    });
    await voice('/queue-result', { ...call, QueueResult: 'hangup' });
    await voice('/status', { ...call, CallStatus: 'completed', CallDuration: '40' });
    await voice('/status', { ...call, CallStatus: 'completed', CallDuration: '40' });
    const tasks = await tasksFor(call.CallSid);
    expect(tasks).toEqual([expect.objectContaining({ reason: 'abandoned', status: 'open', phone: call.From })]);
    await eventually(() => seat.heard.find((e) => e.type === 'queue' && e.queue === 'callback_tasks'));
    seat.close();

    const operator = await t.as('operator');
    const queue = (await operator.get('/api/v1/callback-tasks')).body.items;
    expect(queue.map((task: { callSid: string }) => task.callSid)).toContain(call.CallSid);
    const done = await operator.post(`/api/v1/callback-tasks/${tasks[0].id}/complete`, { reached: true, note: '已回拨，群众诉求已登记' });
    expect(done.body).toMatchObject({ status: 'done', reached: true });
    expect((await operator.post(`/api/v1/callback-tasks/${tasks[0].id}/complete`, { reached: true, note: '再次' })).status).toBe(404);
    expect((await (await t.as('agent')).get('/api/v1/callback-tasks')).status).toBe(403);
  });

  test('when an operator answers from the queue, or the call is missed, then the queue knows', async () => {
    const bridged = newCall();
    await voice('/menu', { ...bridged, Digits: '0' });
    await voice('/queue-result', { ...bridged, QueueResult: 'bridged' });
    await voice('/status', { ...bridged, CallStatus: 'completed' });
    expect(await tasksFor(bridged.CallSid)).toHaveLength(0);
    const missed = newCall();
    await voice('/status', { ...missed, CallStatus: 'no-answer' });
    expect(await tasksFor(missed.CallSid)).toEqual([expect.objectContaining({ reason: 'missed' })]);
  });

  test('when a caller withholds the number, then the request is still taken, from an anonymous contact, with no SMS', async () => {
    const call = { ...newCall(), From: 'anonymous' };
    await voice('/speech?kind=request', { ...call, SpeechResult: '举报有人非法排污' });
    const ticket = await eventually(async () => t.hub.db('tickets').where({ description: '举报有人非法排污' }).first());
    const contact = await t.hub.db('contacts').where({ id: ticket.contact_id }).first();
    expect(contact).toMatchObject({ anonymous: true, phone: null });
    const ack = await eventually(async () =>
      t.hub.db('outbox').where({ ticket_id: ticket.id, kind: 'citizen.intake_ack' }).whereIn('status', ['cancelled']).first(),
    );
    expect(ack.last_error).toMatch(/no phone/);
  });

  test('when a voice webhook is malformed, then 400', async () => {
    expect((await voice('', { From: '+8613800000000' })).status).toBe(400);
    expect((await voice('/status', { ...newCall(), CallStatus: 'exploded' })).status).toBe(400);
    expect((await voice('/speech?kind=gossip', { ...newCall(), SpeechResult: 'x' })).status).toBe(400);
  });
});
