import { expect, test } from '@playwright/test';
import twilio from 'twilio';
import { fakeTwilio } from './fake-twilio-account';
import { accessibilityProblems, apiAuth, shoot, signIn } from './helpers';

test('at the seat, the knowledge base answers a question as it is typed, and 直接办结 from the article cites it on the ticket', async ({
  page,
  request,
}) => {
  await signIn(page, 'operator');
  await expect(page.getByLabel('来电号码')).toBeFocused();
  await page.keyboard.type('13500000031');
  await page.getByLabel('诉求内容').fill('我想问一下住房公积金怎么提取，要带什么东西');
  const panel = page.getByRole('region', { name: '知识库' });
  await expect(panel.getByText('住房公积金提取需要哪些材料')).toBeVisible();
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'seat-knowledge');

  await panel.getByRole('button', { name: '阅读「住房公积金提取需要哪些材料」全文' }).click();
  const reading = page.getByRole('dialog', { name: '住房公积金提取需要哪些材料' });
  await expect(reading).toContainText('依据：《示范市住房公积金提取管理办法》');
  await reading.getByRole('button', { name: '用此答复' }).click();
  await expect(page.getByLabel('答复内容')).toHaveValue(/本人身份证、购房合同或租赁合同/);
  await expect(page.getByText('引用知识：住房公积金提取需要哪些材料')).toBeVisible();
  await page.getByLabel('答复内容').press('Control+Enter');
  await expect(page).toHaveURL(/\/tickets\/\d+$/);
  await expect(page.getByText('已办结', { exact: true })).toBeVisible();

  const ticketId = Number(page.url().split('/').at(-1));
  const operator = await apiAuth(request, 'operator');
  const ticket = await (await request.get(`/api/v1/tickets/${ticketId}`, { headers: operator })).json();
  const articles = (await (await request.get('/api/v1/knowledge/articles?status=published&q=住房公积金提取', { headers: operator })).json())
    .items;
  expect(ticket.answerArticleId).toBe(articles[0].id);
});

test('a department head writes an article for review; a supervisor publishes it, and the seats find it', async ({ page, browser }) => {
  await signIn(page, 'head');
  await expect(page).not.toHaveURL(/\/login/);
  await page.getByRole('menuitem', { name: '知识库' }).click();
  await expect(page.getByRole('heading', { name: '知识库', level: 1 })).toBeVisible();
  // Existing knowledge comes in as a table; a refused row says why.
  await page.getByRole('button', { name: '导入' }).click();
  const importing = page.getByRole('dialog', { name: '导入知识' });
  await importing.locator('input[type=file]').setInputFiles({
    name: '住建知识.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('标题,内容,分类\n物业费收费标准在哪查,物业费按合同约定执行，可向街道物业办查询备案标准。,0103\n缺内容,,\n', 'utf8'),
  });
  await expect(importing.getByRole('status')).toContainText('已导入 1 条，1 行未导入');
  await expect(importing.getByRole('status')).toContainText('第 3 行：内容须为 1–20,000 个字符');
  expect(await accessibilityProblems(page)).toEqual([]);
  await importing.getByRole('button', { name: '关闭' }).last().click();
  await page.getByRole('tab', { name: '草稿' }).click();
  await expect(page.getByRole('button', { name: '物业费收费标准在哪查' })).toBeVisible();
  await page.getByRole('tab', { name: '已发布' }).click();

  await page.getByRole('button', { name: '新建知识' }).click();
  const editor = page.getByRole('dialog', { name: '新建知识' });
  await editor.getByLabel(/^标题/).fill('楼道堆放杂物谁来管');
  await editor
    .getByLabel('答复口径')
    .fill('住宅楼道堆放杂物的，先由物业服务企业劝阻清理；拒不清理、影响消防安全的，可向所在地消防救援机构或住建部门反映。');
  await editor.getByRole('checkbox', { name: '保存后提交审核' }).check();
  await editor.getByRole('button', { name: '保存' }).click();
  await expect(editor).toBeHidden();
  await page.getByRole('tab', { name: '待审核' }).click();
  await expect(page.getByRole('button', { name: '楼道堆放杂物谁来管' })).toBeVisible();
  expect(await accessibilityProblems(page)).toEqual([]);

  // The center reviews and publishes.
  const chief = await (await browser.newContext()).newPage();
  await signIn(chief, 'supervisor');
  await expect(chief).not.toHaveURL(/\/login/);
  await chief.goto('/knowledge');
  await expect(chief.getByRole('button', { name: '住房公积金提取需要哪些材料' })).toBeVisible();
  await shoot(chief, 'knowledge');
  await chief.goto('/knowledge?tab=review');
  await chief.getByRole('button', { name: '楼道堆放杂物谁来管' }).click();
  const drawer = chief.getByRole('dialog', { name: '楼道堆放杂物谁来管' });
  await expect(drawer).toContainText('市住房和城乡建设局');
  await expect(drawer.getByRole('button', { name: '提交审核' })).toHaveCount(0);
  expect(await accessibilityProblems(chief)).toEqual([]);
  await shoot(chief, 'knowledge-review');
  await drawer.getByRole('button', { name: '发布' }).click();
  await expect(drawer).toContainText('已发布');
  await expect(drawer.getByRole('button', { name: '发布' })).toHaveCount(0);

  await chief.goto('/knowledge?tab=usage');
  await expect(chief.getByRole('heading', { name: '答复最多的知识' })).toBeVisible();
  await expect(chief.getByText('住房公积金提取需要哪些材料')).toBeVisible();
  expect(await accessibilityProblems(chief)).toEqual([]);
  await shoot(chief, 'knowledge-usage');

  const seat = await (await browser.newContext()).newPage();
  await signIn(seat, 'operator');
  await expect(seat.getByLabel('来电号码')).toBeFocused();
  await seat.getByLabel('诉求内容').fill('我们楼道里堆了好多杂物没人管');
  await expect(seat.getByText('楼道堆放杂物谁来管')).toBeVisible();
});

test('the ticket page offers the same burst pipe reported by another citizen, with why, and merges it in one click', async ({
  page,
  request,
}) => {
  const operator = await apiAuth(request, 'operator');
  const get = async (path: string) =>
    (await (await request.get(path, { headers: operator })).json()) as { items: Array<Record<string, unknown>> };
  const regionId = get('/api/v1/regions').then((r) => r.items.find((x) => x.code === '990101001002')!.id) as Promise<number>;
  const categoryId = get('/api/v1/categories').then(
    (r) =>
      (r.items as Array<{ children: Array<{ code: string; id: number }> }>).flatMap((c) => c.children).find((c) => c.code === '1201')!.id,
  );
  const place = { regionId: await regionId, categoryId: await categoryId };
  const report = async (description: string, address: string, phone: string) =>
    (await (
      await request.post('/api/v1/tickets', {
        headers: operator,
        data: { requestType: 'complaint', description, address, caller: { phone }, ...place },
      })
    ).json()) as { id: number; number: string };
  const first = await report('滨河社区6号楼门口水管爆了，水流了一地', '滨河社区6号楼门口', '13811120001');
  const second = await report('6号楼门口自来水管破裂，路上全是水', '滨河社区6号楼', '13811120002');

  await signIn(page, 'operator');
  await expect(page.getByLabel('来电号码')).toBeFocused();
  await page.goto(`/tickets/${second.id}`);
  const offered = page.getByRole('alert').filter({ hasText: '可能与以下在办工单重复' });
  await expect(offered.getByRole('link', { name: first.number })).toBeVisible();
  await expect(offered).toContainText('同一地址');
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'ticket-duplicates');
  await offered.getByRole('button', { name: `并入 ${first.number}` }).click();
  await expect(page.getByText(`已并入 ${first.number}`).first()).toBeVisible();
  await expect(page.getByRole('link', { name: first.number }).first()).toBeVisible();
  await expect(offered).toHaveCount(0);
});

test('一次性告知: from the ticket page a seat sends the citizen the article with the materials, once, and it is on the record', async ({
  page,
  request,
}) => {
  const operator = await apiAuth(request, 'operator');
  const made = await request.post('/api/v1/tickets', {
    headers: operator,
    data: { requestType: 'consult', description: '想提取住房公积金，要带哪些材料？', caller: { phone: '13811130001' } },
  });
  const ticket = (await made.json()) as { id: number };

  await signIn(page, 'operator');
  await expect(page.getByLabel('来电号码')).toBeFocused();
  await page.goto(`/tickets/${ticket.id}`);
  const pick = page.getByRole('combobox', { name: '选择要发送给群众的知识' });
  await pick.click();
  await pick.fill('公积金提取');
  // antd's list shows the options; the listbox for screen readers holds hidden copies of them.
  await page.locator('.ant-select-item-option').filter({ hasText: '住房公积金提取需要哪些材料' }).click();
  await page.getByRole('button', { name: '发送给群众' }).click();
  await expect(page.getByText('已发送一次性告知')).toBeVisible();
  // On the record: the seat's message on the timeline, and the text itself among the messages sent to the citizen.
  await expect(page.getByRole('tabpanel', { name: '办理过程' })).toContainText('坐席回复');
  await page.getByRole('tab', { name: '市民消息' }).click();
  await expect(page.getByText(/一次性告知｜住房公积金提取需要哪些材料/).first()).toBeVisible();
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'ticket-article-notice');
});

test('智能答复: a citizen’s SMS question is answered from an article; their 人工 puts it before the seat with the answer on the record, and the knowledge team sees both', async ({
  page,
  request,
}) => {
  const citizen = '+8613900000071';
  const text = async (body: string) => {
    const params = {
      MessageSid: `SM${Date.now()}${Math.random().toString(16).slice(2)}${'0'.repeat(32)}`.slice(0, 34),
      AccountSid: fakeTwilio.accountSid,
      From: citizen,
      To: fakeTwilio.from,
      Body: body,
      NumMedia: '0',
    };
    const url = new URL('/webhooks/twilio/sms', test.info().project.use.baseURL).toString();
    const signature = twilio.getExpectedTwilioSignature(fakeTwilio.authToken, url, params);
    expect((await request.post('/webhooks/twilio/sms', { form: params, headers: { 'x-twilio-signature': signature } })).status()).toBe(200);
  };
  const operator = await apiAuth(request, 'operator');
  const ticketOfCitizen = async () => {
    const list = await (
      await request.get(`/api/v1/tickets?q=${encodeURIComponent('养老金资格认证')}&limit=5`, { headers: operator })
    ).json();
    return (list.items as Array<{ id: number; number: string; status: string }>)[0];
  };

  await text('养老金资格认证怎么做');
  await expect.poll(async () => (await ticketOfCitizen())?.status, { timeout: 15_000 }).toBe('closed');
  await text('人工');
  await expect.poll(async () => (await ticketOfCitizen())?.status, { timeout: 15_000 }).toBe('triage');
  const ticket = (await ticketOfCitizen())!;

  await signIn(page, 'operator');
  await expect(page.getByLabel('来电号码')).toBeFocused();
  await page.goto(`/tickets/${ticket.id}`);
  await expect(page.getByText(/智能答复 直接办结：退休人员养老金资格认证怎么做：/)).toBeVisible();
  await expect(page.getByText(/转人工：人工/)).toBeVisible();
  await expect(page.getByRole('button', { name: '派单' })).toBeVisible();
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'ticket-handed-back');

  const chief = await (await page.context().browser()!.newContext()).newPage();
  await signIn(chief, 'supervisor');
  await expect(chief).not.toHaveURL(/\/login/);
  await chief.goto('/knowledge?tab=usage');
  await expect(chief.getByText('智能答复 1 次，转人工 1 次')).toBeVisible();
});
