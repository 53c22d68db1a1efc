import type { Db } from '../db/db';
import { renderText } from '../notify/templates';

export interface TranscriptEntry {
  direction: 'in' | 'out';
  id: number;
  text: string;
  media: Array<{ url: string; contentType: string }>;
  ticketId: number | null;
  at: Date;
}

/**
 * A citizen's mini-program chat, both ways, oldest first: what they sent (inbound messages)
 * and what the hub sent them (outbox rows on the mini-program channel). The durable record
 * behind the push: a client that missed a push polls with `after`.
 */
export async function listTranscript(
  db: Db,
  contact: { contactId: number; openid: string },
  after: Date | undefined,
  limit: number,
): Promise<TranscriptEntry[]> {
  const { rows } = await db.raw<{
    rows: Array<{
      direction: 'in' | 'out';
      id: number;
      text: string | null;
      media: TranscriptEntry['media'] | null;
      ticket_id: number | null;
      kind: string | null;
      payload: Record<string, unknown> | null;
      at: Date;
    }>;
  }>(
    `select * from (
       select 'in' as direction, id, text, media, ticket_id, null as kind, null::jsonb as payload, created_at as at
         from inbound_messages where channel = 'miniprogram' and (contact_id = :contactId or from_openid = :openid)
       union all
       select 'out', id, null, null, ticket_id, kind, payload, created_at
         from outbox where channel = 'miniprogram' and recipient->>'contactId' = :contactIdText and status <> 'cancelled'
     ) m
     -- Clients echo times back in JSON (milliseconds); compare at that precision.
     where (:after::timestamptz is null or date_trunc('milliseconds', m.at) > :after::timestamptz)
     order by m.at, m.direction, m.id
     limit :limit`,
    { contactId: contact.contactId, contactIdText: String(contact.contactId), openid: contact.openid, after: after ?? null, limit },
  );
  return rows.map((row) => ({
    direction: row.direction,
    id: row.id,
    text: row.direction === 'in' ? (row.text ?? '') : (renderText(row.kind ?? '', row.payload ?? {}) ?? ''),
    media: row.media ?? [],
    ticketId: row.ticket_id,
    at: row.at,
  }));
}
