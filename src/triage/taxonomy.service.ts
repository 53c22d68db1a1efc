import type { Db } from '../db/db';
import { found, invalid } from '../shared/errors';
import * as categories from '../org/categories.repository';

export interface CategoryTreeNode extends categories.CategoryRecord {
  children: categories.CategoryRecord[];
}

/** The two-level 12345 taxonomy. It is data: admins edit it, code never names a category. */
export class TaxonomyService {
  constructor(private readonly db: Db) {}

  async tree(includeInactive: boolean): Promise<CategoryTreeNode[]> {
    const rows = await categories.listCategories(this.db, includeInactive ? {} : { active: true });
    const roots = rows.filter((c) => c.level === 1).map((c) => ({ ...c, children: [] as categories.CategoryRecord[] }));
    const byId = new Map(roots.map((r) => [r.id, r]));
    for (const row of rows) if (row.level === 2 && row.parentId !== null) byId.get(row.parentId)?.children.push(row);
    return roots;
  }

  async get(id: number): Promise<categories.CategoryRecord> {
    return found(await categories.findCategoryById(this.db, id), '分类');
  }

  async create(input: {
    code: string;
    name: string;
    parentId?: number | null;
    description?: string;
    sortOrder?: number;
    dispatchMode?: 'auto' | 'suggest';
    answerInPerson?: boolean;
  }): Promise<categories.CategoryRecord> {
    let level: 1 | 2 = 1;
    if (input.parentId) {
      const parent = await categories.findCategoryById(this.db, input.parentId);
      if (!parent) throw invalid(`上级分类 ${input.parentId} 不存在`);
      if (parent.level !== 1) throw invalid('分类只有两级：上级必须是一级分类');
      if (!input.code.startsWith(parent.code)) throw invalid(`二级分类编码须以上级编码开头（${parent.code}）`);
      level = 2;
    }
    return categories.insertCategory(this.db, {
      code: input.code,
      name: input.name,
      parentId: input.parentId ?? null,
      level,
      description: input.description ?? '',
      sortOrder: input.sortOrder ?? 0,
      dispatchMode: input.dispatchMode,
      answerInPerson: input.answerInPerson,
    });
  }

  /** Deactivating a level-1 category deactivates its children; categories are never deleted (tickets refer to them). */
  async update(
    id: number,
    patch: {
      name?: string;
      description?: string;
      active?: boolean;
      sortOrder?: number;
      dispatchMode?: 'auto' | 'suggest';
      answerInPerson?: boolean;
    },
  ): Promise<categories.CategoryRecord> {
    return this.db.transaction(async (trx) => {
      const updated = found(await categories.updateCategory(trx, id, patch), '分类');
      if (patch.active === false && updated.level === 1) await categories.deactivateChildren(trx, id);
      return updated;
    });
  }
}
