import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import sharp from 'sharp';
import twilio from 'twilio';
import { fakeTwilio, mmsPhotoPath } from './fake-twilio-account';
import { accessibilityProblems, apiAuth, shoot, signIn } from './helpers';

/** A staff session for API calls beside the browser (setting up, and checking what another department gets). */
async function staff(request: APIRequestContext, username: string) {
  const headers = await apiAuth(request, username);
  return {
    get: (url: string) => request.get(url, { headers }),
    post: async (url: string, data: object) => {
      const answer = await request.post(url, { headers, data });
      expect(answer.status(), `${url}: ${await answer.text()}`).toBeLessThan(300);
      return answer.json();
    },
    patch: (url: string, data: object) => request.patch(url, { headers, data }),
  };
}

const departmentId = async (request: APIRequestContext, code: string) => {
  const admin = await staff(request, 'admin');
  const items = (await (await admin.get('/api/v1/departments')).json()).items as Array<{ id: number; code: string }>;
  return items.find((d) => d.code === code)!.id;
};

/** What the fake Twilio sent this number, oldest first. */
async function smsTo(request: APIRequestContext, phone: string): Promise<string[]> {
  const auth = `Basic ${Buffer.from(`${fakeTwilio.accountSid}:${fakeTwilio.authToken}`).toString('base64')}`;
  const listed = await request.get(
    `${fakeTwilio.url}/2010-04-01/Accounts/${fakeTwilio.accountSid}/Messages.json?To=${encodeURIComponent(phone)}`,
    { headers: { authorization: auth } },
  );
  return ((await listed.json()).messages as Array<{ body: string }>).map((m) => m.body).reverse();
}

/** A citizen's MMS, as Twilio posts it: a text and the photo the fake account holds. */
async function citizenMms(page: Page, request: APIRequestContext, from: string, body: string) {
  const params = {
    MessageSid: `MM${Date.now()}${'0'.repeat(19)}`.slice(0, 34),
    AccountSid: fakeTwilio.accountSid,
    From: from,
    To: fakeTwilio.from,
    Body: body,
    NumMedia: '1',
    MediaUrl0: `${fakeTwilio.url}${mmsPhotoPath}`,
    MediaContentType0: 'image/jpeg',
  };
  const url = new URL('/webhooks/twilio/sms', page.url()).toString();
  const signature = twilio.getExpectedTwilioSignature(fakeTwilio.authToken, url, params);
  expect((await request.post('/webhooks/twilio/sms', { form: params, headers: { 'x-twilio-signature': signature } })).status()).toBe(200);
}

test('an agent signs for a ticket from the queue, returns another with a reason, and answers an SMS citizen with a photo: the citizen gets the answer, then the survey; the citizen’s photo is theirs and 404 to another department', async ({
  page,
  request,
}, testInfo) => {
  const zjj = await departmentId(request, 'ZJJ');
  const operator = await staff(request, 'operator');
  const admin = await staff(request, 'admin');
  // The survey follows the answer at once, whatever the hour (the tests run at night too).
  expect((await admin.patch('/api/v1/callbacks/settings', { delayMinutes: 0, quietHours: { from: '00:00', to: '00:00' } })).status()).toBe(
    200,
  );

  // A citizen texts a photo; the center sends the ticket to 住建局. Another ticket goes there by phone.
  await page.goto('/login');
  const citizen = '+8613900000023';
  await citizenMms(page, request, citizen, '小区3号楼外墙瓷砖脱落，砸坏了电动车，见照片。');
  let smsTicket: { id: number; number: string } | undefined;
  await expect(async () => {
    const found = (await (await operator.get('/api/v1/tickets?q=外墙瓷砖脱落&limit=1')).json()).items[0];
    expect(found).toBeDefined();
    smsTicket = found;
  }).toPass({ timeout: 15_000 });
  await operator.post(`/api/v1/tickets/${smsTicket!.id}/dispatch`, { departmentId: zjj });
  const phoned = await operator.post('/api/v1/tickets', {
    requestType: 'complaint',
    description: '工地夜间施工噪音扰民，已持续一周。',
    caller: { phone: '13812340023', name: '钱女士' },
    then: { action: 'dispatch', departmentId: zjj },
  });

  await signIn(page, 'agent');
  await expect(page).toHaveURL(/\/workbench/);
  await expect(page.getByRole('tab', { name: /待签收/ })).toBeVisible();
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'workbench');

  // 签收 from the queue: the ticket opens from its row.
  await page.getByRole('link', { name: smsTicket!.number }).click();
  await page.getByRole('button', { name: '签收', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: '确定' }).click();
  await expect(page.getByText('签收：已完成')).toBeVisible();
  await expect(page.getByText('办理中', { exact: true }).first()).toBeVisible();

  // The citizen's photo is on the ticket, fetched from the provider and kept by the hub.
  await page.getByRole('tab', { name: /照片与附件/ }).click();
  const citizenPhoto = page.getByRole('img', { name: /^照片：市民/ });
  await expect(citizenPhoto).toBeVisible();
  const src = (await citizenPhoto.getAttribute('src'))!;
  const mediaId = Number(/\/api\/v1\/media\/(\d+)/.exec(src)![1]);

  // 答复 with the result and a photo of what was done.
  await page.getByRole('button', { name: '答复', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('答复内容').fill('已联系物业对3号楼外墙进行排查，脱落瓷砖已清理并设置警示围挡，维修将于本周内完成。');
  await dialog.getByRole('radio', { name: '已解决' }).check();
  fs.mkdirSync(testInfo.outputDir, { recursive: true });
  const done = path.join(testInfo.outputDir, '整改后.jpg');
  await sharp({ create: { width: 800, height: 600, channels: 3, background: { r: 60, g: 160, b: 90 } } })
    .jpeg()
    .toFile(done);
  await dialog.locator('input[type=file]').setInputFiles(done);
  await expect(dialog.locator('.ant-upload-list-item-done, .ant-upload-list-item:not(.ant-upload-list-item-uploading)')).toHaveCount(1);
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'reply-with-photo');
  await dialog.getByRole('button', { name: '确定' }).click();
  await expect(page.getByText('答复：已完成')).toBeVisible();
  await expect(page.locator('.ant-descriptions').getByText('已解决', { exact: true })).toBeVisible();
  await expect(page.getByRole('img', { name: /^照片：承办单位・张伟/ })).toBeVisible();
  await expect(page.getByRole('dialog')).toBeHidden();
  await shoot(page, 'ticket-media');

  // The citizen gets the answer itself, then the survey — in that order.
  await expect(async () => {
    const texts = await smsTo(request, citizen);
    const answer = texts.findIndex((text) => text.includes('脱落瓷砖已清理'));
    const survey = texts.findIndex((text) => text.includes('进行回访'));
    expect(answer).toBeGreaterThanOrEqual(0);
    expect(texts[answer]).toContain('维修将于本周内完成。稍后将回访您');
    expect(survey, JSON.stringify(texts)).toBeGreaterThan(answer);
  }).toPass({ timeout: 20_000 });

  // Another department gets nothing of it: the photo is 404 to them, and to no one signed out.
  const other = await staff(request, 'cg_agent');
  expect((await other.get(`/api/v1/media/${mediaId}`)).status()).toBe(404);
  expect((await (await staff(request, 'agent')).get(`/api/v1/media/${mediaId}`)).status()).toBe(200);

  // 退单 of the other ticket, with the reason code and text, while its window runs.
  await page.goto(`/tickets/${phoned.id as number}`);
  await page.getByRole('button', { name: '退单', exact: true }).click();
  const back = page.getByRole('dialog');
  await expect(back.getByText('退单时限')).toBeVisible();
  await expect(back.getByText(/剩余 2[34]小时|剩余 1天/)).toBeVisible();
  await back.getByRole('radio', { name: '不属本单位职责' }).check();
  await back.getByLabel('退单说明').fill('夜间施工噪音属生态环境局职责，请改派。');
  await back.getByRole('button', { name: '确定' }).click();
  await expect(page.getByText('退单：已完成')).toBeVisible();
  await expect(page.getByText('已退单', { exact: true }).first()).toBeVisible();
});

test('the head assigns three tickets at once to one agent, seeing each person’s load', async ({ page, request }) => {
  const zjj = await departmentId(request, 'ZJJ');
  const operator = await staff(request, 'operator');
  const numbers: string[] = [];
  for (const place of ['东华路12号', '滨河小区5栋', '西山街道办旁']) {
    const made = await operator.post('/api/v1/tickets', {
      requestType: 'complaint',
      description: `${place}人行道地砖破损，行人易绊倒。`,
      then: { action: 'dispatch', departmentId: zjj },
    });
    numbers.push(made.number as string);
  }

  await signIn(page, 'head');
  await expect(page).toHaveURL(/\/workbench/);
  const load = page.getByRole('region', { name: '人员负荷' });
  await expect(load.getByText('李军（住建局）')).toBeVisible();
  const openBefore = Number(await load.getByRole('row', { name: /李军/ }).getByRole('cell').nth(1).textContent());

  for (const number of numbers)
    await page
      .getByRole('row', { name: new RegExp(number) })
      .getByRole('checkbox')
      .check();
  await expect(page.getByText('已选 3 件')).toBeVisible();
  expect(await accessibilityProblems(page)).toEqual([]);
  await page.getByLabel('分配给').click();
  await page.locator('.ant-select-item-option').filter({ hasText: '李军（住建局）' }).click();
  await page.getByRole('button', { name: '分配', exact: true }).click();
  await expect(page.getByText('已将 3 件分配给 李军（住建局）')).toBeVisible();
  for (const number of numbers) await expect(page.getByRole('row', { name: new RegExp(number) })).toContainText('李军（住建局）');
  await expect(load.getByRole('row', { name: /李军/ }).getByRole('cell').nth(1)).toHaveText(String(openBefore + 3));
  await shoot(page, 'workbench-head');
});

test.describe('on a runner’s phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test('a runner accepts an offer and completes the order through all six steps, with a 容缺 item', async ({ page, request }) => {
    const proxy = await staff(request, 'proxy');
    const admin = await staff(request, 'admin');
    const regions = (await (await admin.get('/api/v1/regions')).json()).items as Array<{ id: number; code: string }>;
    const made = await proxy.post('/api/v1/tickets', {
      requestType: 'proxy',
      description: '老人行动不便，申请代办老年人优待证。',
      regionId: regions.find((r) => r.code === '990121200201')!.id,
      caller: { phone: '13911110023', name: '周大爷' },
      proxy: { matter: '老年人优待证', serviceMode: 'full_proxy', applicantAddress: '西山县石门乡石门村5组' },
      then: { action: 'dispatch' },
    });

    await signIn(page, 'runner');
    await expect(page).toHaveURL(/\/runner/);
    const offer = page.getByRole('listitem', { name: `订单 ${made.number as string}` });
    await expect(offer).toBeVisible({ timeout: 15_000 });
    await expect(offer.getByText(/剩余/)).toBeVisible();
    await expect(offer.getByRole('link', { name: /石门村5组（地图）/ })).toHaveAttribute('href', /uri\.amap\.com/);
    expect(await accessibilityProblems(page)).toEqual([]);
    await shoot(page, 'runner-offers');
    await offer.getByRole('button', { name: '接单' }).click();
    await expect(page.getByText('已接单')).toBeVisible();

    await page.locator('.ant-segmented-item').filter({ hasText: '进行中' }).click();
    await page
      .getByRole('link', { name: /老年人优待证/ })
      .first()
      .click();
    await expect(page.getByRole('heading', { name: /老年人优待证・办理中/ })).toBeVisible();

    // 1 咨询告知
    await page.getByRole('button', { name: '发送一次性告知单（短信）' }).click();
    await expect(page.getByText('已记录')).toBeVisible();
    // 2 授权委托
    await page.getByRole('checkbox', { name: '申请人已同意委托' }).check();
    await page.getByRole('checkbox', { name: '收取材料' }).check();
    await page.getByRole('checkbox', { name: '递交申请' }).check();
    await page.getByRole('checkbox', { name: '领取结果' }).check();
    await page.getByLabel('有效期至').click();
    await page.locator('.ant-picker-cell-in-view').last().click();
    await page.getByLabel('委托人签名').fill('周大爷');
    await page.getByRole('radio', { name: '纸质签字' }).check();
    await page.getByRole('button', { name: '记录委托' }).click();
    await expect(page.getByRole('form', { name: '收取身份证' })).toBeVisible();
    // 3 帮办代办: the ID card and the household register in hand; the photos follow later (容缺).
    await page.getByRole('form', { name: '收取身份证' }).getByRole('button', { name: '收取' }).click();
    await expect(page.getByText('已收 1 份').first()).toBeVisible();
    await page.getByRole('form', { name: '收取户口簿' }).getByRole('button', { name: '收取' }).click();
    const defer = page.getByRole('form', { name: '容缺一寸照片' });
    await defer.getByLabel('一寸照片承诺补齐日期').click();
    await page.locator('.ant-picker-dropdown:visible .ant-picker-cell-in-view').last().click();
    await defer.getByRole('button', { name: '容缺受理' }).click();
    await expect(page.getByText(/容缺，承诺/)).toBeVisible();
    expect(await accessibilityProblems(page)).toEqual([]);
    await shoot(page, 'runner-order');
    // 4 协调办理
    await page.getByLabel('受理编号').fill('LN2026120400023');
    await page.getByRole('button', { name: '已递交' }).click();
    // 5 跟踪反馈
    await page.getByLabel('办理进度（发给申请人）').fill('材料已递交民政局窗口，预计3个工作日内办结。');
    await page.getByRole('button', { name: '反馈进度' }).click();
    // 6 评价归档
    await page.getByRole('button', { name: '送达结果' }).click();
    await expect(page.getByRole('heading', { name: /老年人优待证・已完成/ })).toBeVisible();
    await shoot(page, 'runner-done');
  });
});
