import { expect, test } from '@playwright/test';
import { accessibilityProblems, apiAuth, shoot, signIn } from './helpers';

// These change the hub's SLA settings for a moment (a seconds-long policy, a one-rung ladder) and put them back:
// they run after the other files (Playwright runs files in name order, one worker).

test('the alert center: a ticket past a short deadline reaches the supervisors as it happens, and is urged and supervised from there', async ({
  page,
  request,
}) => {
  const admin = await apiAuth(request, 'admin');
  const operator = await apiAuth(request, 'operator');
  // A one-rung ladder straight to the supervisors, and seconds to sign for an emergency: put back afterwards.
  const ladder = (await (await request.get('/api/v1/sla/alert-levels', { headers: admin })).json()).items as Array<Record<string, unknown>>;
  const levels = [{ level: 0, name: '超时督办', audience: 'supervisor', afterAmount: 0, afterUnit: 'natural_hours', sms: false }];
  expect((await request.put('/api/v1/sla/alert-levels', { headers: admin, data: { levels } })).status()).toBe(200);
  const policy = await request.post('/api/v1/sla/policies', {
    headers: admin,
    data: {
      name: '演练：紧急件3秒签收',
      stage: 'sign_for',
      requestType: null,
      urgency: 'emergency',
      categoryId: null,
      matter: null,
      amount: 0.001,
      unit: 'natural_hours',
      priority: 999,
    },
  });
  expect(policy.status()).toBe(201);
  const policyId = (await policy.json()).id as number;
  try {
    const departments = (await (await request.get('/api/v1/departments', { headers: admin })).json()).items as Array<{
      id: number;
      code: string;
    }>;
    const made = await request.post('/api/v1/tickets', {
      headers: operator,
      data: {
        requestType: 'help',
        urgency: 'emergency',
        description: '东华小区燃气泄漏气味明显，请立即处置。',
        caller: { phone: '13812340099' },
        then: { action: 'dispatch', departmentId: departments.find((d) => d.code === 'ZJJ')!.id },
      },
    });
    expect(made.status()).toBe(201);
    const number = (await made.json()).number as string;

    await signIn(page, 'supervisor');
    await page.getByRole('menuitem', { name: '告警中心' }).click();
    const row = page.getByRole('row', { name: new RegExp(number) });
    await expect(row).toBeVisible({ timeout: 20_000 });
    await expect(row).toContainText('超时督办');
    await expect(row).toContainText('仍超时');
    expect(await accessibilityProblems(page)).toEqual([]);

    await row.getByRole('button', { name: '催办' }).click();
    await expect(page.getByText(`工单 ${number}：已催办`)).toBeVisible();
    await expect(row).toContainText('催办1次');
    await row.getByRole('button', { name: '督办' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '督办' }).click();
    await expect(page.getByText(`工单 ${number}：已督办`)).toBeVisible();
    await expect(row).toContainText('已督办');
    await expect(page.getByRole('dialog')).toBeHidden();
    await shoot(page, 'alerts');

    // What else awaits a supervisor is a click away, with its count: the returns to review, in 待办队列.
    await page.getByRole('link', { name: /^待审核退单 \d+ 件$/ }).click();
    await expect(page).toHaveURL(/\/queues\?tab=returns$/);
    await expect(page.getByRole('tab', { name: /退单审核/, selected: true })).toBeVisible();
  } finally {
    await request.put('/api/v1/sla/alert-levels', { headers: admin, data: { levels: ladder } });
    await request.delete(`/api/v1/sla/policies/${policyId}`, { headers: admin });
  }
});

test('reports: a department’s return rate over the period opens the very ticket behind it, and the table downloads as CSV', async ({
  page,
  request,
}) => {
  const [operator, agent] = [await apiAuth(request, 'operator'), await apiAuth(request, 'agent')];
  const departments = (await (await request.get('/api/v1/departments', { headers: operator })).json()).items as Array<{
    id: number;
    code: string;
  }>;
  const made = await request.post('/api/v1/tickets', {
    headers: operator,
    data: {
      requestType: 'complaint',
      description: '河道边违章搭建的棚屋影响行洪。',
      caller: { phone: '13812340101' },
      then: { action: 'dispatch', departmentId: departments.find((d) => d.code === 'ZJJ')!.id },
    },
  });
  const ticket = (await made.json()) as { id: number; number: string };
  const returned = await request.post(`/api/v1/tickets/${ticket.id}/return`, {
    headers: agent,
    data: { reasonCode: 'not_our_duty', reason: '河道管理属水务局职责。' },
  });
  expect(returned.status()).toBe(200);

  await signIn(page, 'supervisor');
  await page.getByRole('menuitem', { name: '统计报表' }).click();
  // The list the supervisor lands on has rows with the department too: find the row once the reports are there.
  await expect(page.getByRole('heading', { name: '统计报表' })).toBeVisible();
  await expect(page).toHaveURL(/\/reports$/);
  const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name: '市住房和城乡建设局', exact: true }) });
  await expect(row).toBeVisible();
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'reports');
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: '导出 CSV' }).click();
  const file = await (await download).path();
  const text = (await import('node:fs')).readFileSync(file, 'utf8');
  expect(text).toContain('市住房和城乡建设局');

  await row.getByRole('button', { name: /退单率：退单的工单/ }).click();
  const drawer = page.getByRole('dialog');
  await expect(drawer.getByRole('link', { name: ticket.number })).toBeVisible();
  await drawer.getByRole('link', { name: ticket.number }).click();
  await expect(page).toHaveURL(new RegExp(`/tickets/${ticket.id}$`));
});

test('the deadline, returns and 代办 reports: a department’s returns and a matter’s orders open exactly their tickets', async ({
  page,
  request,
}) => {
  const [operator, agent, proxySeat] = [
    await apiAuth(request, 'operator'),
    await apiAuth(request, 'agent'),
    await apiAuth(request, 'proxy'),
  ];
  const get = async (path: string, headers = operator) => (await request.get(path, { headers })).json();
  const departments = (await get('/api/v1/departments')).items as Array<{ id: number; code: string }>;
  const regions = (await get('/api/v1/regions')).items as Array<{ id: number; code: string }>;
  // A return from 住建局 …
  const made = await request.post('/api/v1/tickets', {
    headers: operator,
    data: {
      requestType: 'complaint',
      description: '小区门口的下水井盖缺失，夜里很危险。',
      caller: { phone: '13812340202' },
      then: { action: 'dispatch', departmentId: departments.find((d) => d.code === 'ZJJ')!.id },
    },
  });
  const returned = (await made.json()) as { id: number; number: string };
  const back = await request.post(`/api/v1/tickets/${returned.id}/return`, {
    headers: agent,
    data: { reasonCode: 'wrong_region', reason: '井盖属城管局管养。' },
  });
  expect(back.status()).toBe(200);
  // … and a 代办 order for 残疾证.
  const proxyTicket = (await (
    await request.post('/api/v1/tickets', {
      headers: proxySeat,
      data: {
        requestType: 'proxy',
        description: '行动不便，申请代办残疾证',
        regionId: regions.find((r) => r.code === '990121100001')!.id,
        caller: { phone: '13812340303', name: '钱大妈' },
        proxy: { matter: '残疾证', serviceMode: 'home_assistance', applicantAddress: '西山县城关镇城关社区3栋' },
        then: { action: 'dispatch' },
      },
    })
  ).json()) as { id: number; number: string };
  expect(proxyTicket.number).toBeTruthy();
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  await expect
    .poll(async () =>
      (await get(`/api/v1/proxy/report?groupBy=matter&from=${today}&to=${today}`, proxySeat)).items.map((r: { name: string }) => r.name),
    )
    .toContain('残疾证');

  await signIn(page, 'supervisor');
  await expect(page).not.toHaveURL(/\/login/);
  await page.goto('/reports?tab=sla');
  await expect(page.getByRole('tab', { name: '办理时限', selected: true })).toBeVisible();
  await expect(page.getByRole('row').filter({ has: page.getByRole('cell', { name: '热线中心', exact: true }) })).toBeVisible();
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'reports-sla');

  await page.getByRole('tab', { name: '退单' }).click();
  await expect(page).toHaveURL(/tab=returns/);
  const housing = page.getByRole('row').filter({ has: page.getByRole('cell', { name: '市住房和城乡建设局', exact: true }) });
  await housing.getByRole('button', { name: /^市住房和城乡建设局退单：/ }).click();
  const drawer = page.getByRole('dialog', { name: /市住房和城乡建设局・退单的工单/ });
  await expect(drawer.getByRole('link', { name: returned.number })).toBeVisible();
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'reports-returns');
  await drawer.getByRole('button', { name: '关闭' }).click();

  await page.getByRole('tab', { name: '帮办代办' }).click();
  const disability = page.getByRole('row').filter({ has: page.getByRole('cell', { name: '残疾证', exact: true }) });
  await disability.getByRole('button', { name: /^残疾证代办单：/ }).click();
  const orders = page.getByRole('dialog', { name: /残疾证・代办单/ });
  await expect(orders.getByRole('link', { name: proxyTicket.number })).toBeVisible();
  await orders.getByRole('link', { name: proxyTicket.number }).click();
  await expect(page).toHaveURL(new RegExp(`/tickets/${proxyTicket.id}$`));
});

test('the report downloads as an Excel workbook, and last month’s 通报 is a printable page with the 三率, the rankings and the overdue list', async ({
  page,
}) => {
  await signIn(page, 'director');
  await expect(page).toHaveURL(/\/board$/);
  await expect(page.getByText(/承办单位分档排名/)).toBeVisible();
  await page.getByRole('menuitem', { name: '统计报表' }).click();
  await expect(page.getByRole('heading', { name: '统计报表' })).toBeVisible();
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: '导出 Excel' }).click();
  const workbook = (await import('node:fs')).readFileSync((await (await download).path())!);
  expect(workbook.subarray(0, 2).toString()).toBe('PK'); // a zip: the xlsx container
  expect((await download).suggestedFilename()).toMatch(/^kpis-department-.*\.xlsx$/);

  await page.getByRole('link', { name: '月度/季度通报' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /12345政务服务便民热线\d{4}年\d{1,2}月工作通报/ })).toBeVisible();
  for (const part of ['一、受理情况', '二、办理质量（三率）', '三、承办单位分档排名', '四、办理时长较长的单位', '五、当前超期工单'])
    await expect(page.getByRole('heading', { name: new RegExp(part.replace(/[（）]/g, '.')) })).toBeVisible();
  await expect(page.getByText('满意率').first()).toBeVisible();
  await page.locator('.ant-segmented-item', { hasText: '季度' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /季度工作通报/ })).toBeVisible();
  expect(await accessibilityProblems(page)).toEqual([]);
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('button', { name: '打印' })).toBeHidden(); // only the bulletin is printed
  await shoot(page, 'bulletin');
});

test('an extension request waits in the alert center, and a supervisor approves it there: the reply deadline moves to the date asked', async ({
  page,
  request,
}) => {
  const [operator, agent] = [await apiAuth(request, 'operator'), await apiAuth(request, 'agent')];
  const departments = (await (await request.get('/api/v1/departments', { headers: operator })).json()).items as Array<{
    id: number;
    code: string;
  }>;
  const made = await request.post('/api/v1/tickets', {
    headers: operator,
    data: {
      requestType: 'complaint',
      description: '老旧小区外墙脱落，需要协调维修资金。',
      then: { action: 'dispatch', departmentId: departments.find((d) => d.code === 'ZJJ')!.id },
    },
  });
  const ticket = (await made.json()) as { id: number; number: string };
  expect((await request.post(`/api/v1/tickets/${ticket.id}/sign-for`, { headers: agent, data: {} })).status()).toBe(200);
  const asked = new Date(Date.now() + 20 * 86_400_000);
  asked.setUTCSeconds(0, 0);
  const requested = await request.post(`/api/v1/tickets/${ticket.id}/request-extension`, {
    headers: agent,
    data: { reason: '维修资金需业主表决', requestedDueAt: asked.toISOString() },
  });
  expect(requested.status()).toBe(200);

  await signIn(page, 'supervisor');
  await page.getByRole('menuitem', { name: '告警中心' }).click();
  await expect(page.getByRole('heading', { name: /待审批的延期申请/ })).toBeVisible();
  const row = page.getByRole('row', { name: new RegExp(ticket.number) }).filter({ hasText: '维修资金需业主表决' });
  await expect(row).toBeVisible();
  expect(await accessibilityProblems(page)).toEqual([]);
  await row.getByRole('button', { name: `批准工单 ${ticket.number} 延期` }).click();
  await expect(row).toBeHidden();
  const clocks = (await (await request.get(`/api/v1/tickets/${ticket.id}/clocks`, { headers: operator })).json()).items as Array<{
    stage: string;
    state: string;
    dueAt: string;
  }>;
  expect(new Date(clocks.find((c) => c.stage === 'reply' && c.state === 'running')!.dueAt).getTime()).toBe(asked.getTime());
});
