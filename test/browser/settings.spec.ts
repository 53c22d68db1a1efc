import { expect, test, type APIRequestContext } from '@playwright/test';
import { accessibilityProblems, apiAuth, settled, shoot, signIn } from './helpers';

async function ticketFacts(request: APIRequestContext) {
  const operator = await apiAuth(request, 'operator');
  const get = async (path: string) => (await request.get(path, { headers: operator })).json();
  const categories = (await get('/api/v1/categories')).items as Array<{ children: Array<{ id: number; code: string }> }>;
  const regions = (await get('/api/v1/regions')).items as Array<{ id: number; code: string }>;
  const departments = (await get('/api/v1/departments')).items as Array<{ id: number; code: string; name: string }>;
  return {
    operator,
    category: (code: string) => categories.flatMap((c) => c.children).find((c) => c.code === code)!.id,
    region: (code: string) => regions.find((r) => r.code === code)!.id,
    department: (code: string) => departments.find((d) => d.code === code)!,
  };
}

test('an admin adds a catalog entry, dry-runs it, and a new ticket follows it; the audit log shows the change', async ({
  page,
  request,
}) => {
  const facts = await ticketFacts(request);
  await signIn(page, 'admin');
  await page.getByRole('menuitem', { name: '系统管理' }).click();
  await expect(page).toHaveURL(/\/admin\/catalog$/);
  await expect(page.getByRole('heading', { name: /派单目录/ })).toBeVisible();
  await expect(page.locator('.ant-table-row').first()).toBeVisible();
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'admin-catalog');

  // The editor sends what the API takes; the API's refusal is shown in its words (a tie with the city's 供水 entry).
  await page.getByRole('button', { name: '新增条目' }).click();
  const editor = page.getByRole('dialog', { name: '新增派单条目' });
  await editor.getByLabel('名称').fill('西山县供水（城关镇）');
  await editor.getByLabel('分类').click();
  await page.keyboard.type('供水');
  await settled(page);
  await page.locator('.ant-select-tree-title', { hasText: /^供水$/ }).click();
  await expect(page.locator('.ant-select-dropdown:visible')).toHaveCount(0);
  // By the keyboard, as a clerk would: a click on an option still sliding in can miss it.
  await editor.getByLabel('主办单位').click();
  await page.keyboard.type('城关镇人民政府');
  await expect(page.locator('.ant-select-dropdown:visible .ant-select-item-option-active')).toHaveAttribute('title', '城关镇人民政府');
  await page.keyboard.press('Enter');
  await expect(editor.getByLabel('主办单位').locator('xpath=..')).toContainText('城关镇人民政府');
  await editor.getByRole('button', { name: '保存' }).click();
  await expect(editor.getByRole('alert')).toContainText(/「供水」/);
  await editor.getByLabel('区域', { exact: true }).click();
  await page.locator('.ant-cascader-menu-item[title="西山县"]').click();
  await page.keyboard.press('Escape');
  await editor.getByRole('spinbutton').fill('10');
  await editor.getByRole('button', { name: '保存' }).click();
  await expect(editor).toBeHidden();
  await expect(page.getByRole('row', { name: /西山县供水（城关镇）/ })).toBeVisible();

  // The dry run: a water complaint from 城关社区 goes to 城关镇 by the new entry.
  await page.getByRole('button', { name: '试分派' }).click();
  const dryRun = page.getByRole('dialog', { name: /试分派/ });
  await dryRun.getByLabel('诉求内容').fill('城关社区停水两天了');
  await dryRun.getByLabel('试分派分类').click();
  await page.keyboard.type('供水');
  await settled(page);
  await page
    .locator('.ant-select-tree-title', { hasText: /^供水$/ })
    .last()
    .click();
  await expect(page.locator('.ant-select-dropdown:visible')).toHaveCount(0);
  await dryRun.getByLabel('试分派区域').click();
  await page.locator('.ant-cascader-menu-item[title="西山县"]').last().click();
  await page.locator('.ant-cascader-menu-item[title="城关镇"]').last().click();
  await page.locator('.ant-cascader-menu-item[title="城关社区"]').last().click();
  await page.keyboard.press('Escape');
  await dryRun.getByRole('button', { name: '试分派', exact: true }).click();
  const result = dryRun.getByRole('region', { name: '试分派结果' });
  await expect(result).toContainText('城关镇人民政府');
  await expect(result).toContainText('西山县供水（城关镇）');
  await shoot(page, 'admin-dry-run');
  await dryRun.getByRole('button', { name: '关闭' }).click();

  // A new ticket follows it.
  const made = await request.post('/api/v1/tickets', {
    headers: facts.operator,
    data: {
      requestType: 'complaint',
      categoryId: facts.category('1201'),
      regionId: facts.region('990121100001'),
      description: '城关社区停水两天了。',
    },
  });
  expect(made.status()).toBe(201);
  const ticketId = (await made.json()).id as number;
  await expect
    .poll(async () => (await (await request.get(`/api/v1/tickets/${ticketId}`, { headers: facts.operator })).json()).leadDepartment?.name, {
      timeout: 10_000,
    })
    .toBe('城关镇人民政府');

  // The versions and the audit log say who added it.
  await page.getByRole('button', { name: '版本记录' }).click();
  await expect(page.getByRole('dialog', { name: '派单目录版本记录' }).getByText(/新增「西山县供水（城关镇）」/)).toBeVisible();
  await page.getByRole('dialog', { name: '派单目录版本记录' }).getByRole('button', { name: '关闭' }).click();
  await page.getByRole('navigation', { name: '系统管理' }).getByRole('menuitem', { name: '审计日志' }).click();
  await expect(page.getByRole('heading', { name: '审计日志' })).toBeVisible();
  await page.getByRole('combobox', { name: '设置项' }).click();
  await page.locator('.ant-select-item-option[title="派单目录"]').click();
  const row = page.getByRole('row', { name: /新增设置/ }).first();
  await expect(row).toContainText('西山县供水（城关镇）');
  await expect(row).toContainText('系统管理员');
});

test('an admin marks a 调休 Saturday in the calendar’s year view and a running deadline moves; removing it moves it back', async ({
  page,
  request,
}) => {
  const facts = await ticketFacts(request);
  const made = await request.post('/api/v1/tickets', {
    headers: facts.operator,
    // Noise: answered in 7 working days (water in 24 hours, which no calendar moves).
    data: {
      requestType: 'complaint',
      categoryId: facts.category('0202'),
      regionId: facts.region('990101001001'),
      description: '东华社区夜间施工噪音。',
    },
  });
  const ticketId = (await made.json()).id as number;
  const replyDue = async () => {
    const clocks = (await (await request.get(`/api/v1/tickets/${ticketId}/clocks`, { headers: facts.operator })).json()).items as Array<{
      stage: string;
      state: string;
      dueAt: string | null;
      calendarId: number | null;
    }>;
    return clocks.find((c) => c.stage === 'reply' && c.state === 'running');
  };
  await expect.poll(async () => (await replyDue())?.dueAt ?? null, { timeout: 10_000 }).not.toBeNull();
  const before = (await replyDue())!;

  // The first Saturday off between now and the deadline.
  const admin = await apiAuth(request, 'admin');
  const calendars = (await (await request.get('/api/v1/sla/calendars', { headers: admin })).json()).items as Array<{
    id: number;
    regionId: number | null;
  }>;
  const calendarId = before.calendarId ?? calendars.find((c) => c.regionId === null)!.id;
  expect(calendarId).toBe(calendars.find((c) => c.regionId === null)!.id); // the page opens on the default calendar
  const beijingToday = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const years = [...new Set([beijingToday.slice(0, 4), before.dueAt!.slice(0, 4)])];
  const days = (
    await Promise.all(
      years.map(
        async (year) =>
          (await (await request.get(`/api/v1/sla/calendars/${calendarId}/days?year=${year}`, { headers: admin })).json()).days,
      ),
    )
  ).flat() as Array<{ date: string; work: boolean }>;
  const saturday = days.find(
    (d) =>
      d.date > beijingToday && `${d.date}T00:00:00+08:00` < before.dueAt! && new Date(`${d.date}T00:00:00Z`).getUTCDay() === 6 && !d.work,
  )!;
  expect(saturday).toBeDefined();
  const [y, m, d] = saturday.date.split('-').map(Number);

  await signIn(page, 'admin');
  await expect(page).toHaveURL(/\/tickets/);
  await page.goto('/admin/calendar');
  await expect(page.getByRole('heading', { name: '工作日历' })).toBeVisible();
  if (String(y) !== beijingToday.slice(0, 4)) await page.getByRole('button', { name: '下一年' }).click();
  await expect(page.getByRole('button', { name: /年10月1日 星期.*国庆节放假/ })).toBeVisible();
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'admin-calendar');

  const cell = page.getByRole('button', { name: new RegExp(`^${y}年${m}月${d}日 星期六`) });
  await cell.click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText('上班（调休）').click();
  await dialog.getByLabel('说明').fill('本地调休');
  await dialog.getByRole('button', { name: '保存' }).click();
  await expect(dialog).toBeHidden();
  await expect(cell).toHaveAccessibleName(/本地调休上班（本地调休）/);
  await expect.poll(async () => (await replyDue())!.dueAt! < before.dueAt!, { timeout: 10_000 }).toBe(true);

  await cell.click();
  await page.getByRole('dialog').getByRole('button', { name: '恢复官方日历' }).click();
  await expect(cell).toHaveAccessibleName(/休息日$/);
  await expect.poll(async () => (await replyDue())!.dueAt, { timeout: 10_000 }).toBe(before.dueAt);

  // Both changes are in the audit log, with what they did.
  await page.goto('/admin/audit');
  await page.getByRole('combobox', { name: '设置项' }).click();
  await page.locator('.ant-select-item-option[title="日历日期"]').click();
  await expect(page.locator('.ant-select-dropdown:visible')).toHaveCount(0);
  await expect(page.getByRole('row', { name: new RegExp(`修改设置.*日历日期 #${calendarId}/${saturday.date}.*本地调休`) })).toBeVisible();
  await expect(page.getByRole('row', { name: new RegExp(`删除设置.*日历日期 #${calendarId}/${saturday.date}`) })).toBeVisible();
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'admin-audit');
});

test('the admin’s other pages: a user’s capacity, a department’s duty phone, a policy the API refuses, the alert ladder and the dead letters', async ({
  page,
}) => {
  await signIn(page, 'admin');
  await expect(page).toHaveURL(/\/tickets/);
  const nav = page.getByRole('navigation', { name: '系统管理' });

  await page.goto('/admin/users');
  await expect(page.getByRole('heading', { name: '用户', exact: true })).toBeVisible();
  await page.getByRole('button', { name: '编辑 李军（住建局）' }).click();
  const userEditor = page.getByRole('dialog', { name: /编辑 李军/ });
  await userEditor.getByLabel('接单上限').fill('12');
  await userEditor.getByRole('button', { name: '保存' }).click();
  await expect(userEditor).toBeHidden();
  await expect(page.getByRole('row', { name: /李军（住建局）/ })).toContainText('12');
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'admin-users');

  await nav.getByRole('menuitem', { name: '部门' }).click();
  await expect(page.getByRole('heading', { name: '部门', exact: true })).toBeVisible();
  await page.getByRole('button', { name: '编辑 市住房和城乡建设局' }).click();
  const departmentEditor = page.getByRole('dialog', { name: /编辑 市住房和城乡建设局/ });
  await departmentEditor.getByLabel(/值班电话/).fill('13900139000');
  await departmentEditor.getByRole('button', { name: '保存' }).click();
  await expect(departmentEditor).toBeHidden();
  await expect(page.getByRole('row', { name: /市住房和城乡建设局/ })).toContainText('+8613900139000');
  expect(await accessibilityProblems(page)).toEqual([]);

  await nav.getByRole('menuitem', { name: '时限与预警' }).click();
  await expect(page.getByRole('heading', { name: '时限策略' })).toBeVisible();
  await expect(page.getByRole('heading', { name: '预警级别' })).toBeVisible();
  await page.getByRole('button', { name: '新增策略' }).click();
  const policyEditor = page.getByRole('dialog', { name: '新增时限策略' });
  await policyEditor.getByLabel('名称').fill('答复：半个工作日');
  await policyEditor.getByLabel('时限').fill('1.5');
  await policyEditor.getByRole('button', { name: '保存' }).click();
  await expect(policyEditor.getByRole('alert')).toContainText('按工作日计的时限须为整数');
  await policyEditor.getByRole('button', { name: '关闭' }).click();
  await expect(policyEditor).toBeHidden();
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'admin-policies');

  await nav.getByRole('menuitem', { name: '发送失败' }).click();
  await expect(page.getByRole('heading', { name: '发送失败' })).toBeVisible();
  await expect(page.locator('.ant-table')).toBeVisible();
  expect(await accessibilityProblems(page)).toEqual([]);

  // The user's change is in the audit log, field by field.
  await nav.getByRole('menuitem', { name: '审计日志' }).click();
  await page.getByRole('combobox', { name: '设置项' }).click();
  await page.locator('.ant-select-item-option[title="用户"]').click();
  await expect(page.getByRole('row', { name: /修改设置.*接单上限/ }).first()).toContainText('12');
});

test('an admin issues an API key that is shown once and works, revokes it, and retrains the classifier and goes back to the version before', async ({
  page,
  request,
}) => {
  await signIn(page, 'admin');
  await expect(page).toHaveURL(/\/tickets/);
  await page.goto('/admin/integrations');
  await expect(page.getByRole('heading', { name: 'API 密钥' })).toBeVisible();

  await page.getByRole('button', { name: '签发密钥' }).click();
  const dialog = page.getByRole('dialog', { name: '签发 API 密钥' });
  await dialog.getByLabel('名称').fill('区政务服务平台对接');
  await dialog.getByLabel('代表用户').click();
  await page.keyboard.type('值班长');
  await page.keyboard.press('Enter');
  await dialog.getByRole('button', { name: '签发' }).click();
  const shown = page.getByRole('dialog', { name: /API 密钥「区政务服务平台对接」/ });
  const key = (await shown.locator('div[style*="monospace"]').first().innerText()).trim();
  expect(key).toMatch(/^hhk_/);
  expect((await request.get('/api/v1/tickets?limit=1', { headers: { authorization: `Bearer ${key}` } })).status()).toBe(200);
  await shown.getByRole('button', { name: '我已保存' }).click();

  const row = page.getByRole('row', { name: /区政务服务平台对接/ });
  await row.getByRole('button', { name: '吊销「区政务服务平台对接」' }).click();
  await page.getByRole('button', { name: '吊销', exact: true }).click();
  await expect(row).toContainText('已吊销');
  expect((await request.get('/api/v1/tickets?limit=1', { headers: { authorization: `Bearer ${key}` } })).status()).toBe(401);

  // The classifier: retrain now, then back to the version before.
  const active = page.getByRole('row').filter({ hasText: '使用中' });
  const before = (await active.innerText()).match(/第 (\d+) 版/)![1];
  await page.getByRole('button', { name: '立即重新训练' }).click();
  await page.getByRole('button', { name: '训练', exact: true }).click();
  await expect(active).not.toContainText(`第 ${before} 版`, { timeout: 20_000 });
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'admin-integrations');
  await page.getByRole('button', { name: `启用第 ${before} 版` }).click();
  await page.getByRole('button', { name: '启用', exact: true }).click();
  await expect(active).toContainText(`第 ${before} 版`);
});

test('an admin sets up the city: a grid with its outline, a category that dispatches itself, a matter’s 容缺 material, a runner’s grid and the callback reminder; each change is in the audit log', async ({
  page,
  request,
}) => {
  const admin = await apiAuth(request, 'admin');
  const get = async (path: string) => (await request.get(path, { headers: admin })).json();
  await signIn(page, 'admin');
  await expect(page).toHaveURL(/\/tickets/);
  const nav = page.getByRole('navigation', { name: '系统管理' });

  // 区域与网格: a grid under 城关社区, and its outline; an outline whose ring does not close is the API's to refuse.
  await page.goto('/admin/regions');
  await expect(page.getByRole('heading', { name: '区域与网格' })).toBeVisible();
  const tree = page.getByRole('navigation', { name: '区域树' });
  await tree.locator('.ant-tree-treenode', { hasText: '城关镇（街道/乡镇）' }).locator('.ant-tree-switcher').click();
  await tree.getByText('城关社区（社区/村）').click();
  await expect(page.getByRole('heading', { name: '城关社区', level: 2 })).toBeVisible();
  await page.getByRole('button', { name: '新增网格' }).click();
  const newGrid = page.getByRole('dialog', { name: '在 城关社区 下新增网格' });
  await newGrid.getByLabel('编码').fill('990121100001G9');
  await newGrid.getByLabel('名称').fill('城关第九网格');
  await newGrid.getByRole('button', { name: '新增' }).click();
  await expect(newGrid).toBeHidden();
  await expect(page.getByRole('heading', { name: '城关第九网格', level: 2 })).toBeVisible();
  const outline = page.getByLabel('轮廓 GeoJSON');
  await outline.fill(
    JSON.stringify({
      type: 'Polygon',
      coordinates: [
        [
          [116.95, 36.7],
          [116.97, 36.7],
          [116.97, 36.72],
          [116.95, 36.72],
        ],
      ],
    }),
  );
  await page.getByRole('button', { name: '保存轮廓' }).click();
  await expect(page.getByRole('region', { name: /轮廓/ }).getByRole('alert')).toContainText('边界须首尾闭合');
  const square = {
    type: 'Polygon',
    coordinates: [
      [
        [116.95, 36.7],
        [116.97, 36.7],
        [116.97, 36.72],
        [116.95, 36.72],
        [116.95, 36.7],
      ],
    ],
  };
  await outline.fill(JSON.stringify(square));
  await page.getByRole('button', { name: '保存轮廓' }).click();
  await expect(page.getByText('轮廓已保存')).toBeVisible();
  await expect(page.getByRole('img', { name: '轮廓预览' }).locator('path')).toHaveCount(1);
  const grids = (await get('/api/v1/regions?level=grid')).items as Array<{ id: number; name: string }>;
  const grid = grids.find((r) => r.name === '城关第九网格')!;
  expect((await get('/api/v1/regions/outlines?level=grid')).items).toContainEqual(
    expect.objectContaining({ id: grid.id, outline: square }),
  );
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'admin-regions');

  // 分类: a level-2 category that is dispatched without an operator once the classifier is sure.
  await nav.getByRole('menuitem', { name: '分类' }).click();
  await expect(page.getByRole('heading', { name: '分类', exact: true })).toBeVisible();
  await page.getByRole('button', { name: '在 城乡建设 下新增' }).click();
  const newCategory = page.getByRole('dialog', { name: '在 城乡建设 下新增分类' });
  await newCategory.getByLabel('编码').fill('0199');
  await newCategory.getByLabel('名称').fill('老旧小区加装电梯');
  await newCategory.locator('.ant-segmented-item', { hasText: '自动派单' }).click();
  await newCategory.getByRole('button', { name: '保存' }).click();
  await expect(newCategory).toBeHidden();
  const categories = (await get('/api/v1/categories')).items as Array<{
    code: string;
    children: Array<{ code: string; dispatchMode: string }>;
  }>;
  expect(categories.find((c) => c.code === '01')!.children).toContainEqual(expect.objectContaining({ code: '0199', dispatchMode: 'auto' }));
  await page
    .getByRole('row', { name: /城乡建设/ })
    .first()
    .locator('.ant-table-row-expand-icon')
    .click();
  await expect(page.getByRole('row', { name: /老旧小区加装电梯/ })).toContainText('自动派单');
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'admin-taxonomy');

  // 帮办代办: a 容缺 material on 老年人优待证, and the runner's new grid.
  await nav.getByRole('menuitem', { name: '帮办代办' }).click();
  await expect(page.getByRole('heading', { name: '帮办代办' })).toBeVisible();
  await page.getByRole('button', { name: '编辑 老年人优待证' }).click();
  const matterEditor = page.getByRole('dialog', { name: '编辑 老年人优待证' });
  await matterEditor.getByRole('button', { name: '添加材料' }).click();
  await matterEditor.getByLabel('材料键名').last().fill('residence');
  await matterEditor.getByLabel('材料名称').last().fill('居住证');
  await matterEditor.getByRole('checkbox', { name: '容缺' }).last().check();
  await matterEditor.getByRole('button', { name: '保存' }).click();
  await expect(matterEditor).toBeHidden();
  const matters = (await get('/api/v1/proxy/matters')).items as Array<{
    code: string;
    materials: Array<{ key: string; deferrable: boolean }>;
  }>;
  expect(matters.find((m) => m.code === 'ELDER_CARD')!.materials).toContainEqual(
    expect.objectContaining({ key: 'residence', form: 'original', count: 1, deferrable: true }),
  );
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'admin-proxy');

  await page.getByRole('tab', { name: '跑手与网格' }).click();
  await page.getByRole('button', { name: '设置 刘洋（跑手）' }).click();
  const runnerEditor = page.getByRole('dialog', { name: '设置 刘洋（跑手）' });
  await runnerEditor.getByLabel('负责网格').click();
  await page.keyboard.type('城关第九');
  await expect(page.locator('.ant-select-dropdown:visible .ant-select-tree-title', { hasText: '城关第九网格' })).toBeVisible();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Escape');
  await expect(page.locator('.ant-select-dropdown:visible')).toHaveCount(0);
  await runnerEditor.getByRole('button', { name: '保存' }).click();
  await expect(runnerEditor).toBeHidden();
  await expect(page.getByRole('row', { name: /刘洋（跑手）/ })).toContainText('城关第九网格');
  expect(await accessibilityProblems(page)).toEqual([]);

  // 回访设置: the reminder comes after three hours, not four.
  await nav.getByRole('menuitem', { name: '回访设置' }).click();
  await expect(page.getByRole('heading', { name: '回访设置' })).toBeVisible();
  const reminder = page.getByLabel('未作答多久后提醒一次');
  await expect(reminder).toHaveValue('240');
  await reminder.fill('180');
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByText('回访设置已保存')).toBeVisible();
  expect((await get('/api/v1/callbacks/settings')).reminderMinutes).toBe(180);
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'admin-callbacks');

  // Each change is in the audit log.
  for (const kind of ['region', 'region_outline', 'category', 'proxy_matter', 'runner', 'callback_settings'])
    expect((await get(`/api/v1/audit-log?target=${kind}&limit=1`)).items, kind).toHaveLength(1);
});
