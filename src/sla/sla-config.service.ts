import type { UserActor } from '../shared/roles';
import type { Db, Tx } from '../db/db';
import { AppError, conflict, found, invalid } from '../shared/errors';
import type { RequestType, Urgency } from '../tickets/ticket.types';
import { checkLadder, findOverlap, type AlertLevel, type Policy, type Stage } from './sla-rules';
import {
  CalendarError,
  compileCalendar,
  packagedNoticeYears,
  shanghaiYear,
  standardWeek,
  type CalendarDefinition,
  type DayHours,
  type LimitUnit,
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
        const { revision } = await trx('sla_config').first<{ revision: number }>('revision');
        if (this.cached?.snapshot.revision === revision) {
          this.cached.checkedAt = Date.now();
          return this.cached.snapshot;
        }
        const calendars = await listCalendars(trx);
        const compiled = new Map(calendars.map((record) => [record.id, { record, compiled: compile(record) }]));
        const snapshot: SlaSnapshot = {
          revision,
          calendars: compiled,
          defaultCalendarId: calendars.find((c) => c.regionId === null)?.id ?? null,
          policies: await listPolicies(trx),
          levels: await listLevels(trx),
          categoryParents: new Map(
            (await trx('categories').select('id', 'parent_id')).map((c: { id: number; parent_id: number | null }) => [c.id, c.parent_id]),
          ),
          noticeYears: new Set([...packagedNoticeYears(), ...(await trx('holiday_notices').pluck('year'))]),
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
      await trx.raw('select pg_advisory_xact_lock(hashtext(?))', ['sla:config']);
      const value = await work(trx);
      await trx('sla_config').increment('revision', 1);
      return value;
    });
    this.cached = undefined;
    return result;
  }

  // Calendars

  listCalendars(): Promise<CalendarRecord[]> {
    return listCalendars(this.db);
  }

  async getCalendar(id: number): Promise<CalendarRecord> {
    return found((await listCalendars(this.db, id))[0], 'calendar');
  }

  async createCalendar(input: CalendarInput): Promise<CalendarRecord> {
    compile({ ...input, overrides: [] });
    const id = await this.write(async (trx) => {
      if (input.regionId !== null && !(await trx('regions').where({ id: input.regionId }).first('id')))
        throw invalid(`region ${input.regionId} does not exist`);
      const taken = await trx('work_calendars').whereRaw('region_id is not distinct from ?', [input.regionId]).first('id');
      if (taken)
        throw conflict(
          `${input.regionId === null ? 'the default calendar' : `region ${input.regionId}`} already has calendar ${taken.id}; change that one`,
        );
      const [row] = await trx('work_calendars')
        .insert({
          name: input.name,
          region_id: input.regionId,
          week_hours: JSON.stringify(input.weekHours),
          make_up_day_hours: input.makeUpDayHours ? JSON.stringify(input.makeUpDayHours) : null,
        })
        .returning<Array<{ id: number }>>('id');
      return row!.id;
    });
    return this.getCalendar(id);
  }

  async updateCalendar(id: number, patch: Partial<Omit<CalendarInput, 'regionId'>>): Promise<CalendarRecord> {
    const current = await this.getCalendar(id);
    compile({ ...current, ...patch });
    await this.write(async (trx) => {
      await trx('work_calendars')
        .update({
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.weekHours !== undefined ? { week_hours: JSON.stringify(patch.weekHours) } : {}),
          ...(patch.makeUpDayHours !== undefined
            ? { make_up_day_hours: patch.makeUpDayHours ? JSON.stringify(patch.makeUpDayHours) : null }
            : {}),
          updated_at: trx.fn.now(),
        })
        .where({ id });
    });
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
    await this.write((trx) =>
      trx('work_calendar_overrides')
        .insert({ calendar_id: id, day: override.date, kind: override.kind, note: override.note, created_by: actor.userId })
        .onConflict(['calendar_id', 'day'])
        .merge(['kind', 'note', 'created_by']),
    );
    await this.onCalendarChange(id);
    return this.getCalendar(id);
  }

  async removeOverride(id: number, date: string): Promise<CalendarRecord> {
    await this.getCalendar(id);
    const removed = await this.write((trx) => trx('work_calendar_overrides').where({ calendar_id: id, day: date }).delete());
    if (removed === 0) throw invalid(`calendar ${id} has no override on ${date}`);
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
    if (outside.length > 0) throw invalid(`days outside ${input.year}: ${outside.join(', ')}`);
    const both = input.holidays.filter((d) => input.workdays.includes(d));
    if (both.length > 0) throw invalid(`days both holiday and workday: ${both.join(', ')}`);
    const imported = [
      ...input.holidays.map((date) => ({ date, kind: 'holiday' as const, note: input.note })),
      ...input.workdays.map((date) => ({ date, kind: 'workday' as const, note: input.note })),
    ];
    compile({ ...current, overrides: [...current.overrides.filter((o) => !o.date.startsWith(`${input.year}-`)), ...imported] });
    await this.write(async (trx) => {
      await trx('work_calendar_overrides').where({ calendar_id: id }).whereRaw('extract(year from day) = ?', [input.year]).delete();
      if (imported.length > 0) {
        await trx('work_calendar_overrides').insert(
          imported.map((o) => ({ calendar_id: id, day: o.date, kind: o.kind, note: o.note, created_by: actor.userId })),
        );
      }
      // The year's deadlines are final from now on (the re-plan below moves them onto the notice).
      await trx('holiday_notices')
        .insert({ year: input.year, calendar_id: id, imported_by: actor.userId })
        .onConflict('year')
        .merge({ calendar_id: id, imported_by: actor.userId, imported_at: trx.fn.now() });
    });
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
    return listPolicies(this.db);
  }

  async createPolicy(input: PolicyInput): Promise<Policy> {
    const id = await this.write(async (trx) => {
      await this.checkPolicy(trx, input);
      const [row] = await trx('sla_policies').insert(policyRow(input)).returning<Array<{ id: number }>>('id');
      return row!.id;
    });
    return found(
      (await listPolicies(this.db)).find((p) => p.id === id),
      'policy',
    );
  }

  async updatePolicy(id: number, patch: Partial<PolicyInput>): Promise<Policy> {
    await this.write(async (trx) => {
      const current = found(
        (await listPolicies(trx)).find((p) => p.id === id),
        'policy',
      );
      const next = { ...current, ...patch };
      await this.checkPolicy(trx, next);
      await trx('sla_policies')
        .update({ ...policyRow(next), updated_at: trx.fn.now() })
        .where({ id });
    });
    return found(
      (await listPolicies(this.db)).find((p) => p.id === id),
      'policy',
    );
  }

  /** Clocks already running keep the limit they started with. */
  async deletePolicy(id: number): Promise<void> {
    const removed = await this.write((trx) =>
      trx('sla_policies').update({ deleted_at: trx.fn.now() }).where({ id }).whereNull('deleted_at'),
    );
    if (removed === 0) throw found(undefined, 'policy');
  }

  private async checkPolicy(trx: Tx, policy: PolicyInput & { id?: number }): Promise<void> {
    if (!(policy.amount > 0)) throw invalid(`amount must be greater than 0, got ${policy.amount}`);
    if (policy.unit === 'working_days' && !Number.isInteger(policy.amount))
      throw invalid(`a limit in working days must be a whole number, got ${policy.amount}`);
    if (policy.categoryId !== null && !(await trx('categories').where({ id: policy.categoryId }).first('id')))
      throw invalid(`category ${policy.categoryId} does not exist`);
    const parents = new Map(
      (await trx('categories').select('id', 'parent_id')).map((c: { id: number; parent_id: number | null }) => [c.id, c.parent_id]),
    );
    const overlap = findOverlap(await listPolicies(trx), policy, (categoryId) => parents.get(categoryId) ?? null);
    if (overlap) {
      throw conflict(
        `policy #${overlap.id}「${overlap.name}」matches the same tickets for stage ${policy.stage} with the same priority ${policy.priority}; give one of them another priority`,
        {
          policyId: overlap.id,
        },
      );
    }
  }

  // The alert ladder

  listLevels(): Promise<AlertLevel[]> {
    return listLevels(this.db);
  }

  async replaceLevels(levels: readonly AlertLevel[]): Promise<AlertLevel[]> {
    const refusal = checkLadder(levels);
    if (refusal) throw invalid(refusal);
    await this.write(async (trx) => {
      await trx('sla_alert_levels').delete();
      await trx('sla_alert_levels').insert(levels.map(levelRow));
    });
    return this.listLevels();
  }
}

function compile(record: Pick<CalendarRecord, 'weekHours' | 'makeUpDayHours' | 'overrides'>): WorkingCalendar {
  try {
    const weekHours = Object.fromEntries(record.weekHours.map((hours, weekday) => [weekday, hours])) as CalendarDefinition['weekHours'];
    return compileCalendar({ weekHours, makeUpDayHours: record.makeUpDayHours ?? undefined, overrides: record.overrides });
  } catch (error) {
    if (error instanceof CalendarError) throw new AppError('VALIDATION_FAILED', `calendar refused: ${error.message}`);
    throw error;
  }
}

async function listCalendars(db: Db | Tx, id?: number): Promise<CalendarRecord[]> {
  const query = db('work_calendars as c')
    .select({
      id: 'c.id',
      name: 'c.name',
      regionId: 'c.region_id',
      weekHours: 'c.week_hours',
      makeUpDayHours: 'c.make_up_day_hours',
      overrides: db.raw(
        `coalesce((select json_agg(json_build_object('date', to_char(o.day, 'YYYY-MM-DD'), 'kind', o.kind, 'note', o.note) order by o.day) from work_calendar_overrides o where o.calendar_id = c.id), '[]')`,
      ),
    })
    .orderBy('c.id');
  if (id !== undefined) query.where('c.id', id);
  return query;
}

async function listPolicies(db: Db | Tx): Promise<Policy[]> {
  return db('sla_policies')
    .select({
      id: 'id',
      name: 'name',
      stage: 'stage',
      requestType: 'request_type',
      urgency: 'urgency',
      categoryId: 'category_id',
      matter: 'matter',
      amount: db.raw('amount::float8'),
      unit: 'unit',
      priority: 'priority',
    })
    .whereNull('deleted_at')
    .orderBy([{ column: 'stage' }, { column: 'priority', order: 'desc' }, { column: 'id' }]);
}

async function listLevels(db: Db | Tx): Promise<AlertLevel[]> {
  return db('sla_alert_levels')
    .select({
      level: 'level',
      name: 'name',
      audience: 'audience',
      atShare: db.raw('at_share::float8'),
      afterAmount: db.raw('after_amount::float8'),
      afterUnit: 'after_unit',
      sms: 'sms',
    })
    .orderBy('level');
}

function policyRow(p: PolicyInput): Record<string, unknown> {
  return {
    name: p.name,
    stage: p.stage,
    request_type: p.requestType,
    urgency: p.urgency,
    category_id: p.categoryId,
    matter: p.matter,
    amount: p.amount,
    unit: p.unit,
    priority: p.priority,
  };
}

function levelRow(l: AlertLevel): Record<string, unknown> {
  return {
    level: l.level,
    name: l.name,
    audience: l.audience,
    at_share: l.atShare,
    after_amount: l.afterAmount,
    after_unit: l.afterUnit,
    sms: l.sms,
  };
}

/** The defaults: the standard working week, Beijing's 接诉即办 limits, and a four-step ladder. */
const defaultPolicies = (category: (code: string) => number | undefined): Array<PolicyInput> => {
  const p = (
    name: string,
    stage: Stage,
    amount: number,
    unit: LimitUnit,
    priority: number,
    match: { requestType?: RequestType; urgency?: Urgency; categoryCode?: string } = {},
  ): PolicyInput => ({
    name,
    stage,
    amount,
    unit,
    priority,
    requestType: match.requestType ?? null,
    urgency: match.urgency ?? null,
    categoryId: match.categoryCode ? (category(match.categoryCode) ?? null) : null,
    matter: null,
  });
  return [
    p('派单：紧急事项 1 小时', 'dispatch', 1, 'natural_hours', 30, { urgency: 'emergency' }),
    p('派单：水电气暖 2 小时', 'dispatch', 2, 'natural_hours', 20, { categoryCode: '12' }),
    p('派单：极端天气 2 小时', 'dispatch', 2, 'natural_hours', 21, { categoryCode: '1701' }),
    p('派单：一般事项 24 小时', 'dispatch', 24, 'natural_hours', 0),
    p('签收：紧急事项 30 分钟', 'sign_for', 0.5, 'natural_hours', 30, { urgency: 'emergency' }),
    p('签收：2 个工作小时', 'sign_for', 2, 'working_hours', 0),
    p('联系群众：紧急事项 1 小时', 'first_contact', 1, 'natural_hours', 30, { urgency: 'emergency' }),
    p('联系群众：1 个工作日', 'first_contact', 1, 'working_days', 0),
    p('答复：紧急事项 2 小时', 'reply', 2, 'natural_hours', 30, { urgency: 'emergency' }),
    p('答复：加急事项 24 小时', 'reply', 24, 'natural_hours', 25, { urgency: 'urgent' }),
    p('答复：水电气暖 24 小时', 'reply', 24, 'natural_hours', 20, { categoryCode: '12' }),
    p('答复：举报等复杂事项 15 个工作日', 'reply', 15, 'working_days', 10, { requestType: 'report' }),
    p('答复：7 个工作日', 'reply', 7, 'working_days', 0),
    p('回访：2 个工作日', 'callback', 2, 'working_days', 0),
    ...hardCasePolicies.map(([name, stage, amount, unit]) => p(name, stage, amount, unit, 0)),
  ];
};

/** 办不成事 (the seeds' ladder): the chief representative within 10 minutes, the head within 30, an answer within 3 working days. */
const hardCasePolicies: Array<[string, Stage, number, LimitUnit]> = [
  ['办不成事：首席代表 10 分钟内到场', 'hard_onsite_rep', 1 / 6, 'natural_hours'],
  ['办不成事：部门负责人 30 分钟内到场', 'hard_onsite_head', 0.5, 'natural_hours'],
  ['办不成事：3 个工作日内答复', 'hard_answer', 3, 'working_days'],
];

const defaultLevels: AlertLevel[] = [
  { level: 0, name: '黄牌预警', audience: 'assignee', atShare: 0.8, afterAmount: null, afterUnit: null, sms: false },
  { level: 1, name: '红牌超期', audience: 'assignee', atShare: null, afterAmount: 0, afterUnit: 'natural_hours', sms: false },
  { level: 2, name: '升级：部门负责人', audience: 'dept_head', atShare: null, afterAmount: 4, afterUnit: 'working_hours', sms: true },
  { level: 3, name: '升级：督办/值班长', audience: 'supervisor', atShare: null, afterAmount: 1, afterUnit: 'working_days', sms: true },
  { level: 4, name: '升级：中心主任', audience: 'director', atShare: null, afterAmount: 3, afterUnit: 'working_days', sms: true },
];

/** Seeds the defaults into an empty configuration (once, however many processes start). */
export async function seedSlaDefaults(db: Db): Promise<boolean> {
  return db.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(hashtext(?))', ['sla:config']);
    if (await trx('work_calendars').first('id')) return false;
    await trx('work_calendars').insert({
      name: '市默认工作日历',
      region_id: null,
      week_hours: JSON.stringify([0, 1, 2, 3, 4, 5, 6].map((d) => standardWeek[d as 0])),
    });
    const categories = new Map((await trx('categories').select('code', 'id')).map((c: { code: string; id: number }) => [c.code, c.id]));
    await trx('sla_policies').insert(defaultPolicies((code) => categories.get(code)).map(policyRow));
    if (!(await trx('sla_alert_levels').first('level'))) await trx('sla_alert_levels').insert(defaultLevels.map(levelRow));
    await trx('sla_config').increment('revision', 1);
    return true;
  });
}
