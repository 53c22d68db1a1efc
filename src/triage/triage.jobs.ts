import type { Db } from '../db/db';
import { triageBatchSize } from '../jobs/job-catalogue';
import { chunks } from '../shared/chunks';
import type { JobHandlers, JobQueue } from '../jobs/queue';
import type { PeriodicTask } from '../jobs/periodic';
import type { TriageService } from './triage.service';

/**
 * The triage jobs for tickets just opened: one per batch of up to triageBatchSize, so a burst of
 * thousands costs the queue a few dozen jobs, not one each. idSuffix tells apart enqueues of the
 * same tickets that must not be taken for repeats (the recovery sweep's, once a minute).
 */
export function triageJobs(ticketIds: readonly number[], idSuffix = '') {
  return chunks(ticketIds, triageBatchSize).map((batch) => ({
    payload: { ticketIds: batch },
    options: { jobId: `triage-${batch[0]}-${batch.length}${idSuffix}` },
  }));
}

export function triageHandlers(triage: TriageService): Pick<JobHandlers, 'ticket.triage'> {
  return { 'ticket.triage': ({ ticketIds }, { logger }) => triage.triageMany(ticketIds, logger) };
}

/** Picks up a model trained by another process (npm run train, a retraining worker). */
export function classifierReload(triage: TriageService): PeriodicTask {
  return { name: 'classifier-reload', everyMs: 15_000, run: () => triage.reloadIfChanged() };
}

/** Tickets still `new` a minute after creation lost their triage job (Redis flush, crash between commit and enqueue). */
export function triageRecovery(db: Db, queue: JobQueue): PeriodicTask {
  return {
    name: 'triage-recovery',
    everyMs: 60_000,
    run: async () => {
      const stale = await db('tickets')
        .select<Array<{ id: number }>>('id')
        .where({ status: 'new' })
        .where('created_at', '<', db.raw("now() - interval '1 minute'"))
        .orderBy('id')
        .limit(1_000);
      // A per-minute job id: sweeps of several workers in the same minute enqueue once, and a job
      // that failed for good (kept by BullMQ under its id) does not block the retry.
      const minute = Math.floor(Date.now() / 60_000);
      await queue.enqueueMany(
        'ticket.triage',
        triageJobs(
          stale.map(({ id }) => id),
          `-recovery-${minute}`,
        ),
      );
    },
  };
}

/** Retrains on operators' labels once enough have arrived since the active model. */
export function classifierRetraining(triage: TriageService, minLabels: number): PeriodicTask {
  return { name: 'classifier-retraining', everyMs: 10 * 60_000, run: async () => void (await triage.retrainIfDue(minLabels)) };
}
