import { randomBytes, randomUUID } from 'node:crypto';
import { autoAnswerRule } from '../../src/knowledge/auto-answer';
import { autoAnswerSet } from '../support/auto-answer-set';
import { eventually, startFakeTwilio } from '../support/fake-twilio';
import { startFakeWeChat } from '../support/fake-wechat';
import { act } from '../support/tickets';
import { startTestHub, type TestHub } from '../support/test-hub';
import { inboundSms, signedPost as signed, twilioAccount, twilioEnv } from '../support/twilio';

const app = { appId: 'wx0123456789abcdef', secret: 'wechat-secret-0123456789' };
let fake: Awaited<ReturnType<typeof startFakeTwilio>>;
let wechat: Awaited<ReturnType<typeof startFakeWeChat>>;
let t: TestHub;

beforeAll(async () => {
  fake = await startFakeTwilio(twilioAccount);
  wechat = await startFakeWeChat(app);
  t = await startTestHub({
    env: { ...twilioEnv(fake.url), WECHAT_APPID: app.appId, WECHAT_SECRET: app.secret, WECHAT_API_BASE: wechat.url },
  });
});
afterAll(async () => {
  await t.close();
  await wechat.close();
  await fake.close();
});

let phoneSeq = 0;
const newPhone = () => `+861390077${String(1000 + phoneSeq++).padStart(4, '0')}`;
const text = (from: string, body: string) => signed(t, '/webhooks/twilio/sms', inboundSms(from, body));
const ticketsOf = async (phone: string) =>
  t.hub.db('tickets as t').join('contacts as c', 'c.id', 't.contact_id').where('c.phone', phone).select('t.*').orderBy('t.id');
/** The citizen's first ticket, once the automatic answer has closed it. */
const answeredTicketOf = async (phone: string) =>
  (
    await eventually(async () => {
      const rows = await ticketsOf(phone);
      return rows[0]?.status === 'closed' && rows;
    })
  )[0];
const smsTo = (phone: string, pattern: RegExp) => eventually(() => fake.sent.find((m) => m.to === phone && pattern.test(m.body)));

describe('the automatic answer’s rule, measured on a labeled set', () => {
  test('when the rule answers the labeled questions, then what it answers is right and what no article answers is left to a person', async () => {
    const auto = t.hub.services.autoAnswer!;
    let answered = 0;
    let right = 0;
    let answerable = 0;
    let falseAnswers = 0;
    const wrong: string[] = [];
    const started = performance.now();
    for (const question of autoAnswerSet) {
      const choice = await auto.choose(question.text, { regionId: null, categoryId: null });
      if (question.article !== null) answerable += 1;
      if (!choice) continue;
      answered += 1;
      if (choice.article.title === question.article) right += 1;
      else {
        if (question.article === null) falseAnswers += 1;
        wrong.push(`${question.text} → ${choice.article.title}`);
      }
    }
    const perQuestionMs = (performance.now() - started) / autoAnswerSet.length;
    const precision = right / answered;
    const coverage = right / answerable;
    console.log(
      `auto-answer rule ${JSON.stringify(autoAnswerRule)}: ${answered} answered of ${autoAnswerSet.length} questions; ` +
        `precision ${precision.toFixed(2)}, answerable questions answered ${coverage.toFixed(2)} (${right}/${answerable}), ` +
        `unanswerable ones answered ${falseAnswers}/${autoAnswerSet.length - answerable}; ${perQuestionMs.toFixed(1)} ms a question` +
        (wrong.length ? `; wrong: ${wrong.join('；')}` : ''),
    );
    expect(precision).toBeGreaterThanOrEqual(0.95);
    expect(falseAnswers).toBeLessThanOrEqual(1);
    expect(coverage).toBeGreaterThanOrEqual(0.3);
  });
});

describe('citizens answered from the knowledge base (智能答复)', () => {
  test('when a citizen texts a plain question an article answers, then the ticket is closed 直接办结 citing it and the SMS says how to reach a person', async () => {
    const phone = newPhone();
    await text(phone, '身份证丢了怎么补办');
    const ticket = await answeredTicketOf(phone);
    const article = await t.hub.db('kb_articles').where({ title: '身份证丢了怎么补办' }).first();
    expect(ticket).toMatchObject({ directly_resolved: true, answer_article_id: article.id, request_type: 'consult' });
    expect(ticket.reply_text).toMatch(/^身份证丢了怎么补办：居民身份证丢失的/);
    const sms = await smsTo(phone, /答复如下/);
    expect(sms.body).toContain(`工单${ticket.number}`);
    expect(sms.body).toContain('请回复“人工”');
    expect(await t.hub.db('kb_auto_answers').where({ ticket_id: ticket.id }).first()).toMatchObject({
      article_id: article.id,
      handed_back_at: null,
    });
    // Counted for the knowledge team: answered by itself, not handed back.
    const usage = await (await t.as('supervisor')).get('/api/v1/knowledge/usage');
    expect(usage.body.cited.find((c: { articleId: number }) => c.articleId === Number(article.id))).toMatchObject({
      automatic: expect.any(Number),
      handedBack: expect.any(Number),
    });
  });

  test('when the citizen replies 人工, then the same ticket waits for a person in 待分拨 on a new dispatch clock, and they are told', async () => {
    const phone = newPhone();
    await text(phone, '公积金缴存基数什么时候调整');
    const answered = await answeredTicketOf(phone);
    await smsTo(phone, /答复如下/);
    await text(phone, '人工');
    const back = await eventually(async () => {
      const row = await t.hub.db('tickets').where({ id: answered.id }).first();
      return row.status === 'triage' && row;
    });
    expect(back).toMatchObject({ directly_resolved: false, answer_article_id: null, reply_text: null, closed_at: null });
    expect(await ticketsOf(phone)).toHaveLength(1);
    await smsTo(phone, /已为您转人工办理/);
    const event = await t.hub.db('ticket_events').where({ ticket_id: answered.id, type: 'hand_to_person' }).first();
    expect(event).toMatchObject({ actor_kind: 'citizen', from_status: 'closed', to_status: 'triage' });
    expect(event.data.previousAnswer.text).toMatch(/缴存基数/);
    const clocks = await t.hub.db('sla_clocks').where({ ticket_id: answered.id, stage: 'dispatch' }).orderBy('id');
    expect(clocks.map((c) => c.state)).toEqual(['stopped', 'running']);
    expect((await t.hub.db('kb_auto_answers').where({ ticket_id: answered.id }).first()).handed_back_at).not.toBeNull();
    // The operator sees it as any ticket waiting: the answer on its timeline, and 派单 offered.
    const detail = await (await t.as('operator')).get(`/api/v1/tickets/${answered.id}`);
    expect(detail.body.allowedActions.map((a: { action: string }) => a.action)).toEqual(
      expect.arrayContaining(['dispatch', 'resolve_directly']),
    );
    expect(detail.body.timeline.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['resolve_directly', 'hand_to_person']),
    );

    // A second 人工 is a message on the open ticket, not another hand-back.
    await text(phone, '人工');
    await smsTo(phone, /您补充的信息已记入工单/);
    expect(await t.hub.db('ticket_events').where({ ticket_id: answered.id, type: 'hand_to_person' })).toHaveLength(1);
  });

  test('when 人工 comes after the window, or to an answer a seat gave, then it is a new request and the closed ticket stays closed', async () => {
    const phone = newPhone();
    await text(phone, '养老金资格认证怎么做');
    const answered = await answeredTicketOf(phone);
    await t.hub
      .db('kb_auto_answers')
      .update({ answered_at: t.hub.db.raw("now() - interval '73 hours'") })
      .where({ ticket_id: answered.id });
    await text(phone, '没有解决');
    const rows = await eventually(async () => {
      const all = await ticketsOf(phone);
      return all.length === 2 && all;
    });
    expect(rows[0]).toMatchObject({ id: answered.id, status: 'closed', directly_resolved: true });
    expect(rows[1].description).toBe('没有解决');

    // The seat's own 直接办结 is a person's answer already.
    const asked = newPhone();
    await text(asked, '公积金贷款利率现在是多少');
    const [waiting] = await eventually(async () => {
      const all = await ticketsOf(asked);
      return all[0]?.status === 'triage' && all;
    });
    await act(await t.as('operator'), waiting.id, 'resolve_directly', { answer: '首套房五年以上公积金贷款利率为2.85%。' });
    await text(asked, '人工');
    const after = await eventually(async () => {
      const all = await ticketsOf(asked);
      return all.length === 2 && all;
    });
    expect(after[0]).toMatchObject({ id: waiting.id, status: 'closed' });
  });

  test('when a citizen complains, or asks what no article answers, then no answer is sent and the ticket waits for a person', async () => {
    const complaint = newPhone();
    await text(complaint, '我们小区停水三天了为什么还没人来修');
    const unknown = newPhone();
    await text(unknown, '公积金贷款利率现在是多少');
    for (const phone of [complaint, unknown]) {
      await smsTo(phone, /您的诉求已受理/);
      const [ticket] = await eventually(async () => {
        const rows = await ticketsOf(phone);
        return rows[0] && rows[0].status !== 'new' && rows;
      });
      expect(ticket.status).not.toBe('closed');
      expect(ticket.directly_resolved).toBe(false);
      expect(await t.hub.db('kb_auto_answers').where({ ticket_id: ticket.id })).toHaveLength(0);
    }
    expect(fake.sent.some((m) => [complaint, unknown].includes(m.to) && /答复如下/.test(m.body))).toBe(false);
  });

  test('when a citizen asks in the mini-program, then the answer appears in their chat and 人工 hands the ticket back', async () => {
    const openid = `oAutoAnswer${randomBytes(8).toString('hex')}`;
    const login = await t.http.post('/api/mp/v1/login').send({ code: `code-${openid}` });
    const auth = `Bearer ${login.body.token}`;
    const send = (body: string) =>
      t.http.post('/api/mp/v1/messages').set('Authorization', auth).send({ clientMessageId: randomUUID(), text: body });
    expect((await send('高龄津贴怎么申请')).status).toBe(202);
    const chat = await eventually(async () => {
      const items = (await t.http.get('/api/mp/v1/messages').set('Authorization', auth)).body.items as Array<{ text: string }>;
      return items.some((m) => /答复如下/.test(m.text)) && items;
    });
    expect(chat.find((m) => /答复如下/.test(m.text))!.text).toMatch(/高龄津贴怎么申领：.*请回复“人工”/);
    const [ticket] = (await t.http.get('/api/mp/v1/tickets').set('Authorization', auth)).body.items;
    expect(ticket.status).toBe('closed');
    await send('人工');
    await eventually(async () => (await t.http.get(`/api/mp/v1/tickets/${ticket.id}`).set('Authorization', auth)).body.status === 'triage');
    const steps = (await t.http.get(`/api/mp/v1/tickets/${ticket.id}`).set('Authorization', auth)).body.steps as Array<{ text: string }>;
    expect(steps.map((s) => s.text)).toEqual(expect.arrayContaining([expect.stringMatching(/^已直接答复/), '已转人工办理']));
  });
});
