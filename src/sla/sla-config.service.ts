import { stageLabels } from './stages';
import type { UserActor } from '../shared/roles';
import type { Db, Queryable, Tx } from '../db/db';
import { AppError, conflict, found, invalid } from '../shared/errors';
import * as repo from './sla-config.repository';
import { checkLadder, findOverlap, type AlertLevel, type Policy } from './sla-rules';
import {
  CalendarError,
  calendarYear,
  compileCalendar,
  packagedNoticeYears,
  shanghaiYear,
  standardWeek,
  type CalendarDay,
  type CalendarDefinition,
  type DayHours,
  type WorkingCalendar,
} from './working-calendar';

/** Sunday first, as JSON keeps it. */
export type WeekHours = readonly DayHours[];

export interface CalendarInput {
  name: string;
  regionId: number | null;
  weekHours: WeekHours;
  makeUpDayHours?: DayHours | null;
}

export interface CalendarRecord extends CalendarInput {
  id: number;
  overrides: Array<{ date: string; kind: 'holiday' | 'workday'; note: string | null }>;
}

export type PolicyInput = Omit<Policy, 'id'>;

/** Everything the clocks compute with, read in one snapshot and compiled once per change. */
export interface SlaSnapshot {
  revision: number;
  calendars: ReadonlyMap<number, { record: CalendarRecord; compiled: WorkingCalendar }>;
  defaultCalendarId: number | null;
  policies: readonly Policy[];
  levels: readonly AlertLevel[];
  categoryParents: ReadonlyMap<number, number | null>;
  /** Years whose holiday notice is known (packaged in chinese-days, or imported): their deadlines are final. */
  noticeYears: ReadonlySet<number>;
}

/** A deadline is provisional when its year's holiday notice (调休) is not known yet. */
export const isProvisional = (snapshot: SlaSnapshot, at: Date | null): boolean =>
  at !== null && !snapshot.noticeYears.has(shanghaiYear(at));

/** How often a process checks whether another one changed the SLA configuration. */
const freshnessCheckMs = 2_000;
const standard = compileCalendar({ weekHours: standardWeek });

/**
 * SLA configuration as data: working calendars per region with their overrides, the policies
 * that set each stage's limit, and the alert ladder. Every change is checked here (a refusal
 * says why) and bumps one revision, which every process watches to reload its snapshot.
 */
export class SlaConfigService {
  private cached?: { snapshot: SlaSnapshot; checkedAt: number };
  private loading?: Promise<SlaSnapshot>;

  constructor(
    private readonly db: Db,
    /** Running clocks on a calendar that changed are re-planned. */
    private readonly onCalendarChange: (calendarId: number) => Promise<void> = async () => undefined,
  ) {}

  async snapshot(): Promise<SlaSnapshot> {
    if (this.cached && Date.now() - this.cached.checkedAt < freshnessCheckMs) return this.cached.snapshot;
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  /** The calendar of a place: its own region's, the nearest ancestor's, or the city's default. */
  calendarFor(snapshot: SlaSnapshot, regionPath: string | null): { id: number | null; calendar: WorkingCalendar } {
    const ancestors = regionPath ? regionPath.split('/').filter(Boolean).map(Number).reverse() : [];
    for (const regionId of ancestors) {
      for (const [id, { record, compiled }] of snapshot.calendars) if (record.regionId === regionId) return { id, calendar: compiled };
    }
    const fallback = snapshot.defaultCalendarId === null ? undefined : snapshot.calendars.get(snapshot.defaultCalendarId);
    return fallback ? { id: snapshot.defaultCalendarId, calendar: fallback.compiled } : { id: null, calendar: standard };
  }

  private async load(): Promise<SlaSnapshot> {
    return this.db.transaction(
      async (trx) => {
        const revision = await repo.configRevision(trx);
        if (this.cached?.snapshot.revision === revision) {
          this.cached.checkedAt = Date.now();
          return this.cached.snapshot;
        }
        const calendars = await repo.listCalendars(trx);
        const compiled = new Map(calendars.map((record) => [record.id, { record, compiled: compile(record) }]));
        const snapshot: SlaSnapshot = {
          revision,
          calendars: compiled,
          defaultCalendarId: calendars.find((c) => c.regionId === null)?.id ?? null,
          policies: await repo.listPolicies(trx),
          levels: await repo.listLevels(trx),
          categoryParents: await repo.categoryParents(trx),
          noticeYears: new Set([...packagedNoticeYears(), ...(await repo.importedNoticeYears(trx))]),
        };
        this.cached = { snapshot, checkedAt: Date.now() };
        return snapshot;
      },
      { isolationLevel: 'repeatable read', readOnly: true },
    );
  }

  /** A write here: lock out concurrent SLA writes, do it, bump the revision, drop the cache. */
  private async write<T>(work: (trx: Tx) => Promise<T>): Promise<T> {
    const result = await this.db.transaction(async (trx) => {
      await repo.lockConfig(trx);
      const value = await work(trx);
      await repo.bumpRevision(trx);
      return value;
    });
    this.cached = undefined;
    return result;
  }

  // Calendars

  listCalendars(): Promise<CalendarRecord[]> {
    return repo.listCalendars(this.db);
  }

  async getCalendar(id: number): Promise<CalendarRecord> {
    return found((await repo.listCalendars(this.db, id))[0], 'calendar');
  }

  /** Whether the State Council's notice for the year is known (packaged, or imported). */
  async noticeKnown(year: number): Promise<boolean> {
    return (await this.snapshot()).noticeYears.has(year);
  }

  /** A year of the calendar, day by day: what the year view shows. */
  async yearOf(id: number, year: number): Promise<CalendarDay[]> {
    const record = await this.getCalendar(id);
    return calendarYear(definitionOf(record), year);
  }

  async createCalendar(input: CalendarInput): Promise<CalendarRecord> {
    compile({ ...input, overrides: [] });
    const id = await this.write(async (trx) => {
      if (input.regionId !== null && !(await repo.exists(trx, 'regions', input.regionId))) throw invalid(`区域 ${input.regionId} 不存在`);
      const taken = await repo.calendarOfRegion(trx, input.regionId);
      if (taken) throw conflict(`${input.regionId === null ? '默认日历' : `区域 ${input.regionId}`}已有日历 ${taken.id}，请修改那一个`);
      return repo.insertCalendar(trx, input);
    });
    return this.getCalendar(id);
  }

  async updateCalendar(id: number, patch: Partial<Omit<CalendarInput, 'regionId'>>): Promise<CalendarRecord> {
    const current = await this.getCalendar(id);
    compile({ ...current, ...patch });
    await this.write((trx) => repo.updateCalendar(trx, id, patch));
    await this.onCalendarChange(id);
    return this.getCalendar(id);
  }

  /** An extra holiday or workday of the region (typhoon day off, a local make-up day); replaces that day's override. */
  async setOverride(
    id: number,
    override: { date: string; kind: 'holiday' | 'workday'; note: string | null },
    actor: UserActor,
  ): Promise<CalendarRecord> {
    const current = await this.getCalendar(id);
    compile({ ...current, overrides: [...current.overrides.filter((o) => o.date !== override.date), override] });
    await this.write((trx) => repo.upsertOverride(trx, id, override, actor.userId));
    await this.onCalendarChange(id);
    return this.getCalendar(id);
  }

  async removeOverride(id: number, date: string): Promise<CalendarRecord> {
    await this.getCalendar(id);
    const removed = await this.write((trx) => repo.deleteOverride(trx, id, date));
    if (removed === 0) throw invalid(`日历 ${id} 在 ${date} 没有调整`);
    await this.onCalendarChange(id);
    return this.getCalendar(id);
  }

  /**
   * A year's official schedule (the State Council's notice, published before the package
   * knows it): the year's overrides are replaced by these holidays and make-up workdays.
   */
  async importYear(
    id: number,
    input: { year: number; holidays: readonly string[]; workdays: readonly string[]; note: string | null },
    actor: UserActor,
  ): Promise<CalendarRecord> {
    const current = await this.getCalendar(id);
    const outside = [...input.holidays, ...input.workdays].filter((d) => !d.startsWith(`${input.year}-`));
    if (outside.length > 0) throw invalid(`不在 ${input.year} 年的日期：${outside.join('、')}`);
    const both = input.holidays.filter((d) => input.workdays.includes(d));
    if (both.length > 0) throw invalid(`既是假日又是工作日的日期：${both.join('、')}`);
    const imported = [
      ...input.holidays.map((date) => ({ date, kind: 'holiday' as const, note: input.note })),
      ...input.workdays.map((date) => ({ date, kind: 'workday' as const, note: input.note })),
    ];
    compile({ ...current, overrides: [...current.overrides.filter((o) => !o.date.startsWith(`${input.year}-`)), ...imported] });
    // The year's deadlines are final from now on (the re-plan below moves them onto the notice).
    await this.write((trx) => repo.replaceYear(trx, id, input.year, imported, actor.userId));
    await this.onCalendarChange(id);
    return this.getCalendar(id);
  }

  /**
   * From 1 November, whether next year's holiday notice is still missing (then every deadline
   * that reaches into next year counts only the statutory holidays and is provisional).
   */
  async missingNotice(now = new Date()): Promise<number | undefined> {
    const local = new Date(now.getTime() + 8 * 3_600_000);
    if (local.getUTCMonth() < 10) return undefined;
    const next = local.getUTCFullYear() + 1;
    return (await this.snapshot()).noticeYears.has(next) ? undefined : next;
  }

  // Policies

  listPolicies(): Promise<Policy[]> {
    return repo.listPolicies(this.db);
  }

  async getPolicy(id: number, db: Queryable = this.db): Promise<Policy> {
    return found(
      (await repo.listPolicies(db)).find((p) => p.id === id),
      'policy',
    );
  }

  async createPolicy(input: PolicyInput): Promise<Policy> {
    const id = await this.write(async (trx) => {
      await this.checkPolicy(trx, input);
      const [created] = await repo.insertPolicies(trx, [input]);
      return created!;
    });
    return this.getPolicy(id);
  }

  async updatePolicy(id: number, patch: Partial<PolicyInput>): Promise<Policy> {
    await this.write(async (trx) => {
      const next = { ...(await this.getPolicy(id, trx)), ...patch };
      await this.checkPolicy(trx, next);
      await repo.updatePolicy(trx, id, next);
    });
    return this.getPolicy(id);
  }

  /** Clocks already running keep the limit they started with. */
  async deletePolicy(id: number): Promise<void> {
    const removed = await this.write((trx) => repo.deletePolicy(trx, id));
    if (removed === 0) throw found(undefined, '时限策略');
  }

  private async checkPolicy(trx: Tx, policy: PolicyInput & { id?: number }): Promise<void> {
    if (!(policy.amount > 0)) throw invalid(`时限须大于 0，收到 ${policy.amount}`);
    if (policy.unit === 'working_days' && !Number.isInteger(policy.amount))
      throw invalid(`按工作日计的时限须为整数，收到 ${policy.amount}`);
    if (policy.categoryId !== null && !(await repo.exists(trx, 'categories', policy.categoryId)))
      throw invalid(`分类 ${policy.categoryId} 不存在`);
    const parents = await repo.categoryParents(trx);
    const overlap = findOverlap(await repo.listPolicies(trx), policy, (categoryId) => parents.get(categoryId) ?? null);
    if (overlap) {
      throw conflict(
        `时限策略 #${overlap.id}「${overlap.name}」在${stageLabels[policy.stage]}阶段匹配相同的工单且优先级相同（${policy.priority}），请调整其中一条的优先级`,
        {
          policyId: overlap.id,
        },
      );
    }
  }

  // The alert ladder

  listLevels(): Promise<AlertLevel[]> {
    return repo.listLevels(this.db);
  }

  async replaceLevels(levels: readonly AlertLevel[]): Promise<AlertLevel[]> {
    const refusal = checkLadder(levels);
    if (refusal) throw invalid(refusal);
    await this.write((trx) => repo.replaceLevels(trx, levels));
    return this.listLevels();
  }
}

function definitionOf(record: Pick<CalendarRecord, 'weekHours' | 'makeUpDayHours' | 'overrides'>) {
  const weekHours = Object.fromEntries(record.weekHours.map((hours, weekday) => [weekday, hours])) as CalendarDefinition['weekHours'];
  return { weekHours, makeUpDayHours: record.makeUpDayHours ?? undefined, overrides: record.overrides };
}

function compile(record: Pick<CalendarRecord, 'weekHours' | 'makeUpDayHours' | 'overrides'>): WorkingCalendar {
  try {
    return compileCalendar(definitionOf(record));
  } catch (error) {
    if (error instanceof CalendarError) throw new AppError('VALIDATION_FAILED', `日历未保存：${error.message}`);
    throw error;
  }
}
