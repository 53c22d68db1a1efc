import { idCheckCharacter } from '../../src/proactive/register';
import { createTicket } from '../support/tickets';
import { demoIds, startTestHub, type AuthedAgent, type TestHub } from '../support/test-hub';

let t: TestHub;
let ids: Awaited<ReturnType<typeof demoIds>>;
let seat: AuthedAgent;
let supervisor: AuthedAgent;
let admin: AuthedAgent;

beforeAll(async () => {
  t = await startTestHub();
  ids = await demoIds(t.hub);
  [seat, supervisor, admin] = await Promise.all([t.as('proxy'), t.as('supervisor'), t.as('admin')]);
});
afterAll(() => t.close());

const day = (offsetDays = 0) => new Date(Date.now() + 8 * 3_600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);
/** A valid resident ID number of 湖南桃源 (430725) born on the day, with its check character. */
const idOf = (birth: string, sequence: string) => {
  const first17 = `430725${birth.replaceAll('-', '')}${sequence}`;
  return first17 + idCheckCharacter(first17);
};

const upload = async (username: string, csv: string, query = '?source=公安户籍&fileName=户籍底册.csv') =>
  t.http
    .post(`/api/v1/proactive/imports${query}`)
    .set('Authorization', `Bearer ${await t.token(username)}`)
    .set('Content-Type', 'text/csv')
    .send(Buffer.from(csv, 'utf8'));

const people = {
  elder: idOf('1960-03-01', '021'),
  oldest: idOf('1940-07-15', '013'),
  expiring: idOf('1990-05-20', '032'),
  hardship: idOf('1985-11-11', '045'),
  disabled: idOf('1972-02-02', '051'),
  deceased: idOf('1950-01-01', '061'),
  served: idOf('1955-09-09', '072'),
  young: idOf('2000-01-01', '081'),
};
const register = [
  '身份证号,姓名,手机号,住址,所在地区,残疾等级,特困人员,身份证有效期至,已故',
  `${people.elder},王秀英,13907360001,城关社区3栋,990121100001,,否,长期,否`,
  `${people.oldest},李福生,,石门村5组,990121200201,,否,长期,否`,
  `${people.expiring},张伟,13907360003,南街社区8号,990121100002,,否,${day(10)},否`,
  `${people.hardship},赵丽,,桃园村2组,990121200202,,是,2030-01-01,否`,
  `${people.disabled},钱进,13907360005,城关社区5栋,990121100001,二级,否,2031-01-01,否`,
  `${people.deceased},孙老汉,,石门村1组,990121200201,,否,长期,是`,
  `${people.served},周大妈,13907360007,城关社区9栋,990121100001,,否,长期,否`,
  `${people.young},吴小明,13907360008,南街社区1号,990121100002,,否,2035-01-01,否`,
  // Refused: a wrong check character, a place that does not exist, a phone that is not one, a birth date the ID contradicts.
  `${people.young.slice(0, 17)}${people.young[17] === '1' ? '2' : '1'},错号码,,城关社区,990121100001,,否,,否`,
  `${idOf('1961-01-01', '091')},无此地,,火星村,火星村,,否,,否`,
  `${idOf('1962-01-01', '092')},错电话,12345,城关社区,990121100001,,否,,否`,
].join('\n');

describe('the resident register', () => {
  test('when the proxy seat imports the police bureau’s data, then valid rows are kept, each refused one says why, and the import is audited', async () => {
    for (const who of ['operator', 'supervisor', 'agent', 'runner']) expect((await upload(who, register)).status).toBe(403);
    expect((await upload('proxy', register, '')).status).toBe(400);
    const headless = await upload('proxy', '姓名,住址\n王某,某地');
    expect(headless.status).toBe(400);
    expect(headless.body.error.message).toContain('须有“身份证号”“姓名”和“所在地区”');
    expect(await t.hub.db('residents')).toHaveLength(0);

    const res = await upload('proxy', register);
    expect(res.status).toBe(201);
    expect(res.body.accepted).toBe(8);
    expect(res.body.refused).toEqual([
      { row: 10, reason: '身份证号不是有效的 18 位居民身份证号码' },
      { row: 11, reason: '所在地区「火星村」不存在' },
      { row: 12, reason: '手机号「12345」不是电话号码' },
    ]);
    const elder = await t.hub.db('residents').where({ id_number: people.elder }).first();
    expect(elder).toMatchObject({ name: '王秀英', phone: '+8613907360001', hardship: false, deceased: false });
    expect(elder.birth_date).toEqual(expect.any(Date));

    const audited = await t.hub.db('audit_log').where({ action: 'residents.imported' });
    expect(audited).toHaveLength(1);
    expect(audited[0].details).toMatchObject({ source: '公安户籍', accepted: 8, refused: 3 });
    expect((await seat.get('/api/v1/proactive/imports')).body).toMatchObject({
      residents: 8,
      items: [{ source: '公安户籍', fileName: '户籍底册.csv', accepted: 8, refused: 3, importedBy: '李娜（代办专席）' }],
    });
    expect((await supervisor.get('/api/v1/proactive/imports')).status).toBe(403);
  });

  test('when an admin sets a rule, then bad ones are refused, and the change is audited', async () => {
    const rules = (await supervisor.get('/api/v1/proactive/rules')).body.items as Array<{
      matterName: string;
      rule: string;
      threshold: number | null;
    }>;
    expect(rules.map((r) => [r.matterName, r.rule, r.threshold])).toEqual([
      ['老年人优待证', 'age', 60],
      ['残疾证', 'disability', 2],
      ['身份证到期换证', 'id_expiry', 30],
      ['高龄补贴', 'age', 80],
      ['特困人员补贴', 'hardship', null],
    ]);
    const matterId = Number((await t.hub.db('proxy_matters').where({ code: 'ID_RENEWAL' }).first()).id);
    expect((await admin.put(`/api/v1/proactive/rules/${matterId}`, { rule: 'hardship', threshold: 30 })).status).toBe(400);
    expect((await admin.put(`/api/v1/proactive/rules/${matterId}`, { rule: 'age', threshold: null })).status).toBe(400);
    expect((await admin.put(`/api/v1/proactive/rules/${matterId}`, { rule: 'disability', threshold: 5 })).status).toBe(400);
    expect((await admin.put('/api/v1/proactive/rules/999999', { rule: 'age', threshold: 60 })).status).toBe(400);
    expect((await supervisor.put(`/api/v1/proactive/rules/${matterId}`, { rule: 'id_expiry', threshold: 60 })).status).toBe(403);
    const set = await admin.put(`/api/v1/proactive/rules/${matterId}`, { rule: 'id_expiry', threshold: 30, delivery: 'postal' });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ rule: 'id_expiry', threshold: 30, delivery: 'postal', active: true });
    expect(await t.hub.db('audit_log').where({ target: `proactive_rule:${matterId}` })).toHaveLength(1);
  });
});

describe('the proactive run (未诉先办)', () => {
  test('when the run matches the register, then everyone newly eligible gets one order per matter, none for someone already served, and none twice', async () => {
    // 周大妈 asked for her 老年人优待证 herself last week: she is served already.
    await createTicket(seat, {
      requestType: 'proxy',
      description: '申请代办老年人优待证',
      regionId: ids.region('990121100001'),
      caller: { phone: '13907360007', name: '周大妈', idNumber: people.served },
      proxy: { matter: '老年人优待证', serviceMode: 'full_proxy', applicantAddress: '城关社区9栋' },
    });

    expect((await supervisor.post('/api/v1/proactive/run', {})).status).toBe(403);
    const run = await seat.post('/api/v1/proactive/run', {});
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ busy: false, ordered: 6, alreadyServed: 1 });
    expect(Object.fromEntries(run.body.matters.map((m: { matterName: string; ordered: number }) => [m.matterName, m.ordered]))).toEqual({
      老年人优待证: 2,
      残疾证: 1,
      身份证到期换证: 1,
      高龄补贴: 1,
      特困人员补贴: 1,
    });
    await t.hub.queue.drain();

    // Each a 代办 ticket in the resident's name, dispatched to the runner team of their place, its order marked proactive.
    const orders = await t.hub
      .db('proxy_orders as o')
      .join('tickets as t', 't.id', 'o.ticket_id')
      .join('contacts as c', 'c.id', 't.contact_id')
      .where('o.origin', 'proactive')
      .select('t.matter', 't.channel', 't.status', 't.description', 'c.id_number', 'o.team_id', 'o.service_mode', 'o.applicant_address');
    expect(orders).toHaveLength(6);
    expect(orders.every((o) => o.channel === 'api' && o.status === 'dispatched' && o.team_id === ids.department('XSPT'))).toBe(true);
    const oldest = orders.filter((o) => o.id_number === people.oldest).map((o) => o.matter);
    expect(oldest.sort()).toEqual(['老年人优待证', '高龄补贴']);
    const card = orders.find((o) => o.id_number === people.disabled)!;
    // 残疾证 cannot be done wholly by proxy (the applicant is assessed in person): the home visit is offered.
    expect(card).toMatchObject({ matter: '残疾证', service_mode: 'home_assistance', applicant_address: '城关社区5栋' });
    expect(orders.find((o) => o.id_number === people.elder)!.description).toBe(
      '未诉先办：王秀英年满60周岁，符合「老年人优待证」办理条件，由帮代办跑团主动办理，结果送达上门。',
    );
    for (const nobody of [people.deceased, people.young, people.served])
      expect(orders.filter((o) => o.id_number === nobody && o.matter === '老年人优待证')).toHaveLength(0);

    // Again, and after the same register comes in again: nobody twice.
    expect((await seat.post('/api/v1/proactive/run', {})).body).toMatchObject({ ordered: 0, alreadyServed: 0 });
    expect((await upload('proxy', register)).status).toBe(201);
    expect((await seat.post('/api/v1/proactive/run', {})).body).toMatchObject({ ordered: 0, alreadyServed: 0 });

    // Someone newly eligible in a later register: only they.
    const later = idOf('1966-01-01', '101');
    await upload('proxy', `身份证号,姓名,所在地区\n${later},郑桂兰,城关社区`);
    expect((await t.hub.services.proactive.run()).ordered).toBe(1);

    const report = (await supervisor.get(`/api/v1/proactive/report?from=${day()}&to=${day()}`)).body.items as Array<{
      matter: string;
      township: string;
      ordered: number;
      alreadyServed: number;
    }>;
    const elderCards = report.filter((r) => r.matter === '老年人优待证');
    expect(elderCards).toEqual([
      expect.objectContaining({ township: '城关镇', ordered: 2, alreadyServed: 1 }),
      expect.objectContaining({ township: '石门乡', ordered: 1, alreadyServed: 0 }),
    ]);
    const csv = await supervisor.get(`/api/v1/proactive/report?from=${day()}&to=${day()}&format=csv`);
    expect(csv.text).toContain('老年人优待证,城关镇,2,1,0');
  });

  test('when residents pass the retention period unrefreshed, or ask to be erased, then their rows go and the counts stay', async () => {
    const before = (await supervisor.get(`/api/v1/proactive/report?from=${day()}&to=${day()}`)).body.items;
    expect((await admin.patch('/api/v1/privacy/retention/resident_register', { keepDays: 30 })).status).toBe(200);
    const erasure = await admin.post('/api/v1/privacy/erasure-requests', { phone: '13907360001', reason: '本人申请删除' });
    expect(erasure.status).toBe(200);
    expect(erasure.body.erased).toMatchObject({ residents: 1 });
    expect(await t.hub.db('residents').where({ id_number: people.elder })).toHaveLength(0);

    const erased = await t.hub.services.privacy.apply(new Date(Date.now() + 31 * 86_400_000));
    expect(erased.resident_register).toBe(8);
    expect(await t.hub.db('residents')).toHaveLength(0);
    expect((await supervisor.get(`/api/v1/proactive/report?from=${day()}&to=${day()}`)).body.items).toEqual(before);
  });
});
