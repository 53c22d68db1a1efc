import { audit } from '../auth/audit';
import { findContactByPhone, findContacts, setVulnerability, vulnerabilityConsent } from '../contacts/contacts.repository';
import type { Db } from '../db/db';
import { invalid, notFound } from '../shared/errors';
import { maskPhone, type Vulnerability } from '../shared/pii';
import type { UserActor } from '../shared/roles';
import { normalizePhone } from '../shared/phone';
import { lastConversationOf, ticketsOfCaller } from './caller-history.repository';

const ended = new Set(['closed', 'cancelled']);

/**
 * 来电弹屏: who is calling, from their number — the contact as the hotline knows it (confidentiality,
 * anonymity, SMS unsubscribed), their open tickets, their past ones with the callback survey's outcome
 * and satisfaction, and their last conversation. For the hotline center's seats only (the route says so).
 */
export class CallerHistory {
  constructor(private readonly db: Db) {}

  async lookup(phoneInput: string) {
    const phone = normalizePhone(phoneInput);
    if (!phone) throw invalid(`“${phoneInput}”不是电话号码`);
    const contact = await findContactByPhone(this.db, phone);
    if (!contact) return { phone, contact: null, open: [], past: [], lastConversation: null };
    const [tickets, lastConversation] = await Promise.all([
      ticketsOfCaller(this.db, contact.id, 50),
      lastConversationOf(this.db, contact.id),
    ]);
    return {
      phone,
      contact: {
        id: contact.id,
        name: contact.name,
        phone: contact.phone,
        anonymous: contact.anonymous,
        confidential: contact.confidential,
        smsOptedOut: contact.smsOptedOut,
        vulnerability: contact.vulnerability,
      },
      open: tickets.filter((t) => !ended.has(t.status)),
      past: tickets.filter((t) => ended.has(t.status)),
      lastConversation: lastConversation ?? null,
    };
  }

  /**
   * 特殊群体: a citizen who is elderly, disabled or seriously ill is flagged on their contact only with their consent
   * (how it was given, by whom, when); none clears it (consent withdrawn). Each change is in the audit log.
   */
  async setVulnerability(
    actor: UserActor,
    contactId: number,
    kinds: readonly Vulnerability[],
    consent: { method: string; note: string | null } | null,
  ) {
    const [contact] = await findContacts(this.db, [contactId]);
    if (!contact) throw notFound('联系方式');
    await this.db.transaction(async (trx) => {
      const recorded = consent && { ...consent, recordedBy: actor.userId, recordedByName: actor.displayName };
      if (!(await setVulnerability(trx, contactId, kinds, recorded))) throw notFound('联系方式（已匿名化）');
      await audit(trx, {
        action: kinds.length > 0 ? 'contact.vulnerability_recorded' : 'contact.vulnerability_cleared',
        actor: { userId: actor.userId, name: actor.displayName },
        target: `contact:${contactId}`,
        ip: actor.address ?? null,
        details: { phone: maskPhone(contact.phone), vulnerability: kinds, method: consent?.method ?? null },
      });
    });
    return { contactId, vulnerability: [...kinds], consent: await vulnerabilityConsent(this.db, contactId) };
  }
}
