import { recordInteraction } from './chat-inbound.repository';
import { createHash } from 'node:crypto';
import type { AuthService } from '../auth/auth.service';
import type { UserActor } from '../shared/roles';
import type { Db } from '../db/db';
import type { JobPayload } from '../jobs/job-catalogue';
import type { JobOutcome, JobQueue } from '../jobs/queue';
import type { ChatApi } from '../notify/ports';
import { AppError } from '../shared/errors';
import { shanghaiTime } from '../shared/time';
import type { Logger } from '../shared/logger';
import { actionBodies } from '../tickets/ticket.schemas';
import { findTicketByNumber } from '../tickets/tickets.repository';
import type { TicketsService } from '../tickets/tickets.service';

export type ChatAction = JobPayload<'chat.action'>['action'];

const unmapped = '你的 Slack 账号尚未绑定 12345 热线系统用户，请联系系统管理员绑定后再操作。';

/**
 * Department work from Slack: every button and form runs as the hub user mapped to the Slack
 * account, through the same lifecycle service and RBAC as the web API. Interactions are
 * recorded once (Slack may deliver one twice) and performed by a job, so the request is
 * acknowledged at once; a refusal comes back as a message only the clicker sees.
 */
export class ChatActionsService {
  constructor(
    private readonly db: Db,
    private readonly auth: AuthService,
    private readonly queue: JobQueue,
    private readonly tickets: TicketsService,
    private readonly chat: ChatApi,
    private readonly logger: Logger,
  ) {}

  /** Before opening a form: why this Slack user may not do this now (zh-CN), or undefined. */
  async refusal(slackUserId: string, ticketId: number, action: ChatAction): Promise<string | undefined> {
    const actor = await this.auth.authenticateChatUser(slackUserId);
    if (!actor) return unmapped;
    if (action === 'view') return undefined;
    const reason = await this.tickets.refusal(actor, ticketId, action);
    return reason ? `无法操作：${reason}` : undefined;
  }

  /** Records the interaction and queues it; false when Slack already delivered this one. */
  async submit(dedupeKey: string, payload: JobPayload<'chat.action'>): Promise<boolean> {
    if (!(await recordInteraction(this.db, dedupeKey))) {
      this.logger.info({ dedupeKey }, 'Slack delivered an interaction twice; the repeat is ignored');
      return false;
    }
    await this.queue.enqueue('chat.action', payload, {
      jobId: `chat-${createHash('sha256').update(dedupeKey).digest('hex').slice(0, 32)}`,
    });
    return true;
  }

  /** Tells the clicker something only they see. */
  tell(channelId: string, slackUserId: string, text: string): Promise<void> {
    return this.chat.postEphemeral(channelId, slackUserId, text);
  }

  /** The job: perform as the mapped user; a refusal is told to them, a success shows on the card (outbox). */
  async run(payload: JobPayload<'chat.action'>): Promise<JobOutcome> {
    const actor = await this.auth.authenticateChatUser(payload.slackUserId);
    if (!actor) {
      await this.tell(payload.channelId, payload.slackUserId, unmapped);
      return 'skipped';
    }
    try {
      if (payload.action === 'view') {
        await this.tell(payload.channelId, payload.slackUserId, await this.describe(actor, payload.ticketId));
        return 'done';
      }
      const body = actionBodies[payload.action].safeParse(payload.body);
      if (!body.success) {
        await this.tell(
          payload.channelId,
          payload.slackUserId,
          `无法操作：${body.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
        );
        return 'skipped';
      }
      await this.tickets.perform(actor, payload.ticketId, payload.action, body.data as never, { readBack: false });
      return 'done';
    } catch (error) {
      if (!(error instanceof AppError) || !error.operational) throw error;
      await this.tell(payload.channelId, payload.slackUserId, `无法操作：${error.message}`);
      return 'skipped';
    }
  }

  /** `/12345 <ticket number>`: the status, for a mapped user who may see the ticket. */
  async status(slackUserId: string, text: string): Promise<string> {
    const number = /\d{8}-\d{5,}/.exec(text)?.[0];
    if (!number) return '用法：/12345 工单编号，例如 /12345 20261122-00042';
    const actor = await this.auth.authenticateChatUser(slackUserId);
    if (!actor) return unmapped;
    const ticket = await findTicketByNumber(this.db, number);
    if (!ticket) return `未找到工单 ${number}`;
    try {
      return await this.describe(actor, ticket.id);
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND') return `未找到工单 ${number}（或不属于你的部门）`;
      throw error;
    }
  }

  private async describe(actor: UserActor, ticketId: number): Promise<string> {
    const ticket = await this.tickets.get(actor, ticketId);
    const recent = ticket.timeline
      .slice(-3)
      .map((e) => `· ${shanghaiTime(e.at)} ${e.type}${e.reason ? `：${e.reason}` : ''}`)
      .join('\n');
    return [
      `工单 ${ticket.number}｜${ticket.statusLabel}｜${ticket.requestTypeLabel}`,
      ticket.title,
      `承办：${ticket.leadDepartment?.name ?? '未派单'}${ticket.replyDueAt ? `｜答复时限：${shanghaiTime(ticket.replyDueAt)}` : ''}`,
      recent,
    ].join('\n');
  }
}
