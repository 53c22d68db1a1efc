import { expect, test } from '@playwright/test';
import { shanghaiDay } from '../../src/shared/time';
import { accessibilityProblems, shoot, signIn } from './helpers';

test('the duty chief opens a project ledger; A goes on leave and B, on duty, moves an approval and solves a problem', async ({ page }) => {
  await signIn(page, 'supervisor');
  await expect(page).not.toHaveURL(/\/login/);
  await page.getByRole('menuitem', { name: '帮办代办' }).click();
  await page.getByRole('menuitem', { name: '项目帮办' }).click();
  await expect(page.getByRole('heading', { name: '项目帮办（项目台账）' })).toBeVisible();
  await page.getByRole('button', { name: '新建项目台账' }).click();
  const dialog = page.getByRole('dialog', { name: '新建项目台账' });
  await dialog.getByLabel('项目名称').fill('年产10万套智能家居项目');
  await dialog.getByLabel('企业名称').fill('西山智造家居有限公司');
  await dialog.getByLabel('联系电话').fill('13866667777');
  const pick = async (label: string, person: string) => {
    await dialog.getByRole('combobox', { name: label }).click();
    await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${person}"]`).click();
  };
  await pick('全程代办员（A岗）', '张伟（住建局）');
  await pick('全程代办员（B岗）', '李军（住建局）');
  await pick('驻企服务员', '孙丽（城管局）');
  await dialog.getByRole('button', { name: '建立' }).click();
  await expect(page.getByRole('heading', { name: '年产10万套智能家居项目' })).toBeVisible();
  await expect(page.getByText('13866667777')).toBeVisible();

  // The approvals it needs, one already past its day.
  const add = page.getByRole('form', { name: '新增审批事项' });
  await add.getByRole('textbox', { name: '审批事项' }).fill('建设用地规划许可证');
  await add.getByRole('button', { name: '新增' }).click();
  await expect(page.getByRole('row', { name: /建设用地规划许可证/ })).toContainText('待办');

  // A goes on leave: B is on duty.
  const until = shanghaiDay(new Date(Date.now() + 3 * 86_400_000));
  await page.getByRole('textbox', { name: '张伟（住建局） 不在岗至' }).click();
  await page.locator(`.ant-picker-dropdown:visible td[title="${until}"]`).click();
  await expect(page.getByText(/不在岗至/).first()).toBeVisible();
  await expect(page.getByText(/全程代办员A 张伟（住建局） 不在岗/)).toBeVisible();
  expect(await accessibilityProblems(page)).toEqual([]);
  await page.getByRole('button', { name: '退出登录' }).click();

  // B acts: the approval moves, a problem is raised and solved, the stage moves on; outside the center the phone is masked.
  await signIn(page, 'zjj_agent');
  await expect(page).not.toHaveURL(/\/login/);
  await page.getByRole('menuitem', { name: '项目帮办' }).click();
  const row = page.getByRole('row', { name: /年产10万套智能家居项目/ });
  await expect(row).toContainText('A岗不在岗，B岗接办');
  await row.getByRole('link', { name: '年产10万套智能家居项目' }).click();
  await expect(page.getByText('13866667777')).toHaveCount(0);
  await page
    .getByRole('row', { name: /建设用地规划许可证/ })
    .getByRole('button', { name: '开始办理' })
    .click();
  await expect(page.getByRole('row', { name: /建设用地规划许可证/ })).toContainText('办理中');
  await page.getByRole('textbox', { name: '企业反映的问题' }).fill('项目用电报装进度慢');
  await page.getByRole('button', { name: '记录问题' }).click();
  await page.getByRole('searchbox', { name: '解决办法：项目用电报装进度慢' }).fill('供电公司开辟绿色通道');
  await page.getByRole('button', { name: '已解决' }).click();
  await expect(page.getByRole('listitem', { name: '项目用电报装进度慢' })).toContainText('已解决');
  await expect(page.getByText('李军（住建局）').first()).toBeVisible();
  await page.getByRole('button', { name: '进入项目建设阶段' }).click();
  await expect(page.getByRole('button', { name: '进入投产运营阶段' })).toBeVisible();
  await expect(page.getByText('进入项目建设阶段')).toBeVisible();
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'project-page');
});
