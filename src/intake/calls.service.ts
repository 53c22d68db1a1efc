import type { UserActor } from '../shared/roles';
import type { Db } from '../db/db';
import { found } from '../shared/errors';
import type { Logger } from '../shared/logger';
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
    this.logger.info({ callSid, reason }, 'callback task created');
  }

  listCallbackTasks(status: 'open' | 'done', limit: number): Promise<calls.CallbackTaskRecord[]> {
    return calls.listCallbackTasks(this.db, status, limit);
  }

  async completeCallbackTask(actor: UserActor, id: number, input: { note: string; reached: boolean }): Promise<calls.CallbackTaskRecord> {
    return found(await calls.completeCallbackTask(this.db, id, { userId: actor.userId, ...input }), 'open callback task');
  }
}
