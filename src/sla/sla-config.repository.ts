import type { Queryable, Tx } from '../db/db';
import type { AlertLevel, Policy } from './sla-rules';
import type { CalendarInput, CalendarRecord, PolicyInput } from './sla-config.service';

/** The SLA configuration's tables: calendars and their overrides, policies, the alert ladder, the revision every process watches. */

export async function configRevision(db: Queryable): Promise<number> {
  const { revision } = await db('sla_config').first<{ revision: number }>('revision');
  return revision;
}

/** One SLA writer at a time; the revision moves with every write (processes reload on it). */
export async function lockConfig(trx: Tx): Promise<void> {
  await trx.raw('select pg_advisory_xact_lock(hashtext(?))', ['sla:config']);
}

export async function bumpRevision(trx: Tx): Promise<void> {
  await trx('sla_config').increment('revision', 1);
}

export async function categoryParents(db: Queryable): Promise<Map<number, number | null>> {
  const rows: Array<{ id: number; parent_id: number | null }> = await db('categories').select('id', 'parent_id');
  return new Map(rows.map((c) => [c.id, c.parent_id]));
}

export function importedNoticeYears(db: Queryable): Promise<number[]> {
  return db('holiday_notices').pluck('year');
}

export async function exists(db: Queryable, table: 'regions' | 'categories', id: number): Promise<boolean> {
  return (await db(table).where({ id }).first('id')) !== undefined;
}

export function listCalendars(db: Queryable, id?: number): Promise<CalendarRecord[]> {
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

/** The calendar of a region (or the default one, region null), if there is one. */
export function calendarOfRegion(db: Queryable, regionId: number | null): Promise<{ id: number } | undefined> {
  return db('work_calendars').whereRaw('region_id is not distinct from ?', [regionId]).first('id');
}

export async function insertCalendar(db: Queryable, input: CalendarInput): Promise<number> {
  const [row] = await db('work_calendars')
    .insert({
      name: input.name,
      region_id: input.regionId,
      week_hours: JSON.stringify(input.weekHours),
      make_up_day_hours: input.makeUpDayHours ? JSON.stringify(input.makeUpDayHours) : null,
    })
    .returning<Array<{ id: number }>>('id');
  return row!.id;
}

export async function updateCalendar(db: Queryable, id: number, patch: Partial<Omit<CalendarInput, 'regionId'>>): Promise<void> {
  await db('work_calendars')
    .update({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.weekHours !== undefined ? { week_hours: JSON.stringify(patch.weekHours) } : {}),
      ...(patch.makeUpDayHours !== undefined
        ? { make_up_day_hours: patch.makeUpDayHours ? JSON.stringify(patch.makeUpDayHours) : null }
        : {}),
      updated_at: db.fn.now(),
    })
    .where({ id });
}

type Override = { date: string; kind: 'holiday' | 'workday'; note: string | null };

export async function upsertOverride(db: Queryable, calendarId: number, override: Override, userId: number): Promise<void> {
  await db('work_calendar_overrides')
    .insert({ calendar_id: calendarId, day: override.date, kind: override.kind, note: override.note, created_by: userId })
    .onConflict(['calendar_id', 'day'])
    .merge(['kind', 'note', 'created_by']);
}

export function deleteOverride(db: Queryable, calendarId: number, date: string): Promise<number> {
  return db('work_calendar_overrides').where({ calendar_id: calendarId, day: date }).delete();
}

/** A year's overrides replaced by the notice's days; the year's notice is then known. */
export async function replaceYear(
  db: Queryable,
  calendarId: number,
  year: number,
  overrides: readonly Override[],
  userId: number,
): Promise<void> {
  await db('work_calendar_overrides').where({ calendar_id: calendarId }).whereRaw('extract(year from day) = ?', [year]).delete();
  if (overrides.length > 0) {
    await db('work_calendar_overrides').insert(
      overrides.map((o) => ({ calendar_id: calendarId, day: o.date, kind: o.kind, note: o.note, created_by: userId })),
    );
  }
  await db('holiday_notices')
    .insert({ year, calendar_id: calendarId, imported_by: userId })
    .onConflict('year')
    .merge({ calendar_id: calendarId, imported_by: userId, imported_at: db.fn.now() });
}

export function listPolicies(db: Queryable): Promise<Policy[]> {
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

export async function insertPolicies(db: Queryable, policies: readonly PolicyInput[]): Promise<number[]> {
  const rows = await db('sla_policies').insert(policies.map(policyRow)).returning<Array<{ id: number }>>('id');
  return rows.map((r) => r.id);
}

export async function updatePolicy(db: Queryable, id: number, policy: PolicyInput): Promise<void> {
  await db('sla_policies')
    .update({ ...policyRow(policy), updated_at: db.fn.now() })
    .where({ id });
}

/** Soft delete (clocks keep the policy they started with); 0 when there was none. */
export function deletePolicy(db: Queryable, id: number): Promise<number> {
  return db('sla_policies').update({ deleted_at: db.fn.now() }).where({ id }).whereNull('deleted_at');
}

export function listLevels(db: Queryable): Promise<AlertLevel[]> {
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

export async function replaceLevels(db: Queryable, levels: readonly AlertLevel[]): Promise<void> {
  await db('sla_alert_levels').delete();
  if (levels.length > 0) await db('sla_alert_levels').insert(levels.map(levelRow));
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

export async function hasAny(db: Queryable, table: 'work_calendars' | 'sla_alert_levels'): Promise<boolean> {
  return (await db(table).first(db.raw('1 as one'))) !== undefined;
}

export async function categoryIdsByCode(db: Queryable): Promise<Map<string, number>> {
  const rows: Array<{ code: string; id: number }> = await db('categories').select('code', 'id');
  return new Map(rows.map((c) => [c.code, c.id]));
}
