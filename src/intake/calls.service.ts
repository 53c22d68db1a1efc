import { onDutySeats } from '../auth/users.repository';
import type { Db } from '../db/db';
import { topics, type RealtimeBus } from '../jobs/realtime';
import type { StaffEvent } from '../shared/live-events';
import { found, invalid } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { normalizePhone } from '../shared/phone';
import type { UserActor, UserRole } from '../shared/roles';
import type { TicketStatus } from '../tickets/ticket.types';
import { findTicketByNumber } from '../tickets/tickets.repository';
import * as calls from './calls.repository';

/**
 * The phone channel's bookkeeping: which calls came in, what the caller chose, and how the
 * call ended. A call that ends without being served (no request recorded, no status given,
 * no operator reached) becomes a callback task (漏接回拨) in the operators' queue.
 */
export class CallsService {
  constructor(
    private readonly db: Db,
    private readonly bus: RealtimeBus,
    private readonly logger: Logger,
  ) {}

  callStarted(callSid: string, fromPhone: string | null): Promise<void> {
    return calls.upsertCall(this.db, { callSid, fromPhone });
  }

  menuChosen(callSid: string, choice: string): Promise<void> {
    return calls.updateCall(this.db, callSid, { menuChoice: choice });
  }

  served(callSid: string, outcome: calls.CallOutcome): Promise<void> {
    return calls.updateCall(this.db, callSid, { outcome });
  }

  /**
   * A caller waits for a person: the call pops up on the consoles of the seats on duty (a 代办 choice
   * goes to the proxy-application seats), with the number and what they chose. How many were offered it.
   */
  async offerToSeats(offer: {
    callSid: string;
    phone: string | null;
    menu: string | null;
    source: 'ivr' | 'switch';
    seat?: string;
  }): Promise<number> {
    const roles: UserRole[] = offer.menu === 'proxy' ? ['proxy_seat'] : ['operator', 'proxy_seat'];
    const seats = await onDutySeats(this.db, roles, offer.seat);
    const event = {
      type: 'call',
      callId: offer.callSid,
      phone: offer.phone,
      menu: offer.menu,
      source: offer.source,
      at: new Date().toISOString(),
    } as const;
    await Promise.all(seats.map((seat) => this.tell(topics.user(seat.id), event)));
    this.logger.info({ callSid: offer.callSid, seats: seats.length }, 'call offered to seats');
    return seats.length;
  }

  /** The IVR put the caller in the seats' queue ("0 人工"). */
  async queuedForSeats(callSid: string): Promise<number> {
    await calls.updateCall(this.db, callSid, { menuChoice: 'operator' });
    const call = await calls.findCall(this.db, callSid);
    return this.offerToSeats({ callSid, phone: call?.fromPhone ?? null, menu: 'operator', source: 'ivr' });
  }

  /** The call-center switch reports a call ringing for the seats (its own call id; the number may be withheld). */
  async incoming(input: { callId: string; phone?: string; menu?: string; seat?: string }): Promise<{ callSid: string; offeredTo: number }> {
    const phone = input.phone === undefined ? null : normalizePhone(input.phone);
    if (phone === undefined) throw invalid(`电话“${input.phone}”不是有效的电话号码`);
    const callSid = `switch:${input.callId}`;
    await calls.upsertCall(this.db, { callSid, fromPhone: phone });
    if (input.menu !== undefined) await calls.updateCall(this.db, callSid, { menuChoice: input.menu });
    const offeredTo = await this.offerToSeats({ callSid, phone, menu: input.menu ?? null, source: 'switch', seat: input.seat });
    return { callSid, offeredTo };
  }

  /** What a caller hears when asking by number; one indexed read inside the webhook. */
  async ticketStatus(number: string): Promise<TicketStatus | undefined> {
    return (await findTicketByNumber(this.db, number))?.status;
  }

  /** Twilio's final call status: unserved calls get a callback task, once. */
  async callEnded(callSid: string, status: string, durationSeconds: number | undefined): Promise<void> {
    await calls.updateCall(this.db, callSid, { status, durationSeconds, ended: true });
    const call = await calls.findCall(this.db, callSid);
    if (!call || call.outcome !== null) return;
    const reason = status === 'completed' ? 'abandoned' : 'missed';
    await calls.insertCallbackTask(this.db, { callId: call.id, phone: call.fromPhone, reason });
    await this.tell(topics.center, { type: 'queue', queue: 'callback_tasks', at: new Date().toISOString() });
    this.logger.info({ callSid, reason }, 'callback task created');
  }

  listCallbackTasks(status: 'open' | 'done', limit: number): Promise<calls.CallbackTaskRecord[]> {
    return calls.listCallbackTasks(this.db, status, limit);
  }

  async completeCallbackTask(actor: UserActor, id: number, input: { note: string; reached: boolean }): Promise<calls.CallbackTaskRecord> {
    return found(await calls.completeCallbackTask(this.db, id, { userId: actor.userId, ...input }), '进行中的回访任务');
  }

  /** Live events are best effort: a webhook never fails for them (the queues are the record). */
  private tell(topic: string, event: StaffEvent): Promise<void> {
    return this.bus.publish(topic, event).catch((err: unknown) => this.logger.warn({ err, topic }, 'realtime publish failed'));
  }
}
