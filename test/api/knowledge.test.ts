import { noticeText } from '../../src/knowledge/article-notice.service';
import { createTicket } from '../support/tickets';
import { demoIds, startTestHub, type AuthedAgent, type TestHub } from '../support/test-hub';

let t: TestHub;
let ids: Awaited<ReturnType<typeof demoIds>>;
let admin: AuthedAgent;
let supervisor: AuthedAgent;
let operator: AuthedAgent;
let head: AuthedAgent;

beforeAll(async () => {
  t = await startTestHub();
  ids = await demoIds(t.hub);
  admin = await t.as('admin');
  supervisor = await t.as('supervisor');
  operator = await t.as('operator');
  head = await t.as('head');
});
afterAll(() => t.close());

const article = (over: Record<string, unknown> = {}) => ({
  title: '住房公积金提取需要哪些材料',
  body: '职工购买、建造、翻建、大修自住住房，可申请提取住房公积金。需携带本人身份证、购房合同和银行卡，到公积金中心窗口或通过网上服务大厅办理。',
  ...over,
});

async function published(over: Record<string, unknown> = {}) {
  const created = await supervisor.post('/api/v1/knowledge/articles', { ...article(over), submit: true });
  expect(created.status).toBe(201);
  const done = await supervisor.post(`/api/v1/knowledge/articles/${created.body.id}/publish`, {});
  expect(done.status).toBe(200);
  return done.body as { id: number; version: number; status: string };
}

const search = async (q: string, extra = '') =>
  (await operator.get(`/api/v1/knowledge/search?q=${encodeURIComponent(q)}${extra}`)).body.items as Array<{
    id: number;
    title: string;
    snippet: string;
  }>;

describe('articles and their review', () => {
  test('when a department writes an article, then it is its own department’s, waits for review, and is found only once published', async () => {
    const written = await head.post('/api/v1/knowledge/articles', {
      ...article({ title: '老旧小区加装电梯的申请条件', body: '同一单元三分之二以上业主同意，且不影响消防通道的，可申请加装电梯补贴。' }),
      departmentId: ids.department('CGJ'),
    });
    expect(written.status).toBe(201);
    expect(written.body).toMatchObject({ status: 'draft', version: 1, departmentId: ids.department('ZJJ') });
    expect(await search('加装电梯')).toEqual([]);

    expect(written.body.allowedActions).toEqual(['edit', 'submit', 'archive']);
    const submitted = await head.post(`/api/v1/knowledge/articles/${written.body.id}/submit`, {});
    expect(submitted.body.status).toBe('review');
    expect(submitted.body.allowedActions).not.toContain('publish');
    expect((await supervisor.get(`/api/v1/knowledge/articles/${written.body.id}`)).body.allowedActions).toEqual(
      expect.arrayContaining(['publish', 'send-back']),
    );
    expect((await operator.get(`/api/v1/knowledge/articles/${written.body.id}`)).body.allowedActions).toEqual([]);
    // The author does not publish; the center does.
    expect((await head.post(`/api/v1/knowledge/articles/${written.body.id}/publish`, {})).status).toBe(403);
    expect((await supervisor.post(`/api/v1/knowledge/articles/${written.body.id}/send-back`, {})).status).toBe(400);
    const back = await supervisor.post(`/api/v1/knowledge/articles/${written.body.id}/send-back`, { note: '请写明补贴标准' });
    expect(back.body.status).toBe('draft');
    const fixed = await head.patch(`/api/v1/knowledge/articles/${written.body.id}`, {
      body: '同一单元三分之二以上业主同意，且不影响消防通道的，可申请加装电梯，每台补贴20万元。',
      expectedVersion: back.body.version,
    });
    expect(fixed.status).toBe(200);
    await head.post(`/api/v1/knowledge/articles/${written.body.id}/submit`, {}).expect(200);
    const live = await supervisor.post(`/api/v1/knowledge/articles/${written.body.id}/publish`, {});
    expect(live.body).toMatchObject({ status: 'published', publishedAt: expect.any(String) });
    expect((await search('加装电梯补贴多少钱')).map((a) => a.id)).toEqual([written.body.id]);
    // A query too short to be a word matches titles by likeness.
    expect((await search('梯')).map((a) => a.id)).toContain(written.body.id);

    // Another department's author may not change it; a stale version is refused.
    expect(
      (
        await t
          .as('cg_agent')
          .then((a) => a.patch(`/api/v1/knowledge/articles/${written.body.id}`, { title: '改一改标题', expectedVersion: 1 }))
      ).status,
    ).toBe(403);
    expect(
      (await head.patch(`/api/v1/knowledge/articles/${written.body.id}`, { title: '老旧小区加装电梯', expectedVersion: 1 })).status,
    ).toBe(409);

    const versions = (await operator.get(`/api/v1/knowledge/articles/${written.body.id}/versions`)).body.items as Array<{ status: string }>;
    expect(versions.map((v) => v.status)).toEqual(['published', 'review', 'draft', 'draft', 'review', 'draft']);
  });

  test('when the owner changes a published article, then it stays published as it was until the center publishes the change', async () => {
    const live = await published({
      title: '城管局受理占道经营投诉的时限',
      departmentId: ids.department('ZJJ'),
      body: '占道经营投诉，城管局在3个工作日内处理。',
    });
    const proposed = await head.patch(`/api/v1/knowledge/articles/${live.id}`, {
      body: '占道经营投诉，城管局在2个工作日内到场处理并答复。',
      expectedVersion: live.version,
      note: '新规定缩短为2个工作日',
    });
    expect(proposed.status).toBe(200);
    expect(proposed.body).toMatchObject({ status: 'published', version: live.version, proposal: { version: live.version + 1 } });
    expect((await search('占道经营'))[0]!.snippet).toContain('3个工作日');
    const applied = await supervisor.post(`/api/v1/knowledge/articles/${live.id}/publish`, {});
    expect(applied.body).toMatchObject({ status: 'published', version: live.version + 1, proposal: null });
    expect((await search('占道经营'))[0]!.snippet).toContain('2个工作日');
  });

  test('when input is bad, then 4xx and nothing changes', async () => {
    const before = (await admin.get('/api/v1/knowledge/articles?limit=1')).body.total as number;
    expect((await supervisor.post('/api/v1/knowledge/articles', { title: '短', body: '' })).status).toBe(400);
    expect(
      (await supervisor.post('/api/v1/knowledge/articles', article({ effectiveFrom: '2026-12-01', expiresOn: '2026-11-01' }))).status,
    ).toBe(400);
    expect((await supervisor.post('/api/v1/knowledge/articles', article({ categoryId: 999_999 }))).status).toBe(400);
    expect((await supervisor.post('/api/v1/knowledge/articles', { ...article(), colour: 'red' })).status).toBe(400);
    expect((await operator.post('/api/v1/knowledge/articles', article())).status).toBe(403);
    expect((await operator.get('/api/v1/knowledge/search?q=')).status).toBe(400);
    expect((await admin.get('/api/v1/knowledge/articles?limit=1')).body.total).toBe(before);
    expect((await supervisor.post('/api/v1/knowledge/articles/999999/publish', {})).status).toBe(404);
  });
});

describe('search', () => {
  test('when a citizen’s question is in their own words, then the article is found by its words, its synonyms, its place, and its dates', async () => {
    await published();
    await published({ title: '医疗保险异地就医备案', body: '参保人员异地就医，可通过国家医保服务平台APP办理备案，备案后直接结算。' });
    const east = await published({
      title: '东城区暖气不热的报修电话',
      body: '东城区供暖季暖气不热，拨打热力公司24小时报修电话。',
      regionIds: [ids.region('990101')],
    });
    const expired = await published({ title: '2025年暖气费缴纳期限', body: '暖气费缴纳截止到2025年11月30日。', expiresOn: '2025-12-31' });

    // Word order and extra words do not matter; every word found ranks first.
    const hits = await search('我想问一下公积金怎么提取，要带什么材料');
    expect(hits[0]!.title).toBe('住房公积金提取需要哪些材料'); // the demo city's, or this test's copy of it
    expect(hits[0]!.snippet).toMatch(/公积金/);
    // Synonyms (admins' data): 医保 reaches 医疗保险.
    expect((await search('医疗保险 异地')).map((a) => a.title)).toContain('医疗保险异地就医备案');
    expect((await search('外地看病怎么报销')).map((a) => a.title)).not.toContain('医疗保险异地就医备案');
    const synonyms = await admin.post('/api/v1/knowledge/synonyms', { terms: ['异地就医', '外地看病'] });
    expect(synonyms.status).toBe(201);
    expect((await search('外地看病怎么报销')).map((a) => a.title)).toContain('医疗保险异地就医备案');
    expect((await admin.get(`/api/v1/audit-log?target=kb_synonyms`)).body.items).toHaveLength(1);
    expect((await admin.post('/api/v1/knowledge/synonyms', { terms: ['同一个', '同一个'] })).status).toBe(400);

    // A district's article is for its places only; the expired one is gone.
    const inEast = await search('暖气不热', `&regionId=${ids.region('990101001001')}`);
    const inWest = await search('暖气不热', `&regionId=${ids.region('990121100001')}`);
    expect(inEast.map((a) => a.id)).toContain(east.id);
    expect(inWest.map((a) => a.id)).not.toContain(east.id);
    expect((await search('暖气费缴纳')).map((a) => a.id)).not.toContain(expired.id);

    // Searches that find nothing show what the knowledge lacks (not who asked: a number typed in is masked).
    expect(await search('宠物狗办证')).toEqual([]);
    expect(await search('宠物狗办证 13812345678')).toEqual([]);
    const usage = (await supervisor.get('/api/v1/knowledge/usage')).body;
    expect(usage.unanswered).toContainEqual({ query: '宠物狗办证', searches: 1 });
    expect(JSON.stringify(usage.unanswered)).not.toContain('13812345678');
  });

  test('when a call is answered from an article (直接办结), then the ticket cites it and it counts as the article’s use', async () => {
    const fund = await published({ title: '公积金贷款额度怎么算', body: '公积金贷款额度按账户余额的15倍计算，最高不超过60万元。' });
    const made = await operator.post('/api/v1/tickets', {
      requestType: 'consult',
      description: '公积金贷款最多能贷多少',
      caller: { phone: '13812345601' },
      then: { action: 'resolve_directly', answer: '按账户余额15倍计算，最高60万元。', articleId: fund.id },
    });
    expect(made.status).toBe(201);
    const ticket = (await operator.get(`/api/v1/tickets/${made.body.id}`)).body;
    expect(ticket).toMatchObject({ status: 'closed', directlyResolved: true, answerArticleId: fund.id });
    const usage = (await supervisor.get('/api/v1/knowledge/usage')).body;
    expect(usage.cited).toContainEqual({ articleId: fund.id, title: '公积金贷款额度怎么算', tickets: 1, automatic: 0, handedBack: 0 });

    // An article that does not exist is refused, and the ticket stays as created.
    const wrong = await operator.post('/api/v1/tickets', {
      requestType: 'consult',
      description: '公积金贷款年限',
      caller: { phone: '13812345602' },
      then: { action: 'resolve_directly', answer: '最长30年。', articleId: 999_999 },
    });
    expect(wrong.status).toBe(201);
    expect(wrong.body.status).not.toBe('closed');
  });
});

describe('import', () => {
  const upload = async (username: string, bytes: Buffer, contentType: string, query = '') =>
    t.http
      .post(`/api/v1/knowledge/import${query}`)
      .set('Authorization', `Bearer ${await t.token(username)}`)
      .set('Content-Type', contentType)
      .send(bytes);

  test('when the center imports a CSV, then the valid rows are published and each refused row says why', async () => {
    const csv = [
      '标题,内容,分类,适用地区,负责单位,生效日期,有效期至,依据',
      '不动产登记需要预约吗,不动产登记可通过政务服务网预约，也可现场取号。,1601,东城区,市行政审批服务局,2026-01-01,,《不动产登记暂行条例》',
      '"出租车拒载怎么投诉","记下车牌号和时间，拨打12345或交通运输局投诉电话，5个工作日内答复。",0302,,JTJ,,2027/12/31,',
      '短,内容,,,,,,',
      '医保卡丢了怎么补办,携带身份证到任一医保服务网点补办。,不存在的分类,火星区,,2026-13-01,,',
    ].join('\n');
    const res = await upload('supervisor', Buffer.from(`\uFEFF${csv}`, 'utf8'), 'text/csv', '?publish=true');
    expect(res.status).toBe(200);
    expect(res.body.created).toBe(2);
    expect(res.body.refused).toEqual([
      { row: 4, reason: expect.stringMatching(/标题/) },
      { row: 5, reason: expect.stringMatching(/分类「不存在的分类」.*地区「火星区」.*生效日期/) },
    ]);
    expect((await search('出租车拒载')).map((a) => a.title)).toContain('出租车拒载怎么投诉');
    const imported = (await operator.get('/api/v1/knowledge/articles?q=不动产登记需要预约')).body.items[0];
    expect(imported).toMatchObject({
      status: 'published',
      regionIds: [ids.region('990101')],
      departmentId: ids.department('XZSPJ'),
      effectiveFrom: '2026-01-01',
      source: '《不动产登记暂行条例》',
    });
  });

  test('when a department imports a workbook, then the rows are its drafts; publishing is the center’s; a bad file is refused whole', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { default: writeXlsxFile } = require('write-excel-file/node') as {
      default: (rows: unknown[][], options: object) => { toBuffer(): Promise<Buffer> };
    };
    const workbook = await writeXlsxFile(
      [
        [{ value: '标题' }, { value: '答复口径' }, { value: '有效期至' }],
        [
          { value: '施工许可证办理时限' },
          { value: '材料齐全的，7个工作日内核发施工许可证。' },
          { value: new Date('2027-06-30T00:00:00Z'), format: 'yyyy-mm-dd' },
        ],
      ],
      {},
    ).toBuffer();
    const res = await upload('head', workbook, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ created: 1, refused: [] });
    const draft = (await head.get('/api/v1/knowledge/articles?status=draft&q=施工许可证办理时限')).body.items[0];
    expect(draft).toMatchObject({ departmentId: ids.department('ZJJ'), expiresOn: '2027-06-30' });

    expect((await upload('head', workbook, 'application/octet-stream', '?publish=true')).status).toBe(403);
    expect((await upload('operator', workbook, 'text/csv')).status).toBe(403);
    const before = (await admin.get('/api/v1/knowledge/articles?limit=1')).body.total;
    const noHeader = await upload('supervisor', Buffer.from('随便,什么\n1,2\n'), 'text/csv');
    expect(noHeader.body).toEqual({ created: 0, refused: [{ row: 1, reason: expect.stringMatching(/须有“标题”和“内容”/) }] });
    expect((await upload('supervisor', Buffer.from('PK\u0003\u0004 not really a workbook'), 'application/octet-stream')).status).toBe(400);
    expect((await admin.get('/api/v1/knowledge/articles?limit=1')).body.total).toBe(before);
  });
});

describe('一次性告知', () => {
  test('when a seat sends an article to the ticket’s citizen, then it goes out by SMS once, on the timeline; a draft, an unreachable citizen or a department is refused', async () => {
    const live = await published({
      title: '新生儿出生一件事办理材料',
      body: '1. 出生医学证明\n2. 父母双方身份证、户口簿\n3. 结婚证\n可在政务服务大厅“出生一件事”窗口一次办结。',
    });
    const ticket = await createTicket(operator, {
      requestType: 'consult',
      description: '孩子刚出生，上户口要带什么材料',
      caller: { phone: '13700002222' },
    });
    const sent = await operator.post(`/api/v1/knowledge/articles/${live.id}/send`, { ticketId: ticket.id });
    expect(sent.status).toBe(200);
    expect(sent.body.text).toBe(
      '一次性告知｜新生儿出生一件事办理材料：1. 出生医学证明；2. 父母双方身份证、户口簿；3. 结婚证；可在政务服务大厅“出生一件事”窗口一次办结。',
    );
    const outbox = await t.hub.db('outbox').where({ id: sent.body.outboxId }).first();
    expect(outbox).toMatchObject({ kind: 'citizen.chat_reply', channel: 'sms', ticket_id: ticket.id });
    const timeline = await t.hub.db('ticket_events').where({ ticket_id: ticket.id, type: 'seat_reply' });
    expect(timeline).toHaveLength(1);
    expect(timeline[0].data).toMatchObject({ articleId: live.id, outboxId: sent.body.outboxId });

    const draft = await supervisor.post('/api/v1/knowledge/articles', article({ title: '草稿里的材料清单' }));
    expect((await operator.post(`/api/v1/knowledge/articles/${draft.body.id}/send`, { ticketId: ticket.id })).status).toBe(409);
    const anonymous = await createTicket(operator, { requestType: 'consult', description: '匿名咨询上户口材料', caller: undefined });
    expect((await operator.post(`/api/v1/knowledge/articles/${live.id}/send`, { ticketId: anonymous.id })).status).toBe(409);
    expect((await head.post(`/api/v1/knowledge/articles/${live.id}/send`, { ticketId: ticket.id })).status).toBe(403);
    expect((await operator.post(`/api/v1/knowledge/articles/999999/send`, { ticketId: ticket.id })).status).toBe(404);
    expect((await operator.post(`/api/v1/knowledge/articles/${live.id}/send`, { ticketId: 'x' })).status).toBe(400);
    expect(await t.hub.db('outbox').where({ ticket_id: ticket.id, kind: 'citizen.chat_reply' })).toHaveLength(1);
  });

  test('when an article is long, then the notice is cut at a sentence near 300 characters with where to read the rest', () => {
    const body = '第一句话说明办理条件。'.repeat(40);
    const text = noticeText('长文章', body);
    expect(text.endsWith('。……详情请致电12345或在12345小程序查看。')).toBe(true);
    expect([...text].length).toBeLessThan(360);
  });
});
