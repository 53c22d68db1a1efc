import { asksForPerson, bookedSlot, inboundKind, namedNumber, queriedNumber } from '../../src/intake/inbound-kind';

const sms = (text: string, media: unknown[] = []) => ({ channel: 'sms', text, media });

describe('what an inbound message is', () => {
  it('when a citizen writes 退订 or STOP, then it is an opt-out, before anything else', () => {
    expect(inboundKind(sms('退订'), { mayAnswerSurvey: true })).toBe('opt_out');
    expect(inboundKind(sms(' STOP '), { mayAnswerSurvey: false })).toBe('opt_out');
  });

  it('when a citizen with a survey open writes, then it may be the answer; not by phone, not when empty', () => {
    expect(inboundKind(sms('1'), { mayAnswerSurvey: true })).toBe('survey_answer');
    expect(inboundKind({ channel: 'phone', text: '1', media: [] }, { mayAnswerSurvey: true })).toBe('thread');
    expect(inboundKind(sms('', [{}]), { mayAnswerSurvey: true })).toBe('thread');
  });

  it('when a citizen asks 查询 with a ticket number, then it is a status query', () => {
    expect(inboundKind(sms('查询 20261204-00012'), { mayAnswerSurvey: false })).toBe('status_query');
    expect(queriedNumber('cx：20261204-00012')).toBe('20261204-00012');
  });

  it('when a citizen texts 预约 with a slot number, then it is a booking; 预约 in a sentence is their matter', () => {
    expect(inboundKind(sms('预约 12'), { mayAnswerSurvey: false })).toBe('appointment');
    expect(inboundKind(sms('YY：7'), { mayAnswerSurvey: false })).toBe('appointment');
    expect(bookedSlot('预约12')).toBe(12);
    expect(inboundKind(sms('预约办理不动产登记要多久'), { mayAnswerSurvey: false })).toBe('thread');
  });

  it('when nothing came, then it is empty; anything else continues or opens a ticket', () => {
    expect(inboundKind(sms('  '), { mayAnswerSurvey: false })).toBe('empty');
    expect(inboundKind(sms('工单20261204-00012还没人来修'), { mayAnswerSurvey: false })).toBe('thread');
    expect(namedNumber('工单20261204-00012还没人来修')).toBe('20261204-00012');
  });

  it('when a citizen answers 人工 or 没有解决, then they ask for a person; the words inside a longer message do not', () => {
    for (const text of ['人工', ' 转人工！', '人工服务', '没有解决', '没解决。']) expect(asksForPerson(text)).toBe(true);
    for (const text of ['人工湖边的路灯坏了', '问题还是没有解决，水管还在漏', '']) expect(asksForPerson(text)).toBe(false);
  });
});
