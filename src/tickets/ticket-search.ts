import type { Knex } from 'knex';
import type { Db } from '../db/db';
import type { PeriodicTask } from '../jobs/periodic';
import { indexTerms, queryWords } from '../shared/chinese-words';
import { normalizePhone } from '../shared/phone';

/**
 * Finding tickets by what staff type into the list's search box: a ticket number, a citizen's phone
 * number, or words — the ticket's own (title and description, cut by jieba as the knowledge base's are)
 * or its address. One rule, here; the list query applies it (tickets.repository.ts).
 */

/** A ticket's words for its search vector (migrations/…_ticket_search.ts), written with the ticket. */
export const ticketSearchText = (title: string, description: string): string => indexTerms(`${title}\n${description}`).join(' ');

const ticketNumber = /^\d{8}-\d{5,6}$/;

export type TicketSearch =
  { by: 'number'; number: string } | { by: 'phone'; phone: string } | { by: 'words'; tsquery: string | null; pattern: string };

/** What a search box's text asks for. */
export function parseTicketSearch(text: string): TicketSearch {
  const q = text.normalize('NFKC').trim();
  if (ticketNumber.test(q)) return { by: 'number', number: q };
  const digits = q.replace(/[\s-]/g, '');
  if (/^\+?\d{7,15}$/.test(digits)) {
    const phone = normalizePhone(digits);
    if (phone) return { by: 'phone', phone };
  }
  const words = queryWords(q);
  return {
    by: 'words',
    tsquery: words.length > 0 ? words.map((w) => `'${w.replace(/'/g, "''")}'`).join(' & ') : null,
    pattern: `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`,
  };
}

/**
 * The condition on `t` (tickets): the number; the phone of the citizen or of one merged in; or every word
 * among the ticket's (its GIN index), or the whole text within its address (trigrams). A text of no
 * words (a single character, punctuation) is looked for in the address alone.
 */
export function whereSearch(db: Knex, query: Knex.QueryBuilder, search: TicketSearch): void {
  if (search.by === 'number') {
    query.where('t.number', search.number);
    return;
  }
  if (search.by === 'phone') {
    const contact = db('contacts').select('id').where('phone', search.phone);
    query.where((q) =>
      q
        .whereIn('t.contact_id', contact)
        .orWhereExists(db('ticket_requesters as tr').select(db.raw('1')).whereRaw('tr.ticket_id = t.id').whereIn('tr.contact_id', contact)),
    );
    return;
  }
  query.where((q) => {
    if (search.tsquery) q.whereRaw(`t.search @@ to_tsquery('simple', ?)`, [search.tsquery]);
    q.orWhere('t.address', 'ilike', search.pattern);
  });
}

/**
 * The words of tickets not indexed yet: those from before the search existed, and new ones the seat
 * dispatched or answered at once (the classifier indexes the rest as it classifies them). Newest first, a
 * batch at a time in one statement (the partial index finds them); several workers share the work (skip
 * locked). New tickets are written without their words: the write path stays as fast as it was.
 */
export function ticketSearchIndexer(db: Db, batch = 2_000): PeriodicTask {
  return {
    name: 'ticket-search-indexer',
    everyMs: 5_000,
    run: async () => {
      for (let round = 0; round < 20; round += 1) {
        const filled = await db.transaction(async (trx) => {
          const rows = await trx('tickets')
            .select<Array<{ id: number; title: string; description: string }>>('id', 'title', 'description')
            .whereNull('search')
            .orderBy('id', 'desc')
            .limit(batch)
            .forUpdate()
            .skipLocked();
          if (rows.length === 0) return 0;
          await trx.raw(
            `update tickets t set search = to_tsvector('simple', x.terms)
               from unnest(?::bigint[], ?::text[]) as x(id, terms) where t.id = x.id`,
            [rows.map((r) => r.id), rows.map((r) => ticketSearchText(r.title, r.description))],
          );
          return rows.length;
        });
        if (filled < batch) return;
      }
    },
  };
}
