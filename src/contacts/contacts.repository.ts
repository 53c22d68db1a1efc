import { columnList, returningAs, type Queryable } from '../db/db';
import type { Vulnerability } from '../shared/pii';

/**
 * Citizens' contact rows: one per phone number and per WeChat openid, holding the latest name,
 * anonymity and confidentiality given (each ticket keeps what was given on it: tickets.caller).
 * The one place that reads and writes them, but for the ticket insert, which upserts its callers
 * inside its own one-statement batch (src/tickets/tickets.repository.ts, insertTickets) for speed.
 */
export interface ContactRecord {
  id: number;
  phone: string | null;
  wechatOpenid: string | null;
  name: string | null;
  idNumber: string | null;
  anonymous: boolean;
  confidential: boolean;
  smsOptedOut: boolean;
  /** Elderly, disabled, seriously ill: flagged with their consent, seen by those who serve them (src/shared/pii.ts). */
  vulnerability: Vulnerability[];
}

export const contactColumns = {
  id: 'id',
  phone: 'phone',
  wechatOpenid: 'wechat_openid',
  name: 'name',
  idNumber: 'id_number',
  anonymous: 'anonymous',
  confidential: 'confidential',
  smsOptedOut: 'sms_opted_out',
  vulnerability: 'vulnerability',
};

/** The contact behind a phone number or WeChat openid, created on first contact. */
export async function upsertContactByIdentity(db: Queryable, identity: { phone?: string; wechatOpenid?: string }): Promise<ContactRecord> {
  const [contact] = await upsertContactsByIdentity(db, [identity]);
  if (!contact) throw new Error('a contact needs a phone number or an openid');
  return contact;
}

/**
 * Many contacts at once, by phone or by openid (intake's batches). Rows are locked in a fixed
 * order, so two batches that share contacts wait for each other instead of deadlocking.
 */
export async function upsertContactsByIdentity(
  db: Queryable,
  identities: ReadonlyArray<{ phone?: string; wechatOpenid?: string }>,
): Promise<ContactRecord[]> {
  const found: ContactRecord[] = [];
  for (const column of ['phone', 'wechat_openid'] as const) {
    const values = [
      ...new Set(
        identities.map((i) => (column === 'phone' ? i.phone : i.phone ? undefined : i.wechatOpenid)).filter((v): v is string => Boolean(v)),
      ),
    ].sort();
    if (values.length === 0) continue;
    const { rows } = await db.raw<{ rows: ContactRecord[] }>(
      `insert into contacts (${column}) select unnest(?::text[]) order by 1
       on conflict (${column}) where ${column} is not null do update set updated_at = now()
       returning ${columnList(contactColumns)}`,
      [values],
    );
    found.push(...rows);
  }
  return found;
}

/** A caller who withheld their number: a contact of their own, marked anonymous. */
export async function insertAnonymousContact(db: Queryable): Promise<ContactRecord> {
  const [row] = await db('contacts').insert({ anonymous: true }).returning(returningAs(contactColumns));
  return row as ContactRecord;
}

export async function setSmsOptOut(db: Queryable, contactId: number, optedOut: boolean): Promise<void> {
  await db('contacts').update({ sms_opted_out: optedOut, updated_at: db.fn.now() }).where({ id: contactId });
}

export async function findContacts(db: Queryable, ids: readonly number[]): Promise<ContactRecord[]> {
  if (ids.length === 0) return [];
  return db('contacts').select(contactColumns).whereIn('id', ids);
}

/** The contact of a phone number (normalised, E.164), if the hotline has one. */
export async function findContactByPhone(db: Queryable, phone: string): Promise<ContactRecord | undefined> {
  return db('contacts').select(contactColumns).where({ phone }).first<ContactRecord | undefined>();
}

/** The contact's vulnerability, with the consent it was given on; none (and no consent kept) clears it. */
export async function setVulnerability(
  db: Queryable,
  contactId: number,
  vulnerability: readonly Vulnerability[],
  consent: { method: string; recordedBy: number; recordedByName: string; note: string | null } | null,
): Promise<boolean> {
  const updated = await db('contacts')
    .update({
      vulnerability: [...vulnerability],
      vulnerability_consent: consent ? JSON.stringify({ ...consent, at: new Date().toISOString() }) : null,
      updated_at: db.fn.now(),
    })
    .where({ id: contactId })
    .whereNull('anonymised_at');
  return updated > 0;
}

export async function vulnerabilityConsent(db: Queryable, contactId: number): Promise<Record<string, unknown> | null> {
  const row = await db('contacts').select('vulnerability_consent').where({ id: contactId }).first();
  return (row?.vulnerability_consent as Record<string, unknown> | null) ?? null;
}
