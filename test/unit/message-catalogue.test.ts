import { checkMessage, citizenChannelOf, messageCatalogue } from '../../src/outbox/message-catalogue';
import { renderDepartmentNotice, renderText } from '../../src/notify/templates';

describe('the outbox message catalogue', () => {
  const status = {
    kind: 'citizen.ticket_status',
    channel: 'sms',
    recipient: { contactId: 7 },
    payload: { ticketId: 1, number: '20261204-00001', action: 'dispatch', status: 'dispatched' },
  };

  it('when a message fits its kind, then it is accepted', () => {
    expect(() => checkMessage(status)).not.toThrow();
  });

  it('when a kind is misspelt, then the write fails naming it', () => {
    expect(() => checkMessage({ ...status, kind: 'citizen.ticket_stauts' })).toThrow(/unknown message kind "citizen.ticket_stauts"/);
  });

  it('when a message goes on a channel its kind does not use, then the write fails', () => {
    expect(() => checkMessage({ ...status, channel: 'slack' })).toThrow(/does not go on slack/);
  });

  it('when the payload lacks what the renderer reads, or the recipient is wrong, then the write fails naming the field', () => {
    expect(() => checkMessage({ ...status, payload: { ticketId: 1, action: 'dispatch', status: 'dispatched' } })).toThrow(
      /payload.*number/,
    );
    expect(() => checkMessage({ ...status, recipient: { phone: '+8613800000000' } })).toThrow(/recipient.*contactId/);
  });

  it('renders every text kind and every department kind it lists', () => {
    const textKinds = Object.entries(messageCatalogue).filter(([, spec]) =>
      spec.channels.some((c: string) => c === 'sms' || c === 'miniprogram'),
    );
    for (const [kind] of textKinds) {
      const payload = { ticketId: 1, number: 'N', status: 'new', action: 'close', text: 'T', callbackId: 1, step: null, messageId: 1 };
      expect([kind, renderText(kind, payload)]).toEqual([kind, expect.stringMatching(kind === 'staff.alert' ? /^T$/ : /^【12345】/)]);
    }
    expect(
      renderDepartmentNotice('department.ticket_action', { ticketId: 1, number: 'N', action: 'dispatch', status: 'dispatched' }),
    ).toEqual({
      title: '工单N：派单',
      body: '当前状态：已派单',
    });
  });

  it('masks personal data in a staff alert', () => {
    expect(renderText('staff.alert', { ticketId: 1, text: '【12345】请联系 13800138000' })).not.toContain('13800138000');
  });

  it('answers a citizen where they came from: the mini-program, otherwise SMS', () => {
    expect(['miniprogram', 'sms', 'phone', 'seat', null].map(citizenChannelOf)).toEqual(['miniprogram', 'sms', 'sms', 'sms', 'sms']);
  });
});
