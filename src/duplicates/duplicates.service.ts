import type { Db } from '../db/db';
import { found } from '../shared/errors';
import { piiLens } from '../shared/pii';
import type { Actor } from '../shared/roles';
import { duplicateThreshold, scoreDuplicate, wordsOf } from './duplicate-score';
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
    const ticket = found(await requestOf(this.db, ticketId), 'ticket');
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
