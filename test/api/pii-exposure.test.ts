import fc from 'fast-check';
import { eventually } from '../support/fake-twilio';
import { act } from '../support/tickets';
import { demoIds, type AuthedAgent, type TestHub } from '../support/test-hub';
import { inboundSms, signedPost, startTwilioHub } from '../support/twilio';

let hub: Awaited<ReturnType<typeof startTwilioHub>>;
let t: TestHub;
let ids: Awaited<ReturnType<typeof demoIds>>;
let operator: AuthedAgent, agent: AuthedAgent, head: AuthedAgent;

beforeAll(async () => {
  hub = await startTwilioHub();
  t = hub.t;
  ids = await demoIds(t.hub);
  [operator, agent, head] = await Promise.all([t.as('operator'), t.as('agent'), t.as('head')]);
});
afterAll(() => hub.close());

const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));
const mobile = fc.tuple(fc.constantFrom('3', '5', '7', '8', '9'), digits(9)).map(([second, rest]) => `1${second}${rest}`);
const idNumber = fc
  .tuple(fc.constantFrom('110101', '440305', '620102'), digits(11), fc.constantFrom('0', '7', 'X'))
  .map(([area, middle, last]) => `${area}${middle}${last}`);
const bankCard = fc
  .tuple(fc.constantFrom('6222', '6217', '4367'), digits(12), fc.constantFrom('', '1', '123'))
  .map(([bin, rest, tail]) => `${bin}${rest}${tail}`);
const email = fc
  .tuple(fc.stringMatching(/^[a-z][a-z0-9.]{2,10}$/), fc.constantFrom('qq.com', 'example.cn', '163.com'))
  .map(([user, domain]) => `${user}@${domain}`);
/** A mobile number as people type it: plain, spaced, dashed, with +86. */
const typedMobile = fc.tuple(mobile, fc.constantFrom('plain', 'spaced', 'dashed', 'plus86')).map(([m, style]) => {
  const typed =
    style === 'spaced'
      ? `${m.slice(0, 3)} ${m.slice(3, 7)} ${m.slice(7)}`
      : style === 'dashed'
        ? `${m.slice(0, 3)}-${m.slice(3, 7)}-${m.slice(7)}`
        : style === 'plus86'
          ? `+86${m}`
          : m;
  return { typed, number: m };
});

const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

/** Does this answer show any of these values in clear (as typed, or as digits with separators removed)? */
function leaks(answer: unknown, values: string[]): string[] {
  const text = typeof answer === 'string' ? answer : JSON.stringify(answer);
  const squeezed = text.replace(/[\s-]/g, '');
  return values.filter((value) => text.includes(value) || squeezed.includes(value.replace(/[\s-]/g, '')));
}

describe('personal data never reaches a department in clear', () => {
  test('when generated phone, ID, card numbers and e-mails are in a ticket, then no department-facing answer shows one', async () => {
    await fc.assert(
      fc.asyncProperty(typedMobile, mobile, idNumber, bankCard, email, async (typed, callerMobile, id, card, mail) => {
        const description = `反映电梯停运，联系电话${typed.typed}，身份证${id}，退款卡号${card}，邮箱${mail}。`;
        const created = await operator.post('/api/v1/tickets', {
          requestType: 'complaint',
          title: `${typed.typed} 反映电梯`,
          description,
          categoryId: ids.category('0103'),
          caller: { phone: callerMobile, name: '张三', idNumber: id },
        });
        expect(created.status).toBe(201);
        const ticketId = created.body.id as number;
        await act(operator, ticketId, 'note', { text: `补充：市民另一号码${typed.typed}，邮箱${mail}` });
        await act(operator, ticketId, 'dispatch', { departmentId: ids.department('ZJJ') });
        const secrets = [typed.typed, typed.number, callerMobile, id, card, mail];
        const answers = await Promise.all([
          agent.get(`/api/v1/tickets/${ticketId}`),
          agent.get(`/api/v1/tickets?limit=200`),
          agent.get(`/api/v1/tickets?q=${encodeURIComponent('电梯')}`),
          head.get(`/api/v1/tickets/${ticketId}`),
          agent.get(`/api/v1/tickets/${ticketId}/clocks`),
          agent.get('/api/v1/sla/overdue'),
          agent.get('/api/v1/notifications'),
          // The exports a department head may take away.
          head.get(`/api/v1/sla/report?format=csv&from=${today()}&to=${today()}`),
          head.get(`/api/v1/kpis?format=csv&from=${today()}&to=${today()}`),
          head.get(`/api/v1/sla/report?from=${today()}&to=${today()}`),
        ]);
        for (const answer of answers) {
          expect(answer.status).toBe(200);
          expect(leaks(answer.text || answer.body, secrets)).toEqual([]);
        }
        // The centre still sees what the citizen said.
        const forOperator = await operator.get(`/api/v1/tickets/${ticketId}`);
        expect(forOperator.body.description).toBe(description);
      }),
      { numRuns: 12, seed: 20261204 },
    );
  });

  test('when a citizen texts again after dispatch, then the timeline names no phone number to the department', async () => {
    const phone = `+86136${String(Date.now()).slice(-8)}`;
    const sms = (body: string) => inboundSms(phone, body);
    await signedPost(t, '/webhooks/twilio/sms', sms('楼道灯不亮'));
    const ticket = (await eventually(async () =>
      t.hub.db('tickets as t').join('contacts as c', 'c.id', 't.contact_id').where('c.phone', phone).first('t.id'),
    )) as { id: number };
    await eventually(async () => (await t.hub.db('tickets').where({ id: ticket.id }).first()).status === 'triage');
    await act(operator, ticket.id, 'dispatch', { departmentId: ids.department('ZJJ') });
    await signedPost(t, '/webhooks/twilio/sms', sms('补充：我的另一个号码是13911112222'));
    await eventually(async () => (await t.hub.db('ticket_events').where({ ticket_id: ticket.id, type: 'citizen_message' })).length === 1);
    const forAgent = (await agent.get(`/api/v1/tickets/${ticket.id}`)).body;
    expect(leaks(forAgent, [phone, phone.slice(3), '13911112222'])).toEqual([]);
    const event = forAgent.timeline.find((e: { type: string }) => e.type === 'citizen_message');
    expect(event.actor.name).toBe('市民');
    expect(event.data.text).toBe('补充：我的另一个号码是139****2222');
    const forOperator = (await operator.get(`/api/v1/tickets/${ticket.id}`)).body;
    expect(forOperator.timeline.find((e: { type: string }) => e.type === 'citizen_message').actor.name).toBe(phone);
  });
});
