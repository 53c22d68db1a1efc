import { expect, test } from '@playwright/test';
import { accessibilityProblems, apiAuth, shoot, signIn } from './helpers';

test('the proxy seat flags an elderly caller with her consent, and her 代办 is offered at home first', async ({ page, request }) => {
  // She has called before.
  const operator = await apiAuth(request, 'operator');
  const before = await request.post('/api/v1/tickets', {
    headers: operator,
    data: { requestType: 'consult', description: '老年人优待证在哪里办？', caller: { phone: '13912349001', name: '刘奶奶' } },
  });
  expect(before.status()).toBe(201);

  await signIn(page, 'proxy');
  await expect(page.getByLabel('来电号码')).toBeFocused();
  await page.getByLabel('来电号码').fill('13912349001');
  const panel = page.getByRole('region', { name: '来电人' });
  await expect(panel.getByText('刘奶奶')).toBeVisible();
  await panel.getByRole('button', { name: '登记特殊群体' }).click();
  const dialog = page.getByRole('dialog', { name: '登记特殊群体' });
  await dialog.getByRole('button', { name: '登记' }).click();
  await expect(dialog.getByText('请选择类别')).toBeVisible();
  await dialog.getByLabel('高龄老人').check();
  await dialog.getByLabel('电话中口头同意（有录音）').check();
  await dialog.getByRole('button', { name: '登记' }).click();
  await expect(page.getByText('已登记特殊群体')).toBeVisible();
  await expect(panel.getByText('高龄老人')).toBeVisible();

  // Her 代办: home assistance is chosen for her, and the seat is told why.
  await page.getByRole('combobox', { name: '代办事项' }).click();
  await page.keyboard.type('优待证');
  await page.locator('.ant-select-item-option[title="老年人优待证"]').click();
  await expect(page.getByText('来电人为特殊群体（高龄老人），优先提供上门服务')).toBeVisible();
  await expect(page.getByRole('radio', { name: '上门辅助' })).toBeChecked();
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'seat-vulnerable');
});
