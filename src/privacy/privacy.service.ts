import { audit } from '../auth/audit';
import type { Db, Queryable } from '../db/db';
import type { PeriodicTask } from '../jobs/periodic';
import type { ObjectStore } from '../media/ports';
import { invalid, notFound } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { normalizePhone } from '../shared/phone';
import { maskPhone } from '../shared/pii';
import type { UserActor } from '../shared/roles';
import * as repo from './privacy.repository';
import type { RetentionKind } from './privacy.repository';

const dayMs = 86_400_000;
const batch = 1_000;

/**
 * Personal data kept no longer than the center's policy says (个人信息保护法), and a citizen's requests to see
 * or delete theirs. What is past its time is erased or anonymised in place — a contact's phone, WeChat id,
 * name and ID number (on the contact, on the tickets as given, on messages, calls and callbacks), the words
 * of messages, photos and recordings, old audit entries, residents of the proactive register no import refreshed
 * — while the tickets, their timelines and every count and report stay as they were. One rule for a contact's erasure (repo.anonymise), used by both.
 */
export class PrivacyService {
  constructor(
    private readonly db: Db,
    private readonly store: ObjectStore,
    private readonly logger: Logger,
  ) {}

  policies() {
    return repo.listPolicies(this.db);
  }

  async setPolicy(kind: RetentionKind, keepDays: number) {
    if (kind === 'audit_log' && keepDays < 180) throw invalid('审计日志至少保留 180 天（网络安全法第二十一条）');
    await repo.updatePolicy(this.db, kind, keepDays);
    return (await this.policies()).find((p) => p.kind === kind)!;
  }

  /** Every kind past its time, as of `now` (a test moves it); how many of each were erased. */
  async apply(now = new Date()): Promise<Record<RetentionKind, number>> {
    const result = {} as Record<RetentionKind, number>;
    for (const policy of await this.policies()) {
      const cutoff = new Date(now.getTime() - policy.keepDays * dayMs);
      result[policy.kind] = await this.applyKind(policy.kind, cutoff);
      await repo.recordApplied(this.db, policy.kind, result[policy.kind]);
    }
    if (Object.values(result).some((n) => n > 0)) this.logger.info({ result }, 'retention applied');
    return result;
  }

  /** Batch after batch, each in its own transaction (several workers take different rows), until one is not full. */
  private async applyKind(kind: RetentionKind, cutoff: Date): Promise<number> {
    let total = 0;
    for (;;) {
      const done = await this.db.transaction(async (trx) => {
        if (kind === 'citizen_identity') return repo.anonymise(trx, await repo.dormantContacts(trx, cutoff, batch));
        if (kind === 'message_bodies') return repo.eraseMessageBodies(trx, cutoff, batch);
        if (kind === 'media') return this.eraseMedia(trx, cutoff);
        if (kind === 'resident_register') return repo.deleteStaleResidents(trx, cutoff, batch);
        return repo.deleteOldAudit(trx, cutoff, batch);
      });
      total += done;
      if (done < batch) return total;
    }
  }

  /** Photos and recordings: the files go, the rows stay (a ticket still says it had three photos). */
  private async eraseMedia(trx: Queryable, cutoff: Date, contactId?: number): Promise<number> {
    const rows = await repo.erasableMedia(trx, cutoff, batch, contactId);
    for (const row of rows) {
      await this.store.delete(row.objectKey);
      if (row.thumbnailKey) await this.store.delete(row.thumbnailKey);
    }
    await repo.markMediaErased(
      trx,
      rows.map((r) => r.id),
    );
    return rows.length;
  }

  /** The contact a citizen's request is about, by their phone number or WeChat openid. */
  private async findContact(who: { phone?: string; openid?: string }): Promise<{ id: number; phone: string | null }> {
    const phone = who.phone === undefined ? undefined : normalizePhone(who.phone);
    if (who.phone !== undefined && !phone) throw invalid('不是电话号码');
    const contact = await repo.findContactBy(this.db, phone ? { phone } : { openid: who.openid! });
    if (!contact) throw notFound('市民');
    return contact;
  }

  /** 查阅: everything the hotline holds on the citizen, for the admin to hand over; audited. */
  async access(actor: UserActor, who: { phone?: string; openid?: string }, reason: string) {
    const contact = await this.findContact(who);
    const data = await repo.citizenData(this.db, contact.id);
    await this.audited(this.db, actor, 'privacy.access', contact, reason, { tickets: data.tickets.length, messages: data.messages.length });
    return { contactId: contact.id, ...data };
  }

  /** 删除: the citizen's identity, messages and photos erased now (their tickets and counts stay); audited. */
  async erase(actor: UserActor, who: { phone?: string; openid?: string }, reason: string) {
    const contact = await this.findContact(who);
    return this.db.transaction(async (trx) => {
      // Read before the contact is anonymised: the proactive register's row of the same person goes too.
      const residents = await repo.forgetResident(trx, contact.id);
      await repo.anonymise(trx, [contact.id]);
      const everything = new Date(Date.now() + dayMs);
      let messages = 0;
      for (let n = batch; n === batch; messages += n) n = await repo.eraseMessageBodies(trx, everything, batch, contact.id);
      let media = 0;
      for (let n = batch; n === batch; media += n) n = await this.eraseMedia(trx, everything, contact.id);
      await this.audited(trx, actor, 'privacy.erasure', contact, reason, { messages, media, residents });
      return { contactId: contact.id, erased: { identity: true, messages, media, residents } };
    });
  }

  private audited(
    db: Queryable,
    actor: UserActor,
    action: 'privacy.access' | 'privacy.erasure',
    contact: { id: number; phone: string | null },
    reason: string,
    details: Record<string, unknown>,
  ) {
    return audit(db, {
      action,
      actor: { userId: actor.userId, name: actor.displayName },
      target: `contact:${contact.id}`,
      ip: actor.address,
      // The log says whose request it was without keeping the number whole.
      details: { phone: maskPhone(contact.phone), reason, ...details },
    });
  }
}

/** Every hour (a process restarted daily would never reach a daily timer): little to do but what fell due since. */
export function retentionTask(privacy: PrivacyService): PeriodicTask {
  return { name: 'retention', everyMs: 3_600_000, run: async () => void (await privacy.apply()) };
}
