import type { JobHandlers } from '../jobs/queue';
import type { PeriodicTask } from '../jobs/periodic';
import type { IntakeService } from './intake.service';

export function intakeHandlers(intake: IntakeService): Pick<JobHandlers, 'intake.process'> {
  return { 'intake.process': () => intake.process() };
}

export function intakeRecovery(intake: IntakeService): PeriodicTask {
  return { name: 'intake-recovery', everyMs: 30_000, run: async () => void (await intake.sweep()) };
}
