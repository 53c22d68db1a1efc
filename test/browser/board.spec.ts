import { expect, test } from '@playwright/test';
import { accessibilityProblems, apiAuth, shoot, signIn } from './helpers';

test('the supervisors’ board shows today’s requests, the overdue by department and the 三率, and counts a new ticket live', async ({
  page,
  request,
}) => {
  await signIn(page, 'director');
  await expect(page).toHaveURL(/\/board$/);
  await expect(page.getByRole('heading', { name: /督办大屏/ })).toBeVisible();
  const today = page.locator('.ant-statistic').filter({ hasText: '今日受理' }).locator('.ant-statistic-content-value');
  await expect(today).toHaveText(/^\d+$/);
  const before = Number(await today.textContent());
  await expect(page.getByRole('img', { name: /今日各小时受理量/ })).toBeVisible();
  // The map: the districts from their outlines, coloured by the week's requests.
  await expect(page.getByRole('img', { name: /^近7日各地受理量：(?=.*东城区 \d+)(?=.*西山县 \d+)/ })).toBeVisible();
  expect(await accessibilityProblems(page)).toEqual([]);

  // A call logged at a seat: the board counts it without a reload (the staff socket).
  const made = await request.post('/api/v1/tickets', {
    headers: await apiAuth(request, 'operator'),
    data: { requestType: 'complaint', description: '商场门口共享单车乱停放，堵塞消防通道。', caller: { phone: '13812349876' } },
  });
  expect(made.status()).toBe(201);
  await expect(today).toHaveText(String(before + 1), { timeout: 10_000 });
  await page.waitForTimeout(1_500); // the charts' animation, for the screenshot
  await shoot(page, 'board');
});
