import type { Db } from '../db/db';
import type { JobHandlers, JobQueue } from '../jobs/queue';
import type { PeriodicTask } from '../jobs/periodic';
import { AppError } from '../shared/errors';
import type { TicketsService } from '../tickets/tickets.service';

export const triageJobId = (ticketId: number) => `triage-${ticketId}`;

/**
 * Triage of a new ticket. Until a classifier is configured every new ticket
 * waits in `triage` for an operator; the classifier plugs in here.
 */
export function triageHandlers(tickets: TicketsService): Pick<JobHandlers, 'ticket.triage'> {
  return {
    'ticket.triage': async ({ ticketId }) => {
      try {
        await tickets.perform({ kind: 'system', name: 'triage' }, ticketId, 'triage', { note: '待话务员分拨（未配置自动分类）' }, { readBack: false });
      } catch (error) {
        // Already past triage (an operator acted first, or a retry), or gone: nothing left to do.
        if (error instanceof AppError && (error.code === 'INVALID_TRANSITION' || error.code === 'NOT_FOUND')) return 'skipped';
        throw error;
      }
      return 'done';
    },
  };
}

/** Tickets still `new` a minute after creation lost their triage job (Redis flush, crash between commit and enqueue). */
export function triageRecovery(db: Db, queue: JobQueue): PeriodicTask {
  return {
    name: 'triage-recovery',
    everyMs: 60_000,
    run: async () => {
      const stale = await db('tickets').select<Array<{ id: number }>>('id').where({ status: 'new' }).where('created_at', '<', db.raw("now() - interval '1 minute'")).limit(1_000);
      // A per-minute job id: sweeps of several workers in the same minute enqueue once, and a job
      // that failed for good (kept by BullMQ under its id) does not block the retry.
      const minute = Math.floor(Date.now() / 60_000);
      for (const { id } of stale) await queue.enqueue('ticket.triage', { ticketId: id }, { jobId: `${triageJobId(id)}-recovery-${minute}` });
    },
  };
}
