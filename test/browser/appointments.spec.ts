import { expect, test } from '@playwright/test';
import { accessibilityProblems, apiAuth, shoot, signIn } from './helpers';

test('the seat books a late-hours slot for a caller, and the window records the appointment kept', async ({ page, request }) => {
  // The housing bureau's head opened this evening's 延时办理 slot.
  const head = await apiAuth(request, 'head');
  const me = await (await request.get('/api/v1/auth/me', { headers: head })).json();
  const opened = await request.post('/api/v1/appointment-slots', {
    headers: head,
    data: {
      departmentId: me.departmentId,
      mode: 'late',
      startsAt: new Date(Date.now() + 30 * 60_000).toISOString(),
      endsAt: new Date(Date.now() + 90 * 60_000).toISOString(),
      capacity: 2,
    },
  });
  expect(opened.status()).toBe(201);

  await signIn(page, 'operator');
  await page.getByRole('menuitem', { name: '预约' }).click();
  await expect(page.getByRole('heading', { name: '预约服务（特殊办）' })).toBeVisible();
  const slot = page.getByRole('row', { name: /市住房和城乡建设局/ });
  await expect(slot).toContainText('延时办理');
  await expect(slot).toContainText('0 / 2');
  await slot.getByRole('button', { name: /^预约 / }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('市民手机号').fill('13966660001');
  await dialog.getByRole('button', { name: '确认预约' }).click();
  await expect(page.getByText(/已预约 .* 延时办理，已短信告知市民/)).toBeVisible();
  await expect(slot).toContainText('1 / 2');
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'appointments');

  // The window's clerk sees it in the week's list, the number masked, and records it kept.
  await page.getByRole('button', { name: '退出登录' }).click();
  await signIn(page, 'agent');
  await expect(page).not.toHaveURL(/\/login/);
  await page.getByRole('menuitem', { name: '预约' }).click();
  await page.getByRole('tab', { name: '预约名单' }).click();
  const booking = page.getByRole('row', { name: /\+86139\*\*\*\*0001/ });
  await expect(booking).toContainText('已预约');
  await booking.getByRole('button', { name: /已办理/ }).click();
  await expect(booking).toContainText('已办理');
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'appointment-list');
});
