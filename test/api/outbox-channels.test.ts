import { act, createTicket } from '../support/tickets';
import { demoIds, startTestHub, type AuthedAgent, type TestHub } from '../support/test-hub';
import { eventually } from '../support/fake-twilio';

let t: TestHub;
let operator: AuthedAgent, agent: AuthedAgent, head: AuthedAgent, cgAgent: AuthedAgent;

beforeAll(async () => {
  // No provider configured at all: no Twilio, WeChat or Slack.
  t = await startTestHub();
  [operator, agent, head, cgAgent] = await Promise.all([t.as('operator'), t.as('agent'), t.as('head'), t.as('cg_agent')]);
});
afterAll(() => t.close());

describe('the outbox leaves nothing behind', () => {
  test('when a ticket is dispatched, then the department’s notice is delivered in-app to its staff, and only to them', async () => {
    const ids = await demoIds(t.hub);
    const ticket = await createTicket(operator);
    await act(operator, ticket.id, 'dispatch', { departmentId: ids.department('ZJJ') });
    const row = await eventually(async () => {
      const r = await t.hub.db('outbox').where({ ticket_id: ticket.id, channel: 'department' }).first();
      return r?.status === 'sent' && r;
    });
    expect(row.kind).toBe('department.ticket_action');
    for (const user of [agent, head]) {
      const items = (await user.get('/api/v1/notifications')).body.items;
      expect(items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ ticketId: ticket.id, title: `工单${ticket.number}：派单`, kind: 'department.ticket_action' }),
        ]),
      );
    }
    expect((await cgAgent.get('/api/v1/notifications')).body.items.some((n: { ticketId: number }) => n.ticketId === ticket.id)).toBe(false);
    // Delivered once per person (住建局's three), whatever the retries.
    await t.hub.services.notify.deliver([row.id]);
    expect((await t.hub.db('notifications').where({ ticket_id: ticket.id, kind: 'department.ticket_action' })).length).toBe(3);
  });

  test.each(['sms', 'miniprogram', 'slack', 'voice', 'department'])(
    'when a %s message has waited an hour on this hub, then it is delivered or cancelled with the reason, never left pending',
    async (channel) => {
      const ids = await demoIds(t.hub);
      const [row] = await t.hub
        .db('outbox')
        .insert({
          kind: channel === 'department' ? 'department.ticket_action' : channel === 'slack' ? 'chat.alert' : 'citizen.intake_ack',
          channel,
          recipient: JSON.stringify(
            channel === 'department' ? { departmentId: ids.department('ZJJ') } : { phone: '+8613900000000', chatChannel: 'C0123ABCD' },
          ),
          payload: JSON.stringify({ number: '20261204-00001', action: 'dispatch', status: 'dispatched', text: '测试' }),
          created_at: new Date(Date.now() - 2 * 3_600_000),
          next_attempt_at: new Date(Date.now() - 2 * 3_600_000),
        })
        .returning('id');
      await t.hub.services.notify.sweep();
      const settled = await eventually(async () => {
        const r = await t.hub.db('outbox').where({ id: row.id }).first();
        return ['sent', 'cancelled'].includes(r.status) && r;
      });
      if (channel === 'department') expect(settled.status).toBe('sent');
      else expect(settled).toMatchObject({ status: 'cancelled', last_error: `no sender for channel ${channel} is configured on this hub` });
    },
  );
});
