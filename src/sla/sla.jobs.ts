import type { Db } from '../db/db';
import type { JobHandlers } from '../jobs/queue';
import type { Logger } from '../shared/logger';
import type { SlaConfigService } from './sla-config.service';
import type { PeriodicTask } from '../jobs/periodic';
import type { ClockService } from './clocks.service';
import type { SlaAlerts } from './sla-alerts';
import type { SlaReports } from './sla-reports';

export function slaHandlers(clocks: ClockService): Pick<JobHandlers, 'sla.alert'> {
  return { 'sla.alert': (payload) => clocks.alertJob(payload) };
}

/** Alerts whose job was lost (Redis flush, a worker killed) are found from Postgres and fired once. */
export function slaSweep(clocks: ClockService, everyMs: number): PeriodicTask {
  return { name: 'sla-sweep', everyMs, run: async () => void (await clocks.sweep()) };
}

/** The supervisors' daily overdue digest, once a day per person. */
export function slaDigest(alerts: SlaAlerts): PeriodicTask {
  return { name: 'sla-digest', everyMs: 5 * 60_000, run: async () => void (await alerts.digest()) };
}

/** Rolls finished Beijing days up for the SLA report (sla_days), and keeps the last week up to date. */
export function slaRollup(reports: SlaReports): PeriodicTask {
  return { name: 'sla-rollup', everyMs: 10 * 60_000, run: async () => void (await reports.rollUpDue()) };
}

/**
 * From 1 November, while next year's holiday notice (放假安排) is not imported: the admins are
 * told in-app once a day (and at start), and the log says so. Deadlines reaching into next year
 * meanwhile count only the statutory holidays and are marked provisional; importing the notice
 * (POST /sla/calendars/{id}/import) re-plans them.
 */
export function holidayNoticeCheck(config: SlaConfigService, db: Db, logger: Logger, clock = () => new Date()): PeriodicTask {
  return {
    name: 'holiday-notice',
    everyMs: 60 * 60_000,
    async run() {
      const now = clock();
      const year = await config.missingNotice(now);
      if (year === undefined) return;
      const today = new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
      logger.warn(
        { year },
        `the ${year} holiday notice is not imported: deadlines in ${year} count only the statutory holidays and are provisional`,
      );
      await db.raw(
        `insert into notifications (user_id, kind, title, body, dedupe_key)
         select id, 'sla.holiday_notice', ?, ?, ? from users where role = 'admin' and active
         on conflict (user_id, dedupe_key) do nothing`,
        [
          `${year}年放假安排尚未导入`,
          `国务院办公厅${year}年部分节假日安排（含调休）尚未导入。涉及${year}年的办理时限暂按法定节假日计算，标记为“暂定”；导入后将自动重算（POST /api/v1/sla/calendars/{id}/import）。`,
          `holiday-notice:${year}:${today}`,
        ],
      );
    },
  };
}
