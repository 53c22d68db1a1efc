import { upsertContactByIdentity } from '../contacts/contacts.repository';
import type { Db } from '../db/db';
import type { UnitOfWork, Work } from '../db/unit-of-work';
import type { PeriodicTask } from '../jobs/periodic';
import { findDepartmentById } from '../org/departments.repository';
import type { OutboxMessage } from '../outbox/message-catalogue';
import { notifyUsers } from '../outbox/notifications';
import type { Outbox } from '../outbox/outbox';
import { findMatterById } from '../proxy/runners.repository';
import { AppError, conflict, forbidden, found, invalid, notFound } from '../shared/errors';
import { normalizePhone } from '../shared/phone';
import { isCenterRole, type UserActor } from '../shared/roles';
import { specialModeLabels } from '../tickets/hard-case-labels';
import * as repo from './appointments.repository';
import type { AppointmentChannel, AppointmentMode, AppointmentRow } from './appointments.repository';

/** Reminders go out the day before (within this horizon of the start). */
const remindAhead = 24 * 3_600_000;

const when = (at: Date) =>
  new Intl.DateTimeFormat('zh-CN', {
    timeZone: 'Asia/Shanghai',
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(at);

/**
 * Appointments (特殊办, 预约): slots a department's window or a runner team opens — early, late, at home, on a
 * holiday — booked by the seat, the mini-program or SMS (each citizen once a slot, never past its capacity);
 * confirmed and, the day before, reminded to the citizen and to whoever serves them (the runner of the order a home
 * visit goes on, else the department's staff); kept or missed recorded.
 */
export class AppointmentsService {
  constructor(
    private readonly db: Db,
    private readonly work: UnitOfWork,
    private readonly outbox: Outbox,
  ) {}

  async createSlot(
    actor: UserActor,
    input: { departmentId: number; matterId?: number; mode: AppointmentMode; startsAt: Date; endsAt: Date; capacity: number },
  ) {
    if (actor.role === 'dept_head' && actor.departmentId !== input.departmentId) throw forbidden('部门负责人只能开放本部门的预约时段');
    if (!(await findDepartmentById(this.db, input.departmentId))?.active) throw invalid(`部门 ${input.departmentId} 不存在或已停用`);
    if (input.matterId !== undefined && !(await findMatterById(this.db, input.matterId)))
      throw invalid(`代办事项 ${input.matterId} 不存在`);
    if (input.endsAt <= input.startsAt) throw invalid('结束时间必须晚于开始时间');
    if (input.startsAt <= new Date()) throw invalid('预约时段的开始时间必须晚于现在');
    const id = await repo.insertSlot(this.db, { ...input, matterId: input.matterId ?? null, createdBy: actor.userId });
    return found(await repo.findSlot(this.db, id), '预约时段');
  }

  slots(filter: Parameters<typeof repo.listSlots>[1]) {
    return repo.listSlots(this.db, filter);
  }

  list(actor: UserActor, filter: { from?: Date; to?: Date; departmentId?: number }) {
    // Department staff (and runners) see their own department's appointments; the center sees all.
    const departmentId = isCenterRole(actor.role) ? filter.departmentId : (actor.departmentId ?? -1);
    return repo.listAppointments(this.db, { ...filter, departmentId });
  }

  /** The seat books for a caller (by phone, or the citizen of the ticket it serves). */
  async bookBySeat(input: { slotId: number; phone?: string; ticketId?: number; address?: string }) {
    let contactId: number | undefined;
    if (input.ticketId !== undefined) {
      const ticket = await repo.orderOfTicket(this.db, input.ticketId);
      if (!ticket) throw invalid(`工单 ${input.ticketId} 不存在`);
      contactId = ticket.contactId ?? undefined;
    }
    if (contactId === undefined) {
      const phone = input.phone === undefined ? undefined : normalizePhone(input.phone);
      if (!phone) throw invalid('需要市民电话（或有来电人的工单）');
      contactId = (await upsertContactByIdentity(this.db, { phone })).id;
    }
    return this.book({ slotId: input.slotId, contactId, ticketId: input.ticketId, address: input.address, channel: 'seat' });
  }

  /**
   * A booking, whichever way it comes: the slot locked, open, in the future and not full; a home visit needs the
   * address (the order's applicant's when the ticket has one) and goes on the ticket's 代办 order. Confirmed to the
   * citizen; the runner of that order is told.
   */
  async book(input: {
    slotId: number;
    contactId: number;
    ticketId?: number;
    address?: string;
    channel: AppointmentChannel;
  }): Promise<AppointmentRow> {
    const id = await this.work.run((work) => this.bookIn(work, input));
    return found(await repo.findAppointment(this.db, id), '预约');
  }

  /** 预约 by SMS ("预约 12"), in the message's unit of work: booked (and confirmed), or why not, in the citizen's words. */
  async bookBySms(work: Work, contactId: number, slotId: number): Promise<{ booked: true } | { booked: false; reason: string }> {
    try {
      await this.bookIn(work, { slotId, contactId, channel: 'sms' });
      return { booked: true };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const reason =
        error.code === 'NOT_FOUND'
          ? `没有编号为${slotId}的预约时段，请核对后重发，或致电12345。`
          : error.code === 'VALIDATION_FAILED'
            ? '上门办理需要登记地址，请致电12345预约。'
            : `时段${slotId}不能预约（已约满、已开始，或您已预约），请选择其他时段。`;
      return { booked: false, reason };
    }
  }

  private async bookIn(
    work: Work,
    input: { slotId: number; contactId: number; ticketId?: number; address?: string; channel: AppointmentChannel },
  ): Promise<number> {
    const slot = await repo.lockSlot(work.trx, input.slotId);
    if (!slot) throw notFound('预约时段');
    if (slot.startsAt <= new Date()) throw conflict('该时段已开始，请选择更晚的时段');
    if (slot.booked >= slot.capacity) throw conflict('该时段已约满，请选择其他时段');
    const ticket = input.ticketId === undefined ? undefined : await repo.orderOfTicket(work.trx, input.ticketId);
    if (input.ticketId !== undefined && (!ticket || ticket.contactId !== input.contactId))
      throw invalid(`工单 ${input.ticketId} 不是该市民的`);
    const address = input.address ?? (slot.mode === 'home' ? (ticket?.address ?? undefined) : undefined);
    if (slot.mode === 'home' && !address) throw invalid('上门办理需要填写地址');
    const booked = await repo.insertAppointment(work.trx, {
      slotId: slot.id,
      contactId: input.contactId,
      ticketId: input.ticketId ?? null,
      orderId: slot.mode === 'home' ? (ticket?.orderId ?? null) : null,
      address: address ?? null,
      channel: input.channel,
    });
    if (booked === undefined) throw conflict('该市民已预约此时段');
    const appointment = found(await repo.findAppointment(work.trx, booked), '预约');
    await this.tell(work, appointment, 'booked');
    return booked;
  }

  /** A citizen's own appointments (the mini-program). */
  mine(contactId: number) {
    return repo.listAppointments(this.db, { contactId });
  }

  async cancel(id: number, by: { userId: number | null; contactId?: number }, note: string | null) {
    const appointment = found(await repo.findAppointment(this.db, id), '预约');
    if (by.contactId !== undefined && appointment.contactId !== by.contactId) throw notFound('预约');
    if (!(await repo.setStatus(this.db, id, 'cancelled', by.userId, note))) throw conflict(`该预约当前为 ${appointment.status}`);
    return found(await repo.findAppointment(this.db, id), '预约');
  }

  /** Kept (served: at any time) or missed (only once its time has come), by whoever serves it. */
  async outcome(actor: UserActor, id: number, status: 'kept' | 'missed', note: string | null) {
    const appointment = found(await repo.findAppointment(this.db, id), '预约');
    const serves = isCenterRole(actor.role) || appointment.departmentId === actor.departmentId || appointment.runnerUserId === actor.userId;
    if (!serves) throw forbidden('只有承办该预约的人员可以登记');
    if (status === 'missed' && appointment.startsAt > new Date()) throw conflict('预约时间到了才能登记爽约');
    if (!(await repo.setStatus(this.db, id, status, actor.userId, note))) throw conflict(`该预约当前为 ${appointment.status}`);
    return found(await repo.findAppointment(this.db, id), '预约');
  }

  /** The day before: each booked appointment reminded once, to the citizen and to whoever serves it. */
  async remind(now = new Date()): Promise<number> {
    let total = 0;
    for (;;) {
      const done = await this.work.run(async (work) => {
        const ids = await repo.takeDueReminders(work.trx, now, remindAhead, 100);
        for (const id of ids) await this.tell(work, found(await repo.findAppointment(work.trx, id), '预约'), 'reminder');
        return ids.length;
      });
      total += done;
      if (done < 100) return total;
    }
  }

  private async tell(work: Work, a: AppointmentRow, occasion: 'booked' | 'reminder'): Promise<void> {
    const what = `${a.matterName ? `「${a.matterName}」` : ''}${specialModeLabels[a.mode]}`;
    const place = a.mode === 'home' ? `，工作人员将上门（${a.address}）` : `，请到${a.departmentName}窗口`;
    const text =
      occasion === 'booked'
        ? `【12345】您已预约${when(a.startsAt)}${what}${place}。如需取消请回复或致电12345。`
        : `【12345】提醒：您预约的${what}在${when(a.startsAt)}${place}。`;
    const message: OutboxMessage = {
      kind: 'citizen.chat_reply',
      channel: a.channel === 'miniprogram' ? 'miniprogram' : 'sms',
      recipient: { contactId: a.contactId },
      payload: { text: text.replace(/^【12345】/, ''), ticketId: a.ticketId, appointmentId: a.id },
      ticketId: a.ticketId,
      dedupeKey: `appointment-${occasion}:${a.id}`,
    };
    await this.outbox.write(work, [message]);
    const staff =
      a.runnerUserId !== null ? [a.runnerUserId] : occasion === 'reminder' ? await repo.activeStaff(work.trx, a.departmentId) : [];
    await notifyUsers(
      work,
      staff.map((userId) => ({
        userId,
        kind: `appointment.${occasion}`,
        ticketId: a.ticketId,
        path: a.orderId ? `/runner/orders/${a.orderId}` : '/appointments',
        title: `${occasion === 'booked' ? '新预约' : '预约提醒'}：${when(a.startsAt)} ${what}`,
        body: `${a.name ?? '市民'}${a.mode === 'home' ? `，上门地址：${a.address}` : ''}`,
        dedupeKey: `appointment-${occasion}:${a.id}:${userId}`,
      })),
    );
  }
}

/** Reminders every ten minutes (each once, whichever worker sends it). */
export function appointmentReminders(appointments: AppointmentsService): PeriodicTask {
  return { name: 'appointment-reminders', everyMs: 10 * 60_000, run: async () => void (await appointments.remind()) };
}
