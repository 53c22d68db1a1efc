import { checkRule, lifecycle, ticketActions } from '../../src/tickets/ticket-lifecycle';
import { ticketStatuses } from '../../src/tickets/ticket.types';

const none = { isLead: false, isAssist: false };
const lead = { isLead: true, isAssist: false };
const assist = { isLead: false, isAssist: true };

describe('the lifecycle table', () => {
  test('when read as a whole, then every action has a label, known statuses and at least one actor', () => {
    for (const action of ticketActions) {
      const rule = lifecycle[action];
      expect(rule.label).toBeTruthy();
      expect(rule.actors.length).toBeGreaterThan(0);
      for (const status of [...rule.from, ...(rule.to ? [rule.to] : [])]) expect(ticketStatuses).toContain(status);
    }
  });

  test('when a ticket is closed or cancelled, then only a note can be added; only the citizen, through the system, hands an answer back', () => {
    expect(ticketActions.filter((a) => lifecycle[a].from.includes('cancelled'))).toEqual(['note']);
    expect(ticketActions.filter((a) => lifecycle[a].from.includes('closed'))).toEqual(['hand_to_person', 'note']);
    expect(lifecycle.hand_to_person.actors).toEqual(['system']);
  });

  test('when checked, then role comes before department scope, and scope before status', () => {
    expect(checkRule('sign_for', 'operator', 'closed', none)).toMatchObject({ ok: false, reason: 'role' });
    expect(checkRule('sign_for', 'agent', 'closed', assist)).toMatchObject({ ok: false, reason: 'scope' });
    expect(checkRule('sign_for', 'agent', 'closed', lead)).toMatchObject({ ok: false, reason: 'status' });
    expect(checkRule('sign_for', 'agent', 'dispatched', lead)).toEqual({ ok: true });
  });

  test.each([
    ['dispatch', 'operator', 'triage', none, true],
    ['dispatch', 'agent', 'triage', lead, false],
    ['reply', 'agent', 'accepted', lead, true],
    ['reply', 'agent', 'dispatched', lead, false],
    ['reply', 'agent', 'accepted', assist, false],
    ['assist_report', 'agent', 'accepted', assist, true],
    ['assist_report', 'agent', 'accepted', lead, false],
    ['add_assist', 'dept_head', 'accepted', lead, true],
    ['add_assist', 'agent', 'accepted', lead, false],
    ['add_assist', 'operator', 'accepted', none, true],
    ['decide_extension', 'supervisor', 'accepted', none, true],
    ['decide_extension', 'operator', 'accepted', none, false],
    ['supervise', 'operator', 'accepted', none, false],
    ['triage', 'system', 'new', none, true],
    ['close', 'system', 'replied', none, true],
    ['reopen', 'operator', 'closed', none, false],
    ['reveal_contact', 'operator', 'accepted', none, false],
    ['note', 'runner', 'closed', lead, true],
  ] as const)('%s by %s on a %s ticket → allowed: %s', (action, role, status, relation, allowed) => {
    expect(checkRule(action, role, status, relation).ok).toBe(allowed);
  });
});
