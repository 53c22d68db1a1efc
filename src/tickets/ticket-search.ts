import type { Knex } from 'knex';
import type { Db } from '../db/db';
import type { PeriodicTask } from '../jobs/periodic';
import { indexTerms, queryWords } from '../shared/chinese-words';
import { normalizePhone } from '../shared/phone';

/**
 * Finding tickets by what staff type into the list's search box: a ticket number, a citizen's phone
 * number, or words — of the ticket's title, description and address, cut by jieba as the knowledge base's
 * are. One rule, here; the list query applies it (tickets.repository.ts).
 */

/** A ticket's words for its search vector (migrations/…_ticket_search.ts): title, description and address. */
export const ticketSearchText = (ticket: { title: string; description: string; address: string | null }): string =>
  indexTerms(`${ticket.title}\n${ticket.description}\n${ticket.address ?? ''}`).join(' ');

const ticketNumber = /^\d{8}-\d{5,6}$/;
const addressFiller = new Set(['号', '路', '街', '巷', '弄', '楼', '栋', '幢', '座', '室', '层', '院', '村', '区', '镇', '乡']);

export type TicketSearch = { by: 'number'; number: string } | { by: 'phone'; phone: string } | { by: 'words'; tsquery: string | null };

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
  // The one-character words of an address (号, 路, 楼 …) narrow nothing and cost a scan of nearly every ticket:
  // with other words they are left out (滨河路18号 asks for 滨河路 and 18). Other one-character words match the
  // words they begin (对照组甲 → 甲; 水 → 水管, 水费).
  const kept = words.filter((w) => !addressFiller.has(w));
  const lexeme = (w: string) => `'${w.replace(/'/g, "''")}'${[...w].length === 1 ? ':*' : ''}`;
  return { by: 'words', tsquery: words.length > 0 ? (kept.length > 0 ? kept : words).map(lexeme).join(' & ') : null };
}

/**
 * The condition on `t` (tickets): the number; the phone of the citizen or of one merged in (each by its
 * index, then the two sets joined: an OR across tables would read every ticket); or every word among the
 * ticket's (one GIN index, whose statistics let the planner choose well). Punctuation alone finds nothing.
 */
export function whereSearch(query: Knex.QueryBuilder, search: TicketSearch): void {
  if (search.by === 'number') {
    query.where('t.number', search.number);
    return;
  }
  if (search.by === 'phone') {
    query.whereRaw(
      `t.id in (select x.id from tickets x where x.contact_id in (select id from contacts where phone = :phone)
                union select r.ticket_id from ticket_requesters r where r.contact_id in (select id from contacts where phone = :phone))`,
      { phone: search.phone },
    );
    return;
  }
  if (search.tsquery) query.whereRaw(`t.search @@ to_tsquery('simple', ?)`, [search.tsquery]);
  else query.whereRaw('false');
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
            .select<Array<{ id: number; title: string; description: string; address: string | null }>>(
              'id',
              'title',
              'description',
              'address',
            )
            .whereNull('search')
            .orderBy('id', 'desc')
            .limit(batch)
            .forUpdate()
            .skipLocked();
          if (rows.length === 0) return 0;
          await trx.raw(
            `update tickets t set search = to_tsvector('simple', x.terms)
               from unnest(?::bigint[], ?::text[]) as x(id, terms) where t.id = x.id`,
            [rows.map((r) => r.id), rows.map((r) => ticketSearchText(r))],
          );
          return rows.length;
        });
        if (filled < batch) return;
      }
    },
  };
}
