import type { Tx } from '../db/db';
import type { UnitOfWork, Work } from '../db/unit-of-work';
import type { OutboxMessage, WorkChat } from '../outbox/message-catalogue';
import { notifyUsers } from '../outbox/notifications';
import type { Outbox } from '../outbox/outbox';
import { dutyOn } from '../org/duty-roster.repository';
import { shanghaiDay, shanghaiTime } from '../shared/time';
import type { ClockRecord } from './clocks.repository';
import type { SlaReports } from './sla-reports';
import { audienceLabels, humanDuration, stageLabels, type AlertLevel, type Audience } from './sla-rules';

interface Recipient {
  userId: number;
  phone: string | null;
}

/**
 * Who hears of an alert, and how: an in-app notification for each person of the level's
 * audience, the level's SMS when it asks for one, and Slack when configured (the department's
 * channel for its own people, the supervisors' channel with 催办/督办/批准延期 buttons above).
 */
export class SlaAlerts {
  constructor(
    private readonly work: UnitOfWork,
    private readonly outbox: Outbox,
    private readonly reports: SlaReports,
    private readonly options: { chat: false | { supervisorChannel?: string }; digestAt: string },
  ) {}

  /** Written in the firing transaction; its messages go out after commit. */
  async deliver(work: Work, alert: { alertId: number; clock: ClockRecord; level: AlertLevel; now: Date }): Promise<void> {
    const trx = work.trx;
    const { clock, level, now } = alert;
    const ticket = await trx('tickets')
      .select({ number: 'number', title: 'title', assigneeUserId: 'assignee_user_id', leadDepartmentId: 'lead_department_id' })
      .where('id', clock.ticketId)
      .first<{ number: string; title: string; assigneeUserId: number | null; leadDepartmentId: number | null }>();
    // The center's own stages (派单, 回访) have no department: its supervisors answer for them.
    const departmentId =
      clock.assignmentId !== null
        ? clock.departmentId
        : clock.stage === 'dispatch' || clock.stage === 'callback'
          ? null
          : ticket!.leadDepartmentId;
    const department =
      departmentId === null
        ? undefined
        : await trx('departments')
            .select({ id: 'id', name: 'name', slackChannelId: 'slack_channel_id', dutyPhone: 'duty_phone', workChat: 'work_chat' })
            .where({ id: departmentId })
            .first<{ id: number; name: string; slackChannelId: string | null; dutyPhone: string | null; workChat: WorkChat | null }>();
    const assigneeUserId = clock.assignmentId === null && departmentId !== null ? ticket!.assigneeUserId : null;
    const recipients = await recipientsOf(trx, level.audience, departmentId, assigneeUserId);

    const late = now.getTime() - clock.dueAt!.getTime();
    const when = late >= 0 ? `已超时 ${humanDuration(late)}` : `剩余 ${humanDuration(-late)}`;
    const place = !department ? '' : clock.assignmentId !== null ? `（协办：${department.name}）` : `（${department.name}）`;
    const title = `${level.name}｜工单 ${ticket!.number}`;
    const body = `「${ticket!.title}」${stageLabels[clock.stage]}时限 ${shanghaiTime(clock.dueAt!)}，${when}${place}。提醒：${audienceLabels[level.audience]}`;

    await notifyUsers(
      work,
      recipients.map((r) => ({
        userId: r.userId,
        kind: 'sla.alert',
        ticketId: clock.ticketId,
        alertId: alert.alertId,
        title,
        body,
        dedupeKey: `alert:${alert.alertId}`,
      })),
    );
    const messages: OutboxMessage[] = [];
    // 办不成事: the day's duty leader (值班领导) hears once of each of a hard case's deadlines that passes (the first alert
    // past it: a late sweep fires only the highest level due), in the console and by SMS.
    if (clock.stage.startsWith('hard_') && level.afterAmount !== null) {
      const { leader } = await dutyOn(trx, shanghaiDay(now));
      // Unless this very alert reaches them already (a supervisor leading the duty, a supervisors' level).
      if (leader && !recipients.some((r) => r.userId === leader.userId)) {
        await notifyUsers(work, [
          {
            userId: leader.userId,
            kind: 'sla.alert',
            ticketId: clock.ticketId,
            alertId: alert.alertId,
            title,
            body,
            dedupeKey: `hardcase-late:${clock.id}`,
          },
        ]);
        if (leader.phone)
          messages.push({
            kind: 'staff.alert',
            channel: 'sms',
            recipient: { phone: leader.phone, userId: leader.userId },
            payload: { ticketId: clock.ticketId, text: `【12345】${title}：${body}` },
            ticketId: clock.ticketId,
            dedupeKey: `hardcase-late-sms:${clock.id}`,
          });
      }
    }
    if (level.sms) {
      for (const r of recipients) {
        if (!r.phone) continue;
        messages.push({
          kind: 'staff.alert',
          channel: 'sms',
          recipient: { phone: r.phone, userId: r.userId },
          payload: { ticketId: clock.ticketId, text: `【12345】${title}：${body}` },
          ticketId: clock.ticketId,
          dedupeKey: `alert-sms:${alert.alertId}:${r.userId}`,
        });
      }
      // A level that texts people texts the department's duty phone (值班电话) too.
      if (department?.dutyPhone) {
        messages.push({
          kind: 'staff.alert',
          channel: 'sms',
          recipient: { phone: department.dutyPhone },
          payload: { ticketId: clock.ticketId, text: `【12345】${title}：${body}` },
          ticketId: clock.ticketId,
          dedupeKey: `alert-duty:${alert.alertId}`,
        });
      }
      // …and its work chat (WeCom or DingTalk), with the link to the ticket.
      if (department?.workChat) {
        messages.push({
          kind: 'chat.notice',
          channel: department.workChat,
          recipient: { departmentId: department.id },
          payload: { ticketId: clock.ticketId, title: title.slice(0, 64), text: body.slice(0, 500), path: `/tickets/${clock.ticketId}` },
          ticketId: clock.ticketId,
          dedupeKey: `alert-chat:${alert.alertId}`,
        });
      }
    }
    const chat = this.options.chat;
    const channel = !chat
      ? undefined
      : level.audience === 'supervisor' || level.audience === 'director'
        ? chat.supervisorChannel
        : (department?.slackChannelId ?? undefined);
    if (chat && channel) {
      const supervising = level.audience === 'supervisor' || level.audience === 'director';
      const extensionPending =
        supervising && (await trx('extension_requests').where({ ticket_id: clock.ticketId, status: 'pending' }).first('id')) !== undefined;
      messages.push({
        kind: 'chat.alert',
        channel: 'slack',
        recipient: { chatChannel: channel },
        payload: {
          ticketId: clock.ticketId,
          text: `${title}：${body}`,
          ...(supervising
            ? { actions: ['urge', 'supervise', ...(extensionPending ? ['approve_extension' as const] : []), 'view'] as const }
            : {}),
        },
        ticketId: clock.ticketId,
        dedupeKey: `alert-chat:${alert.alertId}`,
      });
    }
    await this.outbox.write(work, messages);
  }

  /**
   * The daily digest (每日超期汇总): once a day after `digestAt` (Beijing time), each supervisor
   * and the director get the list of what is overdue now; the supervisors' Slack channel too.
   * Unique per person and day, so every worker may run it.
   */
  async digest(now: Date = new Date()): Promise<number> {
    const day = shanghaiDay(now);
    const local = shanghaiTime(now).slice(-5);
    if (local < this.options.digestAt) return 0;
    const overdue = await this.reports.overdue({ limit: 1_000 });
    const count = overdue.length;
    const lines = overdue
      .slice(0, 20)
      .map((o) => `${o.number}「${o.title}」${o.stageLabel}超时 ${o.late}${o.departmentName ? `（${o.departmentName}）` : ''}`);
    const title = `每日超期汇总 ${day}：${count >= 1_000 ? '1000+' : count} 项超期`;
    const body =
      count === 0
        ? '目前没有超期工单。'
        : `${lines.join('\n')}${count > lines.length ? `\n……另有 ${count - lines.length} 项，见超期列表` : ''}`;
    return this.work.run(async (work) => {
      const supervisors = await work.trx('users').select('id').whereIn('role', ['supervisor', 'director']).andWhere({ active: true });
      if (supervisors.length === 0) return 0;
      const inserted = await notifyUsers(
        work,
        supervisors.map((u: { id: number }) => ({ userId: u.id, kind: 'sla.digest', title, body, dedupeKey: `digest:${day}` })),
      );
      const chat = this.options.chat;
      if (inserted > 0 && chat && chat.supervisorChannel) {
        await this.outbox.write(work, [
          {
            kind: 'chat.alert',
            channel: 'slack',
            recipient: { chatChannel: chat.supervisorChannel },
            payload: { text: `${title}\n${body}` },
            dedupeKey: `digest-chat:${day}`,
          },
        ]);
      }
      return inserted;
    });
  }
}

/** The people of an audience; a missing assignee or head falls to the next one up, the center's supervisors last. */
async function recipientsOf(trx: Tx, audience: Audience, departmentId: number | null, assigneeUserId: number | null): Promise<Recipient[]> {
  const users = (where: Record<string, unknown>) =>
    trx('users')
      .select({ userId: 'id', phone: 'phone' })
      .where({ active: true, ...where })
      .orderBy('id');
  if (audience === 'assignee' && assigneeUserId !== null) {
    const found = await users({ id: assigneeUserId });
    if (found.length > 0) return found;
  }
  if ((audience === 'assignee' || audience === 'dept_head') && departmentId !== null) {
    const heads = await users({ department_id: departmentId, role: 'dept_head' });
    if (heads.length > 0) return heads;
  }
  if (audience === 'director') {
    const directors = await users({ role: 'director' });
    if (directors.length > 0) return directors;
  }
  return users({ role: 'supervisor' });
}
