import { expect, test, type APIRequestContext } from '@playwright/test';
import { accessibilityProblems, apiAuth, shoot, signIn } from './helpers';
import { withHubDatabase } from './hub-database';

/** A citizen's matter at the housing bureau's window, signed for, and flagged 办不成事 of the given kind. */
async function hardCase(request: APIRequestContext, description: string, kind: string): Promise<{ id: number; number: string }> {
  const operator = await apiAuth(request, 'operator');
  const agent = await apiAuth(request, 'agent');
  const departments = (await (await request.get('/api/v1/departments', { headers: operator })).json()).items as Array<{
    id: number;
    code: string;
  }>;
  const made = await request.post('/api/v1/tickets', {
    headers: operator,
    data: {
      requestType: 'complaint',
      description,
      caller: { phone: '13812340077' },
      then: { action: 'dispatch', departmentId: departments.find((d) => d.code === 'ZJJ')!.id },
    },
  });
  expect(made.status()).toBe(201);
  const ticket = (await made.json()) as { id: number; number: string };
  expect((await request.post(`/api/v1/tickets/${ticket.id}/sign-for`, { headers: agent, data: {} })).status()).toBe(200);
  const flagged = await request.post(`/api/v1/tickets/${ticket.id}/flag-hard-case`, { headers: agent, data: { kind, reason: '窗口反映' } });
  expect(flagged.status()).toBe(200);
  return ticket;
}

test('the 办不成事 window: the duty chief sets the day’s duty, sees the cases on their ladder, records a 问责 and reads it in the month’s 通报', async ({
  page,
  request,
}) => {
  const refused = await hardCase(request, '不动产登记窗口以系统升级为由拖了半个月不给办', 'refused');

  await signIn(page, 'supervisor');
  await page.getByRole('menuitem', { name: '办不成事' }).click();
  const row = page.getByRole('row', { name: new RegExp(refused.number) });
  await expect(row).toContainText('不给办/拖着办');
  await expect(row).toContainText('窗口反映');
  await expect(row).toContainText('办不成事·首席代表到场');
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'hard-cases');

  // 值班表: today's duty leader and staff, who receive new cases and their alerts.
  await page.getByRole('tab', { name: '值班表' }).click();
  const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date());
  await page.getByRole('button', { name: `安排 ${today} 值班` }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('combobox', { name: '值班领导' }).click();
  await page.locator('.ant-select-item-option[title="陈静（值班长）"]').click();
  await dialog.getByRole('combobox', { name: '值班人员' }).click();
  await page.locator('.ant-select-item-option[title="王敏（话务员）"]').click();
  await page.keyboard.press('Escape');
  await dialog.getByRole('button', { name: '保存' }).click();
  await expect(page.getByText(`${today} 值班已安排`)).toBeVisible();
  const duty = page.getByRole('row', { name: new RegExp(today) });
  await expect(duty).toContainText('陈静（值班长）');
  await expect(duty).toContainText('王敏（话务员）');
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'duty-roster');

  // On the ticket: the 不给办 case is ordered done, and the person who would not do it answers for it (问责).
  await page.getByRole('tab', { name: '在办案件' }).click();
  await page.getByRole('link', { name: refused.number }).click();
  await expect(page.getByText('窗口反映 · 窗口首席代表')).toBeVisible();
  await page.getByRole('button', { name: '问责', exact: true }).click();
  await dialog.getByRole('combobox', { name: '被问责单位' }).click();
  await page.keyboard.type('住房');
  await page.locator('.ant-select-item-option[title="市住房和城乡建设局"]').click();
  await dialog.getByLabel('责任人').fill('窗口工作人员李某');
  await dialog.getByLabel('问责事由').fill('无正当理由拖延半月不予受理');
  await dialog.getByText('通报批评').click();
  await dialog.getByRole('button', { name: '确定' }).click();
  await expect(page.getByText('问责：已完成')).toBeVisible();
  await expect(page.getByText(/问责：无正当理由拖延半月不予受理/)).toBeVisible();

  await page.getByRole('menuitem', { name: '办不成事' }).click();
  await page.getByRole('tab', { name: '月度通报' }).click();
  const unit = page.getByRole('row', { name: /市住房和城乡建设局/ });
  await expect(unit).toContainText('通报批评 1');
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'hard-case-report');
});

test('the county leader in charge sees the cases reported to them, and dispatches the departments concerned (联办)', async ({
  page,
  request,
}) => {
  const joint = await hardCase(request, '老旧小区加装电梯，规划、住建、市场监管各说各的', 'difficult');
  const supervisor = await apiAuth(request, 'supervisor');
  const leaders = (await (await request.get('/api/v1/hard-cases/leaders', { headers: supervisor })).json()).items as Array<{ id: number }>;
  const reported = await request.post(`/api/v1/tickets/${joint.id}/escalate-hard-case`, {
    headers: supervisor,
    data: { leaderUserId: leaders[0]!.id, reason: '单个部门无法办理，报县政府分管负责人调度' },
  });
  expect(reported.status()).toBe(200);

  await signIn(page, 'leader');
  await expect(page).toHaveURL(/\/hard-cases/);
  await expect(page.getByRole('heading', { name: '报请联办的办不成事' })).toBeVisible();
  const row = page.getByRole('row', { name: new RegExp(joint.number) });
  await expect(row).toContainText('县政府分管负责人');
  await row.getByRole('link', { name: joint.number }).click();
  // What the API allows the leader here, and no citizen's number in clear.
  await expect(page.getByText('13812340077')).toHaveCount(0);
  await page.getByRole('button', { name: '联办调度' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('combobox', { name: '联办单位' }).click();
  await page.keyboard.type('城市管理');
  await page.locator('.ant-select-item-option[title="市城市管理局"]').click();
  await page.keyboard.press('Escape');
  await dialog.getByLabel('调度意见').fill('请城管局会同住建局五个工作日内拿出方案');
  await dialog.getByRole('button', { name: '确定' }).click();
  await expect(page.getByText('联办调度：已完成')).toBeVisible();
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'hard-case-leader');
});

test('the duty staff look for candidates now, and take a late 代办 order as a hard case found by the hub', async ({ page, request }) => {
  const seat = await apiAuth(request, 'proxy');
  const regions = (await (await request.get('/api/v1/regions', { headers: seat })).json()).items as Array<{ id: number; code: string }>;
  const made = await request.post('/api/v1/tickets', {
    headers: seat,
    data: {
      requestType: 'proxy',
      description: '老人卧床，申请代办高龄补贴，一个多月了还没办下来',
      regionId: regions.find((r) => r.code === '990121100001')!.id,
      caller: { phone: '13812340404', name: '孙大爷' },
      proxy: { matter: '高龄补贴', serviceMode: 'full_proxy', applicantAddress: '西山县城关镇城关社区8栋' },
      then: { action: 'dispatch' },
    },
  });
  expect(made.status()).toBe(201);
  const late = (await made.json()) as { id: number; number: string };
  // Its legal limit passed yesterday (only time would do this).
  await withHubDatabase((db) => db.query(`update tickets set reply_due_at = now() - interval '1 day' where id = $1`, [late.id]));

  await signIn(page, 'supervisor');
  await page.getByRole('menuitem', { name: '办不成事' }).click();
  await page.getByRole('tab', { name: '待确认线索' }).click();
  await page.getByRole('button', { name: '立即排查' }).click();
  await expect(page.getByText(/发现 \d+ 条新线索/)).toBeVisible();
  const row = page.getByRole('row', { name: new RegExp(late.number) });
  await expect(row).toContainText('代办超期未办结');
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'hard-case-candidates');

  await row.getByRole('button', { name: '转办不成事' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('combobox', { name: '类别' }).click();
  await page.locator('.ant-select-item-option[title="很难办"]').click();
  await dialog.getByLabel('原因').fill('代办超期，转办不成事窗口跟踪督办');
  await dialog.getByRole('button', { name: '转办不成事' }).click();
  await expect(page.getByText(`工单 ${late.number} 已转办不成事`)).toBeVisible();
  await expect(page.getByRole('row', { name: new RegExp(late.number) })).toHaveCount(0);

  await page.getByRole('tab', { name: '在办案件' }).click();
  const taken = page.getByRole('row', { name: new RegExp(late.number) });
  await expect(taken).toContainText('很难办');
  await expect(taken).toContainText('系统发现');
});

test('a hard case not finished on site becomes a 帮代办 order under the window’s chief representative, who finds it on the ticket', async ({
  page,
  request,
}) => {
  const unfinished = await hardCase(request, '二手房过户后申请水电气报装，窗口称产权材料不全，现场办不了', 'difficult');

  await signIn(page, 'agent');
  await expect(page).not.toHaveURL(/\/login/);
  await page.goto(`/tickets/${unfinished.id}`);
  await page.getByRole('button', { name: '转帮代办' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('combobox', { name: '首席代表（帮代办责任人）' }).click();
  await page.locator('.ant-select-item-option[title="李军（住建局）"]').click();
  await dialog.getByRole('combobox', { name: '代办事项' }).click();
  await page.keyboard.type('水电气');
  await page.locator('.ant-select-item-option[title="水电气报装"]').click();
  await dialog.getByLabel('现场未办结的情况').fill('产权证明原件需向原产权人调取，现场无法办结');
  await dialog.getByRole('button', { name: '确定' }).click();
  await expect(page.getByText('转帮代办：已完成')).toBeVisible();
  await expect(page.getByText('现场未办结，转帮代办：首席代表李军（住建局）')).toBeVisible();

  // The chief representative opens the order from the ticket and works it as a runner would.
  await page.getByRole('button', { name: '退出登录' }).click();
  await signIn(page, 'zjj_agent');
  await expect(page).not.toHaveURL(/\/login/);
  await page.goto(`/tickets/${unfinished.id}`);
  await page.getByRole('link', { name: '代办单 办理中' }).click();
  await expect(page).toHaveURL(/\/runner\/orders\/\d+/);
  await expect(page.getByRole('heading', { name: '水电气报装・办理中 （办不成事转办）' })).toBeVisible();
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'hard-case-follow-up');
});
