import { findContactByPhone } from '../contacts/contacts.repository';
import type { Db } from '../db/db';
import { invalid } from '../shared/errors';
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
    if (!phone) throw invalid(`"${phoneInput}" is not a phone number`);
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
      },
      open: tickets.filter((t) => !ended.has(t.status)),
      past: tickets.filter((t) => ended.has(t.status)),
      lastConversation: lastConversation ?? null,
    };
  }
}
