import { maskIdNumber, maskName, maskPhone, maskPiiInText, piiLens, redactPii, sharedPlaceLens } from '../../src/shared/pii';
import type { UserActor } from '../../src/shared/roles';
import { createLogger } from '../../src/shared/logger';
import { normalizePhone } from '../../src/shared/phone';
import { summarizeTitle } from '../../src/tickets/ticket-view';

import { extractAddress } from '../../src/triage/rules';

describe('personal data', () => {
  test('when masked, then phone keeps prefix and last four, ID keeps region and last four, name keeps the surname', () => {
    expect(maskPhone('+8613812345678')).toBe('+86138****5678');
    expect(maskIdNumber('11010119900307123X')).toBe('110101********123X');
    expect(maskName('欧阳娜娜')).toBe('欧***');
    expect(maskName('李')).toBe('*');
    expect(maskPhone(null)).toBeNull();
  });

  test('when free text holds phone, ID, card numbers or e-mails, then each is masked and the rest kept', () => {
    expect(maskPiiInText('电话13911112222，身份证110101199001011237。')).toBe('电话139****2222，身份证110101********1237。');
    expect(maskPiiInText('打139 1111 2222或+86 139-1111-2222')).toBe('打139 **** 2222或+86 139-****-2222');
    expect(maskPiiInText('卡号6222 0212 3456 7890 123，座机010-12345678')).toBe('卡号6222 **** **** ***0 123，座机010-****5678');
    expect(maskPiiInText('邮箱zhang.san@example.cn')).toBe('邮箱z***@example.cn');
    expect(maskPiiInText('工单20261122-00042，3号楼2单元，120平方')).toBe('工单20261122-00042，3号楼2单元，120平方');
  });

  test('when a request is logged, then a phone number in its URL or reason is masked', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => lines.push(line) });
    logger.info({ url: '/api/v1/tickets?q=13812345678', reason: 'caller 11010119900307123X' }, 'request from 13812345678');
    expect(lines.join('')).not.toMatch(/13812345678|11010119900307123X/);
    expect(JSON.parse(lines[0]!)).toMatchObject({ url: '/api/v1/tickets?q=138****5678', msg: 'request from 138****5678' });
  });

  test('when logged, then phone and ID numbers are scrubbed from the message', () => {
    expect(maskPiiInText('caller 13812345678 id 11010119900307123X')).toBe('caller 138****5678 id 110101********123X');
    expect(maskPiiInText('+8613812345678')).toBe('+86138****5678');
  });

  test('when normalised, then Chinese numbers in any common format become E.164 and junk is refused', () => {
    expect(normalizePhone('138 1234 5678')).toBe('+8613812345678');
    expect(normalizePhone('+86 138-1234-5678')).toBe('+8613812345678');
    expect(normalizePhone('0086 13812345678')).toBe('+8613812345678');
    expect(normalizePhone('010-12345678')).toBe('+861012345678');
    expect(normalizePhone('+1 415 555 2671')).toBe('+14155552671');
    expect(normalizePhone('12345')).toBeUndefined();
    expect(normalizePhone('电话')).toBeUndefined();
  });
});

describe('who sees that a citizen is vulnerable (特殊群体)', () => {
  const contact = {
    name: '王奶奶',
    phone: '+8613912340001',
    idNumber: null,
    anonymous: false,
    confidential: false,
    vulnerability: ['elderly'] as const,
  };
  const as = (role: UserActor['role']): UserActor => ({
    kind: 'user',
    userId: 1,
    username: role,
    displayName: role,
    role,
    departmentId: 2,
    via: 'session',
  });
  test.each([
    ['operator', ['elderly'], false],
    ['runner', ['elderly'], true],
    ['agent', [], true],
    ['dept_head', [], true],
    ['county_leader', [], true],
  ] as const)('%s sees %j (masked: %s)', (role, seen, masked) => {
    expect(piiLens(as(role)).contact(contact)).toMatchObject({ vulnerability: seen, masked });
  });
  test('when an anonymous citizen is shown to a runner, or a notice leaves for a shared place, then nobody learns it', () => {
    expect(piiLens(as('runner')).contact({ ...contact, anonymous: true }).vulnerability).toEqual([]);
    expect(sharedPlaceLens.contact(contact).vulnerability).toEqual([]);
  });
});

describe('default ticket titles', () => {
  test('when a description is long, then the title is its first sentence, cut at 30 characters', () => {
    expect(summarizeTitle('小区门口路灯坏了一个月了。晚上很黑，请尽快修。')).toBe('小区门口路灯坏了一个月了');
    expect(summarizeTitle('这是一段没有任何标点符号而且特别特别长的描述文字用来测试标题截断是否正确工作')).toBe(
      '这是一段没有任何标点符号而且特别特别长的描述文字用来测试标题…',
    );
    expect(summarizeTitle('  多个   空格\n第二行')).toBe('多个 空格');
    expect(summarizeTitle('。开头就是句号')).toBe('。开头就是句号');
  });
});

describe('redaction before text leaves the hub', () => {
  test.each([
    ['我叫张三，电话13812345678', '我叫[姓名]，电话[手机号]'],
    ['身份证号11010119900307123x，卡号6222021234567890123', '身份证号[身份证号]，卡号[银行卡号]'],
    ['座机010-12345678，邮箱a.b@example.com', '座机[电话]，邮箱[邮箱]'],
    ['+86 138 1234 5678 联系人：李四。', '[手机号] 联系人：[姓名]。'],
    ['我是东华社区的居民，路灯坏了', '我是东华社区的居民，路灯坏了'],
  ])('%s', (text, expected) => {
    expect(redactPii(text)).toBe(expected);
  });
});

describe('address text in a request', () => {
  test.each([
    ['小区门口的下水道井盖缺失，在东城区东华街道滨河社区2号门', '东城区东华街道滨河社区2号门'],
    ['我住在石门村5组，老人行动不便', '石门村5组'],
    ['人民路18号3栋2单元楼道灯坏了', '人民路18号3栋2单元'],
    ['公司拖欠工资三个月', undefined],
  ])('%s → %s', (text, address) => {
    expect(extractAddress(text)).toBe(address);
  });
});
