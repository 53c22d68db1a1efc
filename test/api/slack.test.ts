import { act, createTicket } from '../support/tickets';
import { buttonClick, slackPost, slashCommand, startFakeSlack, viewSubmission } from '../support/fake-slack';
import { travel } from '../support/sla';
import { eventually } from '../support/fake-twilio';
import { demoIds, startTestHub, type AuthedAgent, type TestHub } from '../support/test-hub';

const botToken = 'xoxb-test-bot-token';
const signingSecret = 'test-signing-secret-0123456789';
const housingChannel = 'CZJJ00001';
const supervisorChannel = 'CSUPER0001';

let t: TestHub;
let fake: Awaited<ReturnType<typeof startFakeSlack>>;
let ids: Awaited<ReturnType<typeof demoIds>>;
let operator: AuthedAgent, admin: AuthedAgent;

beforeAll(async () => {
  fake = await startFakeSlack(botToken);
  t = await startTestHub({
    env: {
      AUTO_DISPATCH: 'true',
      SLACK_BOT_TOKEN: botToken,
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: fake.apiUrl,
      SLACK_SUPERVISOR_CHANNEL: supervisorChannel,
      OUTBOX_RETRY_BASE_MS: '100',
      OUTBOX_SWEEP_MS: '200',
    },
  });
  ids = await demoIds(t.hub);
  operator = await t.as('operator');
  admin = await t.as('admin');
  expect((await admin.patch(`/api/v1/departments/${ids.department('ZJJ')}`, { slackChannelId: housingChannel })).status).toBe(200);
  for (const [username, slackUserId] of [
    ['agent', 'UAGENT0001'],
    ['cg_agent', 'UCGAGENT01'],
  ]) {
    const user = (await t.hub.db('users').select('id').where({ username }).first()) as { id: number };
    expect((await admin.patch(`/api/v1/users/${user.id}/work`, { slackUserId })).status).toBe(200);
  }
});
afterAll(async () => {
  await t.close();
  await fake.close();
});

/** Waits for jobs and outbox deliveries (retries included) to settle. */
async function settle(until: () => boolean = () => true, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  do {
    await t.hub.queue.drain();
    if (until()) return;
    await new Promise((r) => setTimeout(r, 50));
  } while (Date.now() < deadline);
  throw new Error('timed out waiting for Slack traffic');
}

async function housingTicket() {
  const created = await createTicket(operator, { categoryId: ids.category('0104'), description: '住房漏水无人处理' });
  await settle(() => fake.of('chat.postMessage').some((c) => String(c.args.text).includes(created.number)));
  return { ...created, card: fake.of('chat.postMessage').find((c) => String(c.args.text).includes(created.number))! };
}

const ticketNow = async (id: number) => (await operator.get(`/api/v1/tickets/${id}`)).body;
const buttonsOf = (blocks: Array<{ type: string; elements?: Array<{ action_id: string }> }>) =>
  blocks.find((b) => b.type === 'actions')!.elements!.map((e) => e.action_id);
const ephemeralsTo = (user: string) => fake.of('chat.postEphemeral').filter((c) => c.args.user === user);

describe('Slack: the department works the ticket from its channel', () => {
  test('when a ticket is dispatched to a department with a channel, then a Block Kit card is posted, and signing for it from Slack updates the card', async () => {
    const ticket = await housingTicket();
    expect(ticket.card.args.channel).toBe(housingChannel);
    const blocks = ticket.card.args.blocks as Array<{
      type: string;
      text?: { text: string };
      fields?: Array<{ text: string }>;
      elements?: Array<{ action_id: string }>;
    }>;
    expect(blocks[0]!.text!.text).toBe(`12345 工单 ${ticket.number}`);
    expect(blocks[1]!.fields!.map((f) => f.text)).toEqual(
      expect.arrayContaining(['*状态*\n已派单', '*类型*\n投诉', '*承办单位*\n市住房和城乡建设局']),
    );
    expect(buttonsOf(blocks)).toEqual(['ticket.sign_for', 'ticket.return', 'ticket.view']);

    const started = Date.now();
    const click = await slackPost(
      t.http,
      signingSecret,
      buttonClick({ user: 'UAGENT0001', channel: housingChannel, ticketId: ticket.id, action: 'sign_for', actionTs: '1700000100.000001' }),
    );
    expect(click.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(3_000);
    await settle(() =>
      fake.of('chat.update').some((c) => String(c.args.text).includes(`${ticket.number}`) && String(c.args.text).includes('办理中')),
    );
    const after = await ticketNow(ticket.id);
    expect(after).toMatchObject({ status: 'accepted', assigneeUserId: expect.any(Number) });
    expect(after.timeline.at(-1)).toMatchObject({ type: 'sign_for', actor: { name: '张伟（住建局）' } });
    const update = fake.of('chat.update').find((c) => String(c.args.text).includes(ticket.number))!;
    // The card is updated in place: the message Slack answered the post with.
    expect(update.args).toMatchObject({ channel: housingChannel, ts: expect.stringMatching(/^1700000000\.\d{6}$/) });
    expect(buttonsOf(update.args.blocks as never)).toEqual(['ticket.reply', 'ticket.return', 'ticket.view']);

    // Slack delivering the same click again changes nothing.
    const again = await slackPost(
      t.http,
      signingSecret,
      buttonClick({ user: 'UAGENT0001', channel: housingChannel, ticketId: ticket.id, action: 'sign_for', actionTs: '1700000100.000001' }),
    );
    expect(again.status).toBe(200);
    await settle();
    expect((await ticketNow(ticket.id)).timeline).toHaveLength(after.timeline.length);
  });

  test('when the agent returns or replies from Slack, then a form opens, a bad form is answered with errors, and the submitted form acts', async () => {
    const ticket = await housingTicket();
    await slackPost(
      t.http,
      signingSecret,
      buttonClick({ user: 'UAGENT0001', channel: housingChannel, ticketId: ticket.id, action: 'return' }),
    ).expect(200);
    const opened = fake.of('views.open').at(-1)!;
    expect(opened.args.view).toMatchObject({
      callback_id: 'ticket.return',
      private_metadata: JSON.stringify({ ticketId: ticket.id, channelId: housingChannel }),
    });

    const empty = await slackPost(
      t.http,
      signingSecret,
      viewSubmission({
        user: 'UAGENT0001',
        callbackId: 'ticket.return',
        ticketId: ticket.id,
        channel: housingChannel,
        values: { reason_code: { selected_option: null }, reason: { value: ' ' } },
      }),
    );
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ response_action: 'errors', errors: { reason_code: '请选择退单原因', reason: '请填写说明' } });
    await settle();
    expect((await ticketNow(ticket.id)).status).toBe('dispatched');

    await slackPost(
      t.http,
      signingSecret,
      viewSubmission({
        user: 'UAGENT0001',
        callbackId: 'ticket.return',
        ticketId: ticket.id,
        channel: housingChannel,
        values: { reason_code: { selected_option: { value: 'not_our_duty' } }, reason: { value: '属区政府职责' } },
      }),
    ).expect(200);
    await settle();
    expect(await ticketNow(ticket.id)).toMatchObject({ status: 'returned' });

    // Back to the department, signed for, then answered from Slack.
    await act(operator, ticket.id, 'review_return', { decision: 'reject', note: '属住建职责' });
    await act(await t.as('agent'), ticket.id, 'sign_for');
    await slackPost(
      t.http,
      signingSecret,
      buttonClick({ user: 'UAGENT0001', channel: housingChannel, ticketId: ticket.id, action: 'reply' }),
    ).expect(200);
    expect(fake.of('views.open').at(-1)!.args.view).toMatchObject({ callback_id: 'ticket.reply' });
    await slackPost(
      t.http,
      signingSecret,
      viewSubmission({
        user: 'UAGENT0001',
        callbackId: 'ticket.reply',
        ticketId: ticket.id,
        channel: housingChannel,
        values: { text: { value: '已安排维修，漏水已处理' }, solved: { selected_option: { value: 'yes' } } },
      }),
    ).expect(200);
    await settle();
    expect(await ticketNow(ticket.id)).toMatchObject({ status: 'replied', reply: { text: '已安排维修，漏水已处理', solved: true } });
  });

  test('when an unmapped Slack user or another department’s user clicks, then they are refused with an ephemeral message and nothing changes', async () => {
    const ticket = await housingTicket();
    const before = await ticketNow(ticket.id);
    await slackPost(
      t.http,
      signingSecret,
      buttonClick({ user: 'UNOBODY001', channel: housingChannel, ticketId: ticket.id, action: 'sign_for' }),
    ).expect(200);
    await slackPost(
      t.http,
      signingSecret,
      buttonClick({ user: 'UCGAGENT01', channel: housingChannel, ticketId: ticket.id, action: 'sign_for' }),
    ).expect(200);
    await slackPost(
      t.http,
      signingSecret,
      buttonClick({ user: 'UCGAGENT01', channel: housingChannel, ticketId: ticket.id, action: 'return' }),
    ).expect(200);
    await settle(() => ephemeralsTo('UNOBODY001').length > 0 && ephemeralsTo('UCGAGENT01').length >= 2);
    expect(ephemeralsTo('UNOBODY001').at(-1)!.args).toMatchObject({ channel: housingChannel, text: expect.stringContaining('尚未绑定') });
    expect(ephemeralsTo('UCGAGENT01').map((c) => c.args.text)).toEqual([
      expect.stringContaining('无法操作'),
      expect.stringContaining('无法操作'),
    ]);
    const after = await ticketNow(ticket.id);
    expect(after).toMatchObject({ status: 'dispatched', version: before.version });
  });

  test('when someone types /12345 <number>, then a mapped user gets the status only they see', async () => {
    const ticket = await housingTicket();
    const status = await slackPost(
      t.http,
      signingSecret,
      slashCommand({ user: 'UAGENT0001', channel: housingChannel, text: ticket.number }),
    );
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining(`工单 ${ticket.number}｜已派单`) });
    expect(
      (await slackPost(t.http, signingSecret, slashCommand({ user: 'UCGAGENT01', channel: housingChannel, text: ticket.number }))).body
        .text,
    ).toMatch(/未找到工单.*不属于你的部门/);
    expect(
      (await slackPost(t.http, signingSecret, slashCommand({ user: 'UNOBODY001', channel: housingChannel, text: ticket.number }))).body
        .text,
    ).toMatch(/尚未绑定/);
    expect(
      (await slackPost(t.http, signingSecret, slashCommand({ user: 'UAGENT0001', channel: housingChannel, text: 'hello' }))).body.text,
    ).toMatch(/用法/);
  });

  test('when a request is forged or stale, then it is refused with 401 and nothing happens', async () => {
    const ticket = await housingTicket();
    const body = buttonClick({ user: 'UAGENT0001', channel: housingChannel, ticketId: ticket.id, action: 'sign_for' });
    expect((await slackPost(t.http, 'not-the-signing-secret-000000', body)).status).toBe(401);
    expect((await slackPost(t.http, signingSecret, body, { timestamp: Math.floor(Date.now() / 1000) - 3_600 })).status).toBe(401);
    // Signed for ten minutes from now: it could be replayed later, so it is refused too.
    const future = await slackPost(t.http, signingSecret, body, { timestamp: Math.floor(Date.now() / 1000) + 600 });
    expect(future.status).toBe(401);
    expect(future.body.error.code).toBe('UNAUTHENTICATED');
    const huge = await slackPost(t.http, signingSecret, `${body}&padding=${'x'.repeat(300 * 1024)}`);
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect((await t.http.post('/webhooks/slack/events').type('form').send(body)).status).toBe(401);
    await settle();
    expect((await ticketNow(ticket.id)).status).toBe('dispatched');
  });
});

describe('Slack: outages and supervisors', () => {
  test('when Slack is down, then the card waits in the outbox and is posted when Slack is back', async () => {
    fake.state.down = true;
    let number = '';
    try {
      const created = await createTicket(operator, { categoryId: ids.category('0104'), description: '楼道墙体开裂' });
      number = created.number;
      await settle();
      const rows = await t.hub.db('outbox').where({ ticket_id: created.id, channel: 'slack' });
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r: { status: string }) => ['pending', 'failed', 'sending'].includes(r.status))).toBe(true);
    } finally {
      fake.state.down = false;
    }
    await settle(() => fake.of('chat.postMessage').some((c) => String(c.args.text).includes(number)), 10_000);
  });

  test('when Slack refuses a card for good (the channel is gone), then the message is dead at once for an admin to see', async () => {
    const cityManagement = ids.department('CGJ');
    await admin.patch(`/api/v1/departments/${cityManagement}`, { slackChannelId: 'CMISSING' });
    try {
      const created = await createTicket(operator, { categoryId: ids.category('1502'), description: '小区里有人搭建违章建筑' });
      await settle(() => fake.of('chat.postMessage').some((c) => c.args.channel === 'CMISSING'));
      await settle();
      const [row] = await t.hub.db('outbox').where({ ticket_id: created.id, channel: 'slack' });
      expect(row).toMatchObject({ status: 'dead', attempts: 1, last_error: 'Slack refused: channel_not_found' });
      expect((await ticketNow(created.id)).status).toBe('dispatched');
    } finally {
      await admin.patch(`/api/v1/departments/${cityManagement}`, { slackChannelId: null });
    }
  });

  test('when a ticket is returned a third time, then the supervisors’ channel is alerted', async () => {
    const ticket = await housingTicket();
    const agent = await t.as('agent');
    for (let i = 1; i <= 3; i++) {
      await act(agent, ticket.id, 'return', { reasonCode: 'other', reason: `第${i}次退单` });
      if (i < 3) await act(operator, ticket.id, 'review_return', { decision: 'reject', note: '驳回' });
    }
    await settle(() =>
      fake.of('chat.postMessage').some((c) => c.args.channel === supervisorChannel && String(c.args.text).includes(ticket.number)),
    );
    const alert = fake.of('chat.postMessage').find((c) => c.args.channel === supervisorChannel)!;
    expect(alert.args.text).toMatch(/第 3 次退单/);
  });

  test('when an escalation reaches the supervisors, then their channel gets the alert with 催办/督办/批准延期, and the buttons act as the mapped supervisor', async () => {
    const supervisor = (await t.hub.db('users').select('id').where({ username: 'supervisor' }).first()) as { id: number };
    expect((await admin.patch(`/api/v1/users/${supervisor.id}/work`, { slackUserId: 'USUPER0001' })).status).toBe(200);
    const ticket = await housingTicket();
    const agent = await t.as('agent');
    await act(agent, ticket.id, 'sign_for');
    await act(agent, ticket.id, 'request_extension', {
      reason: '需协调物业',
      requestedDueAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    });
    // Past the reply deadline by a month: the escalation ladder is at the supervisors (and above).
    await travel(t.hub, ticket.id, 40 * 86_400_000);
    await t.hub.services.clocks.sweep();
    await settle(() =>
      fake
        .of('chat.postMessage')
        .some(
          (c) =>
            c.args.channel === supervisorChannel &&
            String(c.args.text).includes(`工单 ${ticket.number}`) &&
            String(c.args.text).includes('升级'),
        ),
    );
    const alert = fake
      .of('chat.postMessage')
      .find(
        (c) => c.args.channel === supervisorChannel && String(c.args.text).includes('升级') && String(c.args.text).includes(ticket.number),
      )!;
    expect(buttonsOf(alert.args.blocks as never)).toEqual(['ticket.urge', 'ticket.supervise', 'ticket.approve_extension', 'ticket.view']);
    // The department's own channel heard the first level (the steps in between were past together: the highest was sent).
    const departmentAlert = fake
      .of('chat.postMessage')
      .find(
        (c) => c.args.channel === housingChannel && String(c.args.text).includes('黄牌预警') && String(c.args.text).includes(ticket.number),
      );
    expect(buttonsOf(departmentAlert!.args.blocks as never)).toEqual(['ticket.reply', 'ticket.return', 'ticket.view']);

    await slackPost(
      t.http,
      signingSecret,
      buttonClick({ user: 'USUPER0001', channel: supervisorChannel, ticketId: ticket.id, action: 'urge', actionTs: '1.1' }),
    ).expect(200);
    await slackPost(
      t.http,
      signingSecret,
      buttonClick({ user: 'USUPER0001', channel: supervisorChannel, ticketId: ticket.id, action: 'approve_extension', actionTs: '1.2' }),
    ).expect(200);
    await slackPost(
      t.http,
      signingSecret,
      buttonClick({ user: 'USUPER0001', channel: supervisorChannel, ticketId: ticket.id, action: 'supervise', actionTs: '1.3' }),
    ).expect(200);
    await settle(() => false, 1_000).catch(() => undefined);
    const now = await ticketNow(ticket.id);
    expect(now).toMatchObject({ urgeCount: 1, supervised: true, supervisionPending: true });
    expect(now.extensionRequests[0]).toMatchObject({ status: 'approved' });
    const types = now.timeline.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['urge', 'decide_extension', 'supervise']));
    expect(now.timeline.find((e: { type: string }) => e.type === 'urge').actor).toMatchObject({ kind: 'user', name: '陈静（值班长）' });
    // An agent clicking a supervisor's button is refused, privately.
    await slackPost(
      t.http,
      signingSecret,
      buttonClick({ user: 'UAGENT0001', channel: supervisorChannel, ticketId: ticket.id, action: 'urge', actionTs: '1.4' }),
    ).expect(200);
    await settle(() => fake.of('chat.postEphemeral').some((c) => c.args.user === 'UAGENT0001' && String(c.args.text).includes('催办')));
    expect((await ticketNow(ticket.id)).urgeCount).toBe(1);
  });
});

describe('Slack hanging', () => {
  test('when Slack stops answering, then the cards waiting on it hold one database connection, not the pool', async () => {
    const silent = await startFakeSlack(botToken);
    // The sweep is off so that the cards are this test's to deliver; the pool is the test hubs' 5.
    const hub = await startTestHub({
      env: {
        SLACK_BOT_TOKEN: botToken,
        SLACK_SIGNING_SECRET: signingSecret,
        SLACK_API_URL: silent.apiUrl,
        PROVIDER_TIMEOUT_MS: '1500',
        OUTBOX_SWEEP_MS: '600000',
      },
    });
    try {
      const desk = await hub.as('operator');
      const tickets = [];
      for (let i = 0; i < 6; i += 1) tickets.push(await createTicket(desk, { description: `楼顶漏水第${i + 1}户` }));
      const ids = (
        await hub.hub.db('outbox').insert(
          tickets.map((ticket) => ({
            kind: 'chat.ticket_card',
            channel: 'slack',
            recipient: { chatChannel: housingChannel },
            payload: { ticketId: ticket.id, action: 'dispatch' },
            ticket_id: ticket.id,
          })),
          ['id'],
        )
      ).map((row: { id: number }) => row.id);
      silent.state.silent = true;
      const delivering = hub.hub.services.notify.deliver(ids);
      await eventually(() => silent.state.held > 0);
      const started = Date.now();
      await hub.hub.db.raw('select 1');
      expect(Date.now() - started).toBeLessThan(1_000);
      await delivering;
      // One card was tried (and timed out); the others wait for Slack, their attempts untouched.
      expect(silent.state.held).toBe(1);
      const rows = await hub.hub.db('outbox').whereIn('id', ids).orderBy('id');
      expect(rows.map((row: { attempts: number }) => row.attempts)).toEqual([1, 0, 0, 0, 0, 0]);
    } finally {
      await hub.close();
      await silent.close();
    }
  });
});
