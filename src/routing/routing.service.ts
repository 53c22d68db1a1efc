import { findCategoryById } from '../org/categories.repository';
import { findRegionById } from '../org/regions.repository';
import type { UserActor } from '../shared/roles';
import type { Db, Queryable } from '../db/db';
import { findDepartmentsByIds } from '../org/departments.repository';
import { conflict, found, invalid } from '../shared/errors';
import type { RequestType } from '../tickets/ticket.types';
import { findTicket } from '../tickets/tickets.repository';
import { shanghaiDay } from '../shared/time';
import * as repo from './catalog.repository';
import { DispatchCatalog, findConflict, type CatalogEntry, type RoutingDecision, type RoutingInput } from './dispatch-catalog';

export type EntryInput = Omit<CatalogEntry, 'id'>;

/** How often a process checks whether the catalog (or the regions, departments, categories) changed elsewhere. */
const freshnessCheckMs = 2_000;

/**
 * The dispatch catalog's use cases: admin changes (each a new catalog version), the routing
 * decision from the in-memory catalog, the dry run, and return statistics.
 */
/** Where a return's event names the department or entry returned from, and where a review names it. */
const returnKeys = {
  department: { key: 'departmentId', reviewKey: 'returnedByDepartmentId' },
  entry: { key: 'catalogEntryId', reviewKey: 'returnedCatalogEntryId' },
} as const;

export class RoutingService {
  private compiled?: { catalog: DispatchCatalog; fingerprint: string; checkedAt: number };
  private compiling?: { generation: number; promise: Promise<DispatchCatalog> };
  /** Bumped by every write here, so a reload that started before it cannot install what it read. */
  private generation = 0;

  constructor(private readonly db: Db) {}

  /** The compiled catalog, rebuilt when anything it depends on changed. */
  async catalog(): Promise<DispatchCatalog> {
    if (this.compiled && Date.now() - this.compiled.checkedAt < freshnessCheckMs) return this.compiled.catalog;
    const generation = this.generation;
    if (this.compiling?.generation !== generation) {
      const promise = this.refresh(generation).finally(() => {
        if (this.compiling?.promise === promise) this.compiling = undefined;
      });
      this.compiling = { generation, promise };
    }
    return this.compiling.promise;
  }

  /** Reads everything the decision depends on from one snapshot, and compiles it when it changed. */
  private async refresh(generation: number): Promise<DispatchCatalog> {
    const compiled = await this.db.transaction(
      async (trx) => {
        const fingerprint = await repo.routingFingerprint(trx);
        if (this.compiled?.fingerprint === fingerprint) return { ...this.compiled, checkedAt: Date.now() };
        const entries = await repo.listEntries(trx);
        const version = await repo.currentVersion(trx);
        const references = await repo.referenceData(trx);
        return { catalog: new DispatchCatalog(entries, references, version), fingerprint, checkedAt: Date.now() };
      },
      { isolationLevel: 'repeatable read', readOnly: true },
    );
    if (generation === this.generation) this.compiled = compiled;
    return compiled.catalog;
  }

  async decide(input: Omit<RoutingInput, 'today'>): Promise<RoutingDecision> {
    return (await this.catalog()).resolve({ ...input, today: shanghaiDay() });
  }

  /** Where the catalog sends an existing ticket (the operator's suggestion). */
  async decideForTicket(ticketId: number): Promise<RoutingDecision> {
    return this.decide(RoutingService.inputOf(found(await findTicket(this.db, ticketId), '工单')));
  }

  /** The ticket's routing input. */
  static inputOf(ticket: {
    categoryId: number | null;
    requestType: RequestType;
    regionId: number | null;
    matter: string | null;
    title: string;
    description: string;
  }): Omit<RoutingInput, 'today'> {
    return {
      categoryId: ticket.categoryId,
      requestType: ticket.requestType,
      regionId: ticket.regionId,
      matter: ticket.matter,
      text: `${ticket.title}\n${ticket.description}`,
    };
  }

  /** A category (or its parent) set to suggest-only is never dispatched by the system. */
  async dispatchMode(categoryId: number | null): Promise<'auto' | 'suggest'> {
    if (categoryId === null) return 'suggest';
    const row = await repo.dispatchModes(this.db, categoryId);
    return row && row.own === 'auto' && row.parent !== 'suggest' ? 'auto' : 'suggest';
  }

  async listEntries(filter: { includeDeleted?: boolean; flagged?: boolean }) {
    const [entries, catalog] = await Promise.all([repo.listEntries(this.db, filter), this.catalog()]);
    const skipped = new Map(catalog.skipped.map((s) => [s.entryId, s.reason]));
    return { version: catalog.version, items: entries.map((e) => ({ ...e, inactiveBecause: skipped.get(e.id) ?? null })) };
  }

  async getEntry(id: number) {
    return found(await repo.findEntry(this.db, id), '派单目录条目');
  }

  async createEntry(actor: UserActor, input: EntryInput) {
    return this.write(async (trx) => {
      await this.checkEntry(trx, input);
      const id = await repo.insertEntry(trx, input);
      const after = (await repo.findEntry(trx, id))!;
      const version = await repo.insertRevision(trx, { entryId: id, change: 'create', before: null, after, actorUserId: actor.userId });
      return { ...after, catalogVersion: version };
    });
  }

  /** A change to an entry; it clears a correction flag (the correction was made). */
  async updateEntry(actor: UserActor, id: number, patch: Partial<EntryInput>) {
    return this.write(async (trx) => {
      const before = found(await repo.findEntry(trx, id), '派单目录条目');
      if (before.deletedAt) throw conflict('该派单目录条目已删除');
      const merged: EntryInput = { ...stripRecord(before), ...definedOnly(patch) };
      await this.checkEntry(trx, merged, id);
      await repo.updateEntry(trx, id, { ...patch, clearFlag: true });
      const after = (await repo.findEntry(trx, id))!;
      const version = await repo.insertRevision(trx, { entryId: id, change: 'update', before, after, actorUserId: actor.userId });
      return { ...after, catalogVersion: version };
    });
  }

  async deleteEntry(actor: UserActor, id: number): Promise<{ catalogVersion: number }> {
    return this.write(async (trx) => {
      const before = found(await repo.findEntry(trx, id), '派单目录条目');
      if (before.deletedAt) throw conflict('该派单目录条目已删除');
      await repo.deleteEntry(trx, id);
      return {
        catalogVersion: await repo.insertRevision(trx, { entryId: id, change: 'delete', before, after: null, actorUserId: actor.userId }),
      };
    });
  }

  revisions(filter: { entryId?: number; limit: number }) {
    return repo.listRevisions(this.db, filter);
  }

  private async write<T>(work: (trx: Queryable) => Promise<T>): Promise<T> {
    const result = await this.db.transaction(async (trx) => {
      await repo.lockCatalog(trx);
      return work(trx);
    });
    this.generation++;
    this.compiled = undefined;
    return result;
  }

  /** References must exist and be usable, and the entry must not tie with another (see findConflict). */
  private async checkEntry(db: Queryable, entry: EntryInput, id?: number): Promise<void> {
    if (
      entry.categoryId === null &&
      entry.requestType === null &&
      entry.regionId === null &&
      entry.matter === null &&
      entry.keywords.length === 0
    ) {
      throw invalid('派单目录条目至少要有一个匹配条件：分类、诉求类型、区域、代办事项或关键词');
    }
    if (entry.effectiveFrom !== null && entry.effectiveTo !== null && entry.effectiveTo < entry.effectiveFrom)
      throw invalid('失效日期不能早于生效日期');
    if (entry.categoryId !== null) {
      const category = await findCategoryById(db, entry.categoryId);
      if (!category?.active) throw invalid(`分类 ${entry.categoryId} 不存在或已停用`);
    }
    if (entry.regionId !== null && !(await findRegionById(db, entry.regionId))) throw invalid(`区域 ${entry.regionId} 不存在`);
    if (entry.assistDepartmentIds.includes(entry.leadDepartmentId)) throw invalid('主办部门不能同时协办');
    const ids = [...new Set([entry.leadDepartmentId, ...entry.assistDepartmentIds])];
    const departments = await findDepartmentsByIds(db, ids);
    for (const departmentId of ids) {
      const department = departments.find((d) => d.id === departmentId);
      if (!department || !department.active) throw invalid(`部门 ${departmentId} 不存在或已停用，派单目录条目不能指向它`);
      if (department.kind === 'center') throw invalid(`部门 ${departmentId} 是热线中心本身，派单目录只能指向承办部门`);
    }
    const clash = findConflict({ ...entry, id }, await repo.listEntries(db));
    if (clash) {
      throw conflict(
        `与派单目录条目 #${clash.id}「${clash.name}」冲突：条件相同、优先级相同（${clash.priority}）且日期重叠，无法决定用哪条。请修改优先级、条件或日期`,
        { conflictingEntryId: clash.id },
      );
    }
  }

  /**
   * Returns (退单) per department or per catalog entry over a period: how many tickets were
   * routed there, how many it returned, and how the center's review decided.
   */
  /** The tickets behind a returns report figure: a department's or entry's returns, or its returns upheld or rejected. */
  returnTickets(query: {
    from: Date;
    to: Date;
    groupBy: 'department' | 'entry';
    id: number;
    figure: 'returned' | 'upheld' | 'rejected';
    limit: number;
  }) {
    return repo.returnTickets(this.db, { ...returnKeys[query.groupBy], ...query });
  }

  async returnStats(query: { from: Date; to: Date; groupBy: 'department' | 'entry' }) {
    const { key, reviewKey } = returnKeys[query.groupBy];
    const rows = await repo.returnCounts(this.db, { key, reviewKey, from: query.from, to: query.to });
    const names =
      query.groupBy === 'department'
        ? new Map(
            (
              await findDepartmentsByIds(
                this.db,
                rows.map((r) => r.key),
              )
            ).map((d) => [d.id, d.name]),
          )
        : new Map(
            (await repo.listEntries(this.db, { includeDeleted: true })).map((e) => [e.id, e.flaggedAt ? `${e.name}（待修正）` : e.name]),
          );
    return {
      from: query.from,
      to: query.to,
      groupBy: query.groupBy,
      items: rows.map((r) => ({
        [key]: r.key,
        name: names.get(r.key) ?? null,
        routed: r.routed,
        returned: r.returned,
        returnRate: r.routed > 0 ? Math.round((r.returned / r.routed) * 1000) / 1000 : null,
        upheld: r.upheld,
        rejected: r.rejected,
      })),
    };
  }
}

function stripRecord(record: repo.CatalogEntryRecord): EntryInput {
  const { id: _id, flaggedAt: _f, flagNote: _n, deletedAt: _d, createdAt: _c, updatedAt: _u, ...fields } = record;
  return fields;
}

function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}
