import type { Queryable } from '../db/db';
import { cellDay as dayOf, cellText as text, type TableCell as Cell } from '../http/table-file';
import type { ArticleFields } from './articles.repository';

/**
 * Existing knowledge, brought in as a table (CSV in UTF-8, or an Excel workbook's first sheet): one
 * article a row, the first row naming the columns in Chinese or English. Each row is checked on its
 * own; what is refused is reported with its row number and why, and the rest is written.
 */
const columnNames: Record<keyof ArticleFields, string[]> = {
  title: ['标题', 'title'],
  body: ['内容', '答复口径', '正文', 'body'],
  categoryId: ['分类', 'category'],
  regionIds: ['适用地区', '地区', 'regions'],
  departmentId: ['负责单位', '部门', 'department'],
  effectiveFrom: ['生效日期', 'effective_from', 'effectiveFrom'],
  expiresOn: ['有效期至', '失效日期', 'expires_on', 'expiresOn'],
  source: ['依据', '来源', 'source'],
};
export const importColumns = Object.values(columnNames).map((names) => names[0]!);

export interface ImportRefusal {
  row: number;
  reason: string;
}

const listOf = (cell: Cell | undefined) =>
  text(cell)
    .split(/[、,，;；\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/** The names and codes a cell may give for a category, place or department, each to its id. */
export async function referenceNames(db: Queryable) {
  const [categories, regions, departments] = await Promise.all([
    db('categories').select('id', 'code', 'name').where({ active: true }),
    db('regions').select('id', 'code', 'name'),
    db('departments').select('id', 'code', 'name').where({ active: true }),
  ]);
  const index = (rows: Array<{ id: number; code: string; name: string }>) => {
    const byName = new Map<string, number | null>();
    for (const r of rows) {
      byName.set(r.code, r.id);
      // A name two rows share is ambiguous: the file must give the code.
      byName.set(r.name, byName.has(r.name) && byName.get(r.name) !== r.id ? null : r.id);
    }
    return byName;
  };
  return { categories: index(categories), regions: index(regions), departments: index(departments) };
}

/** The rows as articles, or why each refused one cannot be: the header names the columns. */
export function readArticles(
  rows: Cell[][],
  names: Awaited<ReturnType<typeof referenceNames>>,
): { articles: Array<{ row: number; fields: ArticleFields }>; refused: ImportRefusal[] } {
  const [header = [], ...body] = rows;
  const at = new Map<keyof ArticleFields, number>();
  header.forEach((cell, i) => {
    const name = text(cell);
    for (const [field, aliases] of Object.entries(columnNames)) if (aliases.includes(name)) at.set(field as keyof ArticleFields, i);
  });
  if (!at.has('title') || !at.has('body'))
    return {
      articles: [],
      refused: [{ row: 1, reason: `第一行是列名，须有“标题”和“内容”（可用列：${importColumns.join('、')}）` }],
    };
  const articles: Array<{ row: number; fields: ArticleFields }> = [];
  const refused: ImportRefusal[] = [];
  body.forEach((cells, i) => {
    const row = i + 2;
    const cell = (field: keyof ArticleFields) => (at.has(field) ? cells[at.get(field)!] : undefined);
    const problems: string[] = [];
    const lookUp = (field: 'categoryId' | 'departmentId', map: Map<string, number | null>, what: string) => {
      const value = text(cell(field));
      if (!value) return null;
      const id = map.get(value);
      if (id === undefined) problems.push(`${what}「${value}」不存在`);
      else if (id === null) problems.push(`${what}「${value}」有重名，请填写编码`);
      return id ?? null;
    };
    const title = text(cell('title'));
    const content = text(cell('body'));
    if (title.length < 2 || title.length > 200) problems.push('标题须为 2–200 个字符');
    if (content.length < 1 || content.length > 20_000) problems.push('内容须为 1–20,000 个字符');
    const categoryId = lookUp('categoryId', names.categories, '分类');
    const departmentId = lookUp('departmentId', names.departments, '负责单位');
    const regionIds: number[] = [];
    for (const place of listOf(cell('regionIds'))) {
      const id = names.regions.get(place);
      if (id === undefined) problems.push(`地区「${place}」不存在`);
      else if (id === null) problems.push(`地区「${place}」有重名，请填写编码`);
      else regionIds.push(id);
    }
    const effectiveFrom = dayOf(cell('effectiveFrom'));
    const expiresOn = dayOf(cell('expiresOn'));
    if (effectiveFrom === undefined) problems.push('生效日期不是有效日期（YYYY-MM-DD）');
    if (expiresOn === undefined) problems.push('有效期至不是有效日期（YYYY-MM-DD）');
    if (effectiveFrom && expiresOn && expiresOn < effectiveFrom) problems.push('有效期至早于生效日期');
    const source = text(cell('source')) || null;
    if (source && source.length > 500) problems.push('依据超过 500 个字符');
    if (problems.length > 0) refused.push({ row, reason: problems.join('；') });
    else
      articles.push({
        row,
        fields: {
          title,
          body: content,
          categoryId,
          regionIds,
          departmentId,
          effectiveFrom: effectiveFrom ?? null,
          expiresOn: expiresOn ?? null,
          source,
        },
      });
  });
  return { articles, refused };
}
