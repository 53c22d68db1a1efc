import { findCategoryById } from '../org/categories.repository';
import type { TransitionHook } from '../tickets/ports';
import { recordLabel } from './labels.repository';
import { triageJobs } from './triage.jobs';

/**
 * New tickets are classified after commit (one job per batch). A category an operator sets, or
 * confirms by dispatching or answering on the phone (直接办结), is a label the classifier learns
 * from, whether it took the suggestion or not (not the system's own guess).
 */
export const triageHook: TransitionHook = {
  async created(work, ticketIds) {
    for (const { payload, options } of triageJobs(ticketIds)) work.enqueue({ name: 'ticket.triage', payload, options });
  },
  async afterWrite(work, { action, actor, before, after }) {
    const byPerson = actor.kind === 'user' && (action === 'dispatch' || action === 'resolve_directly');
    const labelled = action === 'categorize' || byPerson;
    if (!labelled || after.categoryId === null) return;
    const category = await findCategoryById(work.trx, after.categoryId);
    if (!category) return;
    const suggested = (before.classification as { category?: { code?: string } | null } | null)?.category?.code ?? null;
    await recordLabel(work.trx, {
      ticketId: after.id,
      text: after.description,
      categoryCode: category.code,
      suggestedCode: suggested,
      userId: actor.kind === 'user' ? actor.userId : null,
    });
  },
};
