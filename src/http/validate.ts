import { z } from 'zod';
import { AppError } from '../shared/errors';
import { findUncleanText } from './text-hygiene';

// zod's own messages (a wrong type, a value too long, an unknown key) in Chinese, like every refusal.
z.config(z.locales.zhCN());

/** Which part of a request a refusal is about, in its words. */
const partLabels: Record<string, string> = { body: '请求体', query: '查询参数', path: '路径参数' };

/**
 * The one way an outside input is checked: the parsed value, or a 400 that names every issue
 * (`where` says which part of the request: body, query, path, or a provider's webhook).
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const unclean = findUncleanText(value);
  if (unclean) {
    const path = [where, ...unclean].join('.');
    const message = '含有 NUL 等控制字符，或不是有效的 Unicode';
    throw new AppError('VALIDATION_FAILED', `${partLabels[where] ?? where}有误：${path}：${message}`, {
      issues: [{ path, message, code: 'invalid_text' }],
    });
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
    code: issue.code,
  }));
  const summary = issues
    .slice(0, 3)
    .map((issue) => `${issue.path}：${issue.message}`)
    .join('；');
  throw new AppError('VALIDATION_FAILED', `${partLabels[where] ?? where}有误：${summary}`, { issues });
}

/** An instant in an answer, as JSON carries it: ISO 8601 with its offset. */
export const instant = z.iso.datetime({ offset: true });

/** A calendar day, YYYY-MM-DD, that exists. */
export const daySchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式为 YYYY-MM-DD')
  .refine(
    (value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value),
    '不是有效的日期',
  );

/** A report's period in Beijing days, `to` inclusive: from ≤ to. Extend it with a query's other fields. */
export const periodQuery = <S extends z.ZodRawShape>(shape: S) =>
  z
    .strictObject({ ...shape, from: daySchema, to: daySchema })
    .refine((q) => (q as { from: string }).from <= (q as { to: string }).to, { message: '开始日期不能晚于结束日期', path: ['to'] });

/** The instants a period of Beijing days covers: [from 00:00, the day after to 00:00). */
export function beijingDays(period: { from: string; to: string }): { from: Date; to: Date } {
  return { from: new Date(`${period.from}T00:00:00+08:00`), to: new Date(new Date(`${period.to}T00:00:00+08:00`).getTime() + 86_400_000) };
}
