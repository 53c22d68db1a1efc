import { expect, test } from '@playwright/test';
import { idCheckCharacter } from '../../src/proactive/register';
import { accessibilityProblems, shoot, signIn } from './helpers';

const idOf = (birth: string, sequence: string) => {
  const first17 = `430725${birth.replaceAll('-', '')}${sequence}`;
  return first17 + idCheckCharacter(first17);
};

test('the proxy seat imports the resident register, runs the matching, and reads the proactive orders per matter and township', async ({
  page,
}) => {
  const register = [
    '身份证号,姓名,手机号,住址,所在地区,残疾等级,特困人员,身份证有效期至,已故',
    `${idOf('1958-04-12', '211')},黄桂英,13907361001,城关社区12栋,990121100001,,否,长期,否`,
    `${idOf('1941-10-03', '213')},陈德福,,石门村3组,石门村,,否,长期,否`,
    `${idOf('1995-06-30', '222')},林小燕,13907361003,南街社区6号,990121100002,,否,2040-01-01,否`,
    `${idOf('1949-01-01', '231')},无此人,,火星村,火星村,,否,,否`,
  ].join('\n');

  await signIn(page, 'proxy');
  await page.getByRole('menuitem', { name: '主动代办' }).click();
  await expect(page.getByRole('heading', { name: '主动代办（未诉先办）' })).toBeVisible();
  await page.locator('input[type=file]').setInputFiles({ name: '西山县户籍底册.csv', mimeType: 'text/csv', buffer: Buffer.from(register) });
  const result = page.getByRole('status').filter({ hasText: '已导入' });
  await expect(result).toContainText('已导入 3 人，1 行未导入');
  await expect(result).toContainText('第 5 行：所在地区「火星村」不存在');
  const imported = page.getByRole('row', { name: /西山县户籍底册\.csv/ });
  await expect(imported).toContainText('公安户籍');
  await expect(imported).toContainText('李娜（代办专席）');
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'proactive-register');

  await page.getByRole('tab', { name: '认定规则' }).click();
  await expect(page.getByRole('row', { name: /老年人优待证/ })).toContainText('年满60周岁');
  await expect(page.getByRole('row', { name: /高龄补贴/ })).toContainText('年满80周岁');

  await page.getByRole('tab', { name: '办理统计' }).click();
  await page.getByRole('button', { name: '立即匹配' }).click();
  await expect(page.getByText(/匹配完成：新建主动代办 3 件/)).toBeVisible();
  await expect(page.getByRole('row', { name: /老年人优待证\s*城关镇/ })).toContainText('1');
  await expect(page.getByRole('row', { name: /高龄补贴\s*石门乡/ })).toBeVisible();
  expect(await accessibilityProblems(page)).toEqual([]);
  await shoot(page, 'proactive-report');
});
