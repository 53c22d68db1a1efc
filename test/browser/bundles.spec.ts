import { expect, test, type APIRequestContext } from '@playwright/test';
import { accessibilityProblems, apiAuth, shoot, signIn } from './helpers';

test('the seat offers 企业开办 as one situation with one checklist, where the 身份证 four matters need is listed once', async ({
  page,
}) => {
  await signIn(page, 'proxy');
  await expect(page).not.toHaveURL(/\/login/);
  await page.getByRole('combobox', { name: '代办事项' }).click();
  await page.keyboard.type('企业开办（有');
  await page.locator('.ant-select-item-option[title="企业开办（有员工）"]').click();
  const checklist = page.getByRole('region', { name: '材料清单' });
  await expect(checklist).toContainText(
    '营业执照办理、公章刻制备案、涉税事项及发票申领、员工参保登记：一张告知单、一套材料（12 项精简为 7 项）',
  );
  await expect(checklist.getByRole('listitem').filter({ hasText: '法定代表人身份证' })).toHaveCount(1);
  await expect(checklist.getByRole('listitem').filter({ hasText: '法定代表人身份证' })).toContainText('4 个事项共用');
  await expect(checklist).toContainText('承诺时限1 个工作日');
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'seat-bundle');
});

/** A 企业开办 request dispatched to the county's runners, accepted, its mandate recorded (through the API). */
async function acceptedBundleOrder(request: APIRequestContext): Promise<number> {
  const seat = await apiAuth(request, 'proxy');
  const runner = await apiAuth(request, 'runner');
  const regions = (await (await request.get('/api/v1/regions', { headers: seat })).json()).items as Array<{ id: number; code: string }>;
  const made = await request.post('/api/v1/tickets', {
    headers: seat,
    data: {
      requestType: 'proxy',
      description: '新办建材公司，申请代办企业开办全部事项',
      regionId: regions.find((r) => r.code === '990121200201')!.id,
      caller: { phone: '13922226666', name: '刘老板' },
      proxy: { matter: '企业开办（有员工）', serviceMode: 'full_proxy', applicantAddress: '西山县石门乡工业园3号' },
      then: { action: 'dispatch' },
    },
  });
  expect(made.status()).toBe(201);
  const ticketId = ((await made.json()) as { id: number }).id;
  let orderId: number | undefined;
  await expect(async () => {
    const mine = (await (await request.get('/api/v1/proxy/orders?mine=true&status=offered', { headers: runner })).json()).items as Array<{
      id: number;
      ticketId: number;
    }>;
    orderId = mine.find((o) => o.ticketId === ticketId)?.id;
    expect(orderId).toBeDefined();
  }).toPass({ timeout: 20_000 });
  expect((await request.post(`/api/v1/proxy/orders/${orderId}/accept`, { headers: runner, data: {} })).status()).toBe(200);
  const mandate = await request.post(`/api/v1/proxy/orders/${orderId}/mandate`, {
    headers: runner,
    data: {
      consent: true,
      scope: ['collect_materials', 'submit', 'receive_result'],
      validUntil: '2099-12-31',
      signedBy: '刘老板',
      method: 'paper',
    },
  });
  expect(mandate.status()).toBe(200);
  expect((await request.post(`/api/v1/proxy/orders/${orderId}/consult`, { headers: runner, data: {} })).status()).toBe(200);
  return orderId!;
}

test('the runner collects the one checklist once, submits each of the four matters and records each result before delivering', async ({
  page,
  request,
}) => {
  const orderId = await acceptedBundleOrder(request);
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, 'runner');
  await expect(page).not.toHaveURL(/\/login/);
  await page.goto(`/runner/orders/${orderId}`);
  await expect(page.getByRole('heading', { name: '企业开办（有员工）・办理中' })).toBeVisible();
  await expect(page.getByText('企业开办一件事：营业执照办理、公章刻制备案、涉税事项及发票申领、员工参保登记')).toBeVisible();
  const idCard = page.locator('.ant-card .ant-card').filter({ hasText: '法定代表人身份证（原件 1 份）' });
  await expect(idCard).toContainText('营业执照办理、公章刻制备案、涉税事项及发票申领、员工参保登记共用，只收一次');
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'runner-bundle-checklist');

  for (const item of [
    '法定代表人身份证',
    '公司章程',
    '住所（经营场所）证明',
    '名称自主申报告知书',
    '营业执照副本',
    '银行开户信息',
    '参保人员名单',
  ]) {
    await page
      .getByRole('form', { name: `收取${item}` })
      .getByRole('button', { name: '收取' })
      .click();
    await expect(page.getByText('已记录').last()).toBeVisible();
  }

  const matters = ['营业执照办理', '公章刻制备案', '涉税事项及发票申领', '员工参保登记'];
  for (const [i, matter] of matters.entries()) {
    const form = page.getByRole('form', { name: `递交${matter}` });
    await form.getByRole('textbox', { name: `${matter}受理编号` }).fill(`QY2026-${i + 1}`);
    await form.getByRole('button', { name: '已递交' }).click();
    await expect(page.getByRole('listitem', { name: matter })).toContainText('已递交');
  }
  for (const matter of matters.slice(0, 3)) {
    await page.getByRole('button', { name: `${matter}已办结` }).click();
    await expect(page.getByRole('listitem', { name: matter })).toContainText('已办结');
  }
  // One matter still without its result: the delivery is not offered yet.
  await expect(page.getByRole('button', { name: '送达结果' })).toHaveCount(0);
  await page.getByRole('button', { name: '员工参保登记已办结' }).click();
  await expect(page.getByRole('button', { name: '送达结果' })).toBeVisible();
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'runner-bundle-results');
});

test('the duty chief reads what the bundles cut: materials asked once, one form for four', async ({ page, request }) => {
  await acceptedBundleOrder(request);
  await signIn(page, 'supervisor');
  await expect(page).not.toHaveURL(/\/login/);
  await page.goto('/reports?tab=outcomes');
  await expect(page.getByRole('tab', { name: '一件事·项目·政邮商', selected: true })).toBeVisible();
  await page.getByLabel('统计维度').getByText('事项', { exact: true }).click();
  const row = page.getByRole('row', { name: /企业开办（有员工）/ });
  await expect(row).toContainText(/(\d+) → (\d+)/);
  await expect(row).toContainText('41.7%');
  await expect(row).toContainText('75.0%');
  await page.getByLabel('专项').getByText('项目帮办', { exact: true }).click();
  await expect(page.getByRole('columnheader', { name: '按期率' })).toBeVisible();
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'report-outcomes');
});

test('an admin makes a new 一件事 from two matters in the console; a situation named like a matter is refused in Chinese, and the seat offers the new one', async ({
  page,
  browser,
}) => {
  await signIn(page, 'admin');
  await expect(page).not.toHaveURL(/\/login/);
  await page.goto('/admin/proxy');
  await page.getByRole('tab', { name: '一件事一次办' }).click();
  // The seeded bundles, with what the API computed of them.
  const founding = page.locator('.ant-card', { has: page.getByRole('heading', { name: '企业开办一件事' }) });
  await expect(founding.getByRole('row', { name: /企业开办（有员工）/ })).toContainText('12 项精简为 7 项');

  await page.getByRole('button', { name: '新增一件事' }).click();
  const editor = page.getByRole('dialog', { name: '新增一件事' });
  await editor.getByLabel('编码', { exact: true }).fill('ELDER_CARE');
  await editor.getByLabel('名称', { exact: true }).fill('老年人关爱一件事');
  await editor.getByLabel('情景编码').fill('ELDER_CARE_A');
  await editor.getByLabel('情景名称').fill('高龄补贴');
  await editor.getByLabel('情景 1 包含事项').click();
  for (const matter of ['老年人优待证', '高龄补贴']) {
    await page.keyboard.type(matter);
    await page.locator(`.ant-select-item-option[title="${matter}"]`).click();
  }
  await page.keyboard.press('Escape');
  await editor.getByRole('button', { name: '保存' }).click();
  // The API's refusal, as it comes: a situation may not take a matter's name.
  await expect(editor.getByRole('alert')).toContainText('「高龄补贴」（ELDER_CARE_A）已是某个事项的名称或编码');
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'admin-bundle-refused');

  await editor.getByLabel('情景名称').fill('老年人关爱（优待证与高龄补贴）');
  await editor.getByRole('button', { name: '保存' }).click();
  await expect(editor).toBeHidden();
  const created = page.locator('.ant-card', { has: page.getByRole('heading', { name: '老年人关爱一件事' }) });
  await expect(created.getByRole('row', { name: /老年人关爱（优待证与高龄补贴）/ })).toContainText('老年人优待证、高龄补贴');
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'admin-bundles');

  const seat = await (await browser.newContext()).newPage();
  await signIn(seat, 'proxy');
  await expect(seat).not.toHaveURL(/\/login/);
  await seat.getByRole('combobox', { name: '代办事项' }).click();
  await seat.keyboard.type('老年人关爱');
  await seat.locator('.ant-select-item-option[title="老年人关爱（优待证与高龄补贴）"]').click();
  await expect(seat.getByRole('region', { name: '材料清单' })).toContainText('老年人优待证、高龄补贴：一张告知单、一套材料');
});
