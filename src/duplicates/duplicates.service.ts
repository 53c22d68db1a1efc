import { findContactByPhone } from '../contacts/contacts.repository';
import type { Db } from '../db/db';
import { found } from '../shared/errors';
import { normalizePhone } from '../shared/phone';
import { piiLens } from '../shared/pii';
import type { Actor } from '../shared/roles';
import { duplicateThreshold, scoreDuplicate, wordsOf, type Request } from './duplicate-score';
import { openCandidates, requestOf } from './duplicates.repository';

export interface DuplicateCandidate {
  ticketId: number;
  number: string;
  title: string;
  status: string;
  score: number;
  reasons: string[];
}

/**
 * 并单 suggestions: a ticket's likely duplicates among the open tickets of the week around it — the same
 * caller, the same place or category — scored by what they share (src/duplicates/duplicate-score.ts) and
 * offered, best first, from the threshold up.
 */
export class DuplicatesService {
  constructor(private readonly db: Db) {}

  async forTicket(viewer: Actor, ticketId: number, limit: number): Promise<DuplicateCandidate[]> {
    return this.rank(viewer, found(await requestOf(this.db, ticketId), '工单'), limit);
  }

  /** The same for a call still being logged at the seat (what the operator has typed so far). */
  async forDraft(
    viewer: Actor,
    draft: { description: string; address?: string; regionId?: number; categoryId?: number; phone?: string },
    limit: number,
  ): Promise<DuplicateCandidate[]> {
    const phone = draft.phone ? normalizePhone(draft.phone) : undefined;
    const contact = phone ? await findContactByPhone(this.db, phone) : undefined;
    return this.rank(
      viewer,
      {
        id: 0,
        description: draft.description,
        address: draft.address ?? null,
        regionId: draft.regionId ?? null,
        categoryId: draft.categoryId ?? null,
        contactId: contact?.id ?? null,
        location: null,
        createdAt: new Date(),
      },
      limit,
    );
  }

  private async rank(viewer: Actor, ticket: Request & { id: number }, limit: number): Promise<DuplicateCandidate[]> {
    const words = wordsOf(ticket.description);
    const pii = piiLens(viewer);
    return (await openCandidates(this.db, ticket))
      .map((candidate) => ({ candidate, ...scoreDuplicate({ ...ticket, words }, candidate) }))
      .filter((c) => c.score >= duplicateThreshold)
      .sort((a, b) => b.score - a.score || b.candidate.id - a.candidate.id)
      .slice(0, limit)
      .map(({ candidate, score, reasons }) => ({
        ticketId: candidate.id,
        number: candidate.number,
        title: pii.text(candidate.title),
        status: candidate.status,
        score,
        reasons,
      }));
  }
}
