import { expect, test } from '@playwright/test';
import { accessibilityProblems, apiAuth, shoot, signIn } from './helpers';

test('hot spots: a burst of the same report in one village reaches the duty chief as a notice, opens with its tickets, and is closed with what was done', async ({
  page,
  request,
}) => {
  const operator = await apiAuth(request, 'operator');
  const supervisor = await apiAuth(request, 'supervisor');
  const regions = (await (await request.get('/api/v1/regions', { headers: operator })).json()).items as Array<{ id: number; code: string }>;
  const tree = (await (await request.get('/api/v1/categories', { headers: operator })).json()).items as Array<{
    children: Array<{ id: number; code: string }>;
  }>;
  const gas = tree.flatMap((c) => c.children).find((c) => c.code === '1203')!;
  const place = { regionId: regions.find((r) => r.code === '990121200201')!.id, categoryId: gas.id };
  const reports = [
    '石门村燃气管道漏气，气味很大',
    '石门村有燃气泄漏的味道',
    '石门村燃气管道漏气了',
    '石门村路边燃气管道漏气',
    '石门村燃气漏气很危险',
    '石门村燃气管道漏气，请尽快处理',
    '石门村闻到燃气漏气味',
    '石门村燃气管道有漏气声',
  ];
  for (const [i, description] of reports.entries()) {
    const made = await request.post('/api/v1/tickets', {
      headers: operator,
      data: { requestType: 'help', ...place, description, caller: { phone: `1370000${String(i).padStart(4, '0')}` } },
    });
    expect(made.status()).toBe(201);
  }
  const detected = await request.post('/api/v1/hotspots/detect', { headers: supervisor, data: {} });
  expect(detected.status()).toBe(200);

  await signIn(page, 'supervisor');
  // The notice in the bell opens the hot spot.
  await page.getByRole('button', { name: /消息提醒/ }).click();
  await page
    .getByText(/热点预警｜石门村 · 燃气/)
    .first()
    .click();
  await expect(page).toHaveURL(/\/hotspots\/\d+$/);
  const detail = page.getByRole('heading', { name: '石门村 · 燃气' });
  await expect(detail).toBeVisible();
  await expect(page.getByText(/近1小时 8 件，往常约 0\.3 件/).first()).toBeVisible();
  await expect(page.getByRole('table', { name: '热点涉及的工单' }).getByRole('row')).toHaveCount(9);
  await expect(page.getByRole('region', { name: '相同事件' })).toContainText(/\d+ 件：/);
  // The menu shows where the page belongs: under 告警中心.
  await expect(page.getByRole('menuitem', { name: '告警中心' })).toHaveClass(/selected/);
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'hotspots');

  await page.getByRole('button', { name: '结束热点' }).click();
  await page.getByRole('dialog').getByRole('button', { name: '结束' }).click();
  await expect(page.getByText('请写明如何处置')).toBeVisible();
  await page.getByLabel('处置说明').fill('已通知燃气公司抢修，管道已修复');
  await page.getByRole('dialog').getByRole('button', { name: '结束' }).click();
  await expect(page.getByText('热点已结束')).toBeVisible();
  await expect(page.getByText('已通知燃气公司抢修，管道已修复')).toBeVisible();
  await expect(page.getByRole('button', { name: '结束热点' })).toBeHidden();

  // 热点分析: the week's report lists it among the hot spots found.
  await page.goto('/reports?tab=hotspots');
  await expect(page.getByRole('table', { name: '本期发现的热点' })).toContainText('石门村 · 燃气');
  await expect(page.getByRole('table', { name: '诉求最多的分类' })).toContainText('水电气暖');
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'hotspot-report');
});
