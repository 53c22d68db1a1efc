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

  it('when the system answered from an article, then the citizen reads the answer and how to reach a person, within five SMS segments', () => {
    const answer = { ...status.payload, action: 'resolve_directly', status: 'closed', automatic: true };
    expect(renderText('citizen.ticket_status', { ...answer, answer: '身份证丢了怎么补办：到派出所补领。' }, 'sms')).toBe(
      '【12345】您咨询的问题（工单20261204-00001）答复如下：身份证丢了怎么补办：到派出所补领。如未解决您的问题，请回复“人工”，我们将转人工为您办理。',
    );
    const long = renderText('citizen.ticket_status', { ...answer, answer: '很长的答复。'.repeat(100) }, 'sms')!;
    expect(long).toMatch(/……（答复全文可在12345小程序查看，或致电12345）。如未解决您的问题，请回复“人工”/);
    // The seat's 直接办结 on the phone is not offered back.
    expect(renderText('citizen.ticket_status', { ...answer, automatic: undefined, answer: '已电话答复' }, 'sms')).not.toContain('人工');
  });

  it('masks personal data in a staff alert', () => {
    expect(renderText('staff.alert', { ticketId: 1, text: '【12345】请联系 13800138000' })).not.toContain('13800138000');
  });

  it('answers a citizen where they came from: the mini-program, otherwise SMS', () => {
    expect(['miniprogram', 'sms', 'phone', 'seat', null].map(citizenChannelOf)).toEqual(['miniprogram', 'sms', 'sms', 'sms', 'sms']);
  });
});
