import type { Db } from './db';
import { shanghaiDay } from '../shared/time';

const dayMs = 86_400_000;
/** The Beijing day (YYYY-MM-DD) of an instant, the instant a Beijing day starts. */
export const beijingDay = shanghaiDay;
export const beijingDayStart = (at: Date) => new Date(`${beijingDay(at)}T00:00:00+08:00`);
const dayOf = (day: string) => Date.parse(`${day}T00:00:00+08:00`);

/** How a period is read: whole rolled-up days [fromDay, toDay) from the rollup, the rest live. */
export interface PeriodPlan {
  rolled?: [string, string];
  live: Array<[Date, Date]>;
}

/**
 * The bookkeeping of a report's daily rollup (kpi_rollups, sla_rollups: which Beijing days are done and
 * when): how a period splits into rolled days and live edges, and which days a periodic run rolls up.
 * Whole finished days are rolled up once and the last week again every hour (a ticket re-categorized or
 * moved later moves with it); today is always live.
 */
export class DailyRollups {
  constructor(
    private readonly table: 'kpi_rollups' | 'sla_rollups',
    private readonly db: Db,
  ) {}

  /**
   * How [from, to) is read: the longest run of rolled-up whole days inside it that ends at its last rolled
   * day, from the rollup; before and after it (a partial day, today, days not rolled up yet), the sources.
   */
  async plan(reader: Db, from: Date, to: Date): Promise<PeriodPlan> {
    const firstDay = beijingDayStart(from).getTime() === from.getTime() ? from : new Date(beijingDayStart(from).getTime() + dayMs);
    const lastDay = beijingDayStart(to);
    if (lastDay <= firstDay) return { live: [[from, to]] };
    const days = await this.rolledDays(reader, beijingDay(firstDay), beijingDay(lastDay));
    if (days.length === 0) return { live: [[from, to]] };
    // The run of consecutive days ending at the last rolled one.
    let first = days.length - 1;
    while (first > 0 && dayOf(days[first - 1]!) === dayOf(days[first]!) - dayMs) first--;
    const runStart = dayOf(days[first]!);
    const runEnd = dayOf(days.at(-1)!) + dayMs;
    const live: Array<[Date, Date]> = [];
    if (from.getTime() < runStart) live.push([from, new Date(runStart)]);
    if (runEnd < to.getTime()) live.push([new Date(runEnd), to]);
    return { rolled: [days[first]!, beijingDay(new Date(runEnd))], live };
  }

  /**
   * The days a periodic run rolls up: the last week's not rolled within the hour (several workers running
   * this do it once), then older days never rolled up, back to `oldest`, newest first, at most `backlogPerRun`.
   */
  async due(now: Date, oldest: Date | null, backlogPerRun: number): Promise<string[]> {
    const today = beijingDayStart(now).getTime();
    const week = Array.from({ length: 7 }, (_, i) => beijingDay(new Date(today - (i + 1) * dayMs)));
    const fresh = new Set(
      (
        await this.db.raw<{ rows: Array<{ day: string }> }>(
          `select to_char(day, 'YYYY-MM-DD') as day from ${this.table} where day >= ?::date and rolled_at > ?`,
          [week.at(-1)!, new Date(now.getTime() - 3_600_000)],
        )
      ).rows.map((r) => r.day),
    );
    const backlog: string[] = [];
    if (oldest) {
      const rolled = new Set(await this.rolledDays(this.db, '2000-01-01', week.at(-1)!));
      for (let day = today - 8 * dayMs; day >= beijingDayStart(oldest).getTime() && backlog.length < backlogPerRun; day -= dayMs) {
        const name = beijingDay(new Date(day));
        if (!rolled.has(name)) backlog.push(name);
      }
    }
    return [...week.filter((day) => !fresh.has(day)), ...backlog];
  }

  /** Within a day's rollup transaction: one roller at a time for the day; then, once written, the day marked done. */
  async lock(trx: Db, day: string): Promise<void> {
    await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`${this.table}:${day}`]);
  }

  async markRolled(trx: Db, day: string): Promise<void> {
    await trx.raw(`insert into ${this.table} (day) values (?) on conflict (day) do update set rolled_at = now()`, [day]);
  }

  /** The days in [fromDay, toDay) already rolled up, in order. */
  private async rolledDays(reader: Db, fromDay: string, toDay: string): Promise<string[]> {
    const { rows } = await reader.raw<{ rows: Array<{ day: string }> }>(
      `select to_char(day, 'YYYY-MM-DD') as day from ${this.table} where day >= ?::date and day < ?::date order by day`,
      [fromDay, toDay],
    );
    return rows.map((r) => r.day);
  }
}
