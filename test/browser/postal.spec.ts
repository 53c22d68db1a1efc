import { expect, test } from '@playwright/test';
import { accessibilityProblems, apiAuth, shoot, signIn } from './helpers';

test('a courier’s month is computed by the duty chief and approved by the director, with the late delivery deducted', async ({
  page,
  request,
}) => {
  const courier = await apiAuth(request, 'courier');
  const grid = ((await (await request.get('/api/v1/postal/grids', { headers: courier })).json()).items as Array<{ id: number }>)[0]!;
  const now = new Date(Date.now() + 8 * 3_600_000);
  const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
  const at = (day: string, time = '10:00') => `${month}-${day}T${time}:00+08:00`;
  for (const piece of [
    { kind: 'collect', distanceKm: 3.5, doneAt: at('04') },
    { kind: 'deliver', distanceKm: 12, dueAt: at('08', '17:00'), doneAt: at('09') },
    { kind: 'deliver', distanceKm: 18, doneAt: at('15') },
  ])
    expect((await request.post('/api/v1/postal/pieces', { headers: courier, data: { gridId: grid.id, ...piece } })).status()).toBe(201);

  await signIn(page, 'supervisor');

  await expect(page).not.toHaveURL(/\/login/);
  await page.getByRole('menuitem', { name: '帮办代办' }).click();
  await page.getByRole('menuitem', { name: '政邮商' }).click();
  await expect(page.getByRole('heading', { name: '政邮商（网格服务与结算）' })).toBeVisible();
  const form = page.getByRole('form', { name: '生成结算单' });
  await form.getByRole('combobox', { name: '邮政公司' }).click();
  await page.locator('.ant-select-item-option[title="中国邮政集团西山县分公司"]').click();
  await form.getByRole('button', { name: '生成结算单' }).click();
  await expect(page.getByRole('heading', { name: `中国邮政集团西山县分公司 ${month} 结算单 草稿` })).toBeVisible();
  // 12 + 15 + 20 = 47 元, less 3 元 for the late one.
  const line = page.getByRole('row', { name: /马俊（邮政网格员）/ }).first();
  await expect(line).toContainText('47.00 元');
  await expect(line).toContainText('3.00 元');
  await expect(line).toContainText('44.00 元');
  await expect(page.getByRole('row', { name: /12 公里/ })).toContainText('超时');
  await page.getByRole('button', { name: '审核通过' }).click();
  await page.getByRole('button', { name: '审核通过' }).last().click();
  await expect(page.getByText(/须由生成人以外的人审核|approved by someone other/).first()).toBeVisible();
  const url = page.url();
  await page.getByRole('button', { name: '退出登录' }).click();

  await signIn(page, 'director');

  await expect(page).not.toHaveURL(/\/login/);
  await page.goto(url);
  await expect(page.getByRole('heading', { name: /结算单 草稿/ })).toBeVisible();
  await page.getByRole('button', { name: '审核通过' }).click();
  await page.getByRole('tooltip').getByRole('button', { name: '审核通过' }).click();
  await expect(page.getByRole('heading', { name: `中国邮政集团西山县分公司 ${month} 结算单 已审核` })).toBeVisible();
  await expect(page.locator('.ant-descriptions-item').filter({ hasText: '审核' })).toContainText('周建国（中心主任）');
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: '下载汇总（Excel）' }).click();
  expect((await download).suggestedFilename()).toMatch(/^postal-.*\.xlsx$/);
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'postal-settlement');
});

test('the courier keeps the grid’s archive: a new enterprise, a visit that records its needs, the need handed on as a 代办 request', async ({
  page,
  browser,
}) => {
  // 政邮商 is in a runner's menu when they are a courier, with a grid: 马俊 has one, the demo runner none.
  const runner = await (await browser.newContext()).newPage();
  const runnersGrids = runner.waitForResponse((response) => response.url().endsWith('/api/v1/postal/grids'));
  await signIn(runner, 'runner');
  await expect(runner.getByRole('menuitem', { name: '我的代办' })).toBeVisible();
  expect(await (await runnersGrids).json()).toEqual({ items: [] });
  await expect(runner.getByRole('menuitem', { name: '政邮商' })).toHaveCount(0);
  await signIn(page, 'courier');
  await expect(page.getByRole('menuitem', { name: '政邮商' })).toBeVisible();

  await page.setViewportSize({ width: 390, height: 844 });
  // On the courier's phone the menu folds away: the page by its address.
  await page.goto('/postal');
  await page.getByRole('tab', { name: '网格档案' }).click();
  const add = page.getByRole('form', { name: '新建企业档案' });
  await add.getByRole('textbox', { name: '企业名称' }).fill('石门乡茶叶专业合作社');
  await add.getByRole('button', { name: '建档' }).click();
  await page.getByRole('button', { name: '石门乡茶叶专业合作社' }).click();
  const drawer = page.getByRole('dialog', { name: '石门乡茶叶专业合作社' });
  await drawer.getByLabel('走访情况').fill('上门走访，合作社计划申请食品经营许可');
  await drawer.getByLabel('当前诉求').fill('食品经营许可');
  await drawer.getByRole('button', { name: '记录走访' }).click();
  await expect(drawer).toContainText('马俊（邮政网格员）（上门）：上门走访，合作社计划申请食品经营许可');
  // The need is handed on as a 代办 request.
  const handOn = drawer.getByRole('form', { name: '转代办' });
  await handOn.getByRole('combobox', { name: '代办事项' }).click();
  await page.keyboard.type('个体工商');
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option[title="个体工商户登记"]').click();
  await handOn.getByLabel('企业诉求').fill('合作社成员拟开办茶叶店，需办理个体工商户登记');
  await handOn.getByRole('button', { name: '转代办' }).click();
  await expect(page.getByText(/已转代办，工单 /)).toBeVisible();
  await expect(drawer).toContainText('转代办：个体工商户登记（工单');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('row', { name: /石门乡茶叶专业合作社/ })).toContainText('食品经营许可');
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'postal-grid');
});
