import { z } from 'zod';
import { type ApiRouter, idParams } from '../http/api-router';
import { beijingDays, daySchema, instant } from '../http/validate';
import { piiLens } from '../shared/pii';
import type { UserActor } from '../shared/roles';
import { appointmentModes, type AppointmentRow } from './appointments.repository';
import type { AppointmentsService } from './appointments.service';

const seats = ['operator', 'proxy_seat', 'supervisor', 'admin'] as const;
const at = z.iso.datetime({ offset: true }).transform((value) => new Date(value));

export const slotAnswer = z
  .object({
    id: z.number().int(),
    departmentId: z.number().int(),
    departmentName: z.string(),
    matterId: z.number().int().nullable(),
    matterName: z.string().nullable(),
    mode: z.enum(appointmentModes),
    startsAt: instant,
    endsAt: instant,
    capacity: z.number().int(),
    booked: z.number().int(),
  })
  .meta({ id: 'AppointmentSlot' });

export const appointmentAnswer = z
  .object({
    id: z.number().int(),
    slotId: z.number().int(),
    ticketId: z.number().int().nullable(),
    ticketNumber: z.string().nullable(),
    orderId: z.number().int().nullable(),
    address: z.string().nullable(),
    channel: z.string(),
    status: z.enum(['booked', 'kept', 'missed', 'cancelled']),
    remindedAt: instant.nullable(),
    outcomeAt: instant.nullable(),
    note: z.string().nullable(),
    name: z.string().nullable(),
    phone: z.string().nullable().describe('masked for department staff and runners'),
    mode: z.enum(appointmentModes),
    startsAt: instant,
    endsAt: instant,
    departmentId: z.number().int(),
    departmentName: z.string(),
    matterName: z.string().nullable(),
  })
  .meta({ id: 'Appointment' });

/** An appointment as a viewer may see it: the citizen through the one masking rule. */
export function presentAppointment(a: AppointmentRow, viewer: UserActor) {
  const { contactId: _contactId, runnerUserId: _runner, createdAt: _created, ...rest } = a;
  const contact = piiLens(viewer).contact({ name: a.name, phone: a.phone, idNumber: null, anonymous: false, confidential: false });
  return { ...rest, name: contact.name, phone: contact.phone };
}

/** Appointments (特殊办, 预约) under /api/v1: slots, bookings by the seat, kept or missed. */
export function registerAppointmentRoutes(api: ApiRouter, appointments: AppointmentsService): void {
  api.route({
    method: 'get',
    path: '/appointment-slots',
    tag: 'appointments',
    summary: 'Appointment slots in a period of Beijing days: early, late, at home, on a holiday; with how many are booked',
    access: 'staff',
    query: z.strictObject({
      from: daySchema,
      to: daySchema,
      departmentId: z.coerce.number().int().positive().optional(),
      matterId: z.coerce.number().int().positive().optional(),
      mode: z.enum(appointmentModes).optional(),
      open: z
        .enum(['true', 'false'])
        .transform((v) => v === 'true')
        .optional(),
    }),
    response: z.object({ items: z.array(slotAnswer) }),
    handler: async ({ query }) => ({
      items: await appointments.slots({ ...query, ...beijingDays(query), openOnly: query.open }),
    }),
  });

  api.route({
    method: 'post',
    path: '/appointment-slots',
    tag: 'appointments',
    summary: 'Open a slot: a department’s window or a runner team, a matter (or any), the mode, the time, the capacity',
    access: ['admin', 'supervisor', 'dept_head'],
    body: z.strictObject({
      departmentId: z.number().int().positive(),
      matterId: z.number().int().positive().optional(),
      mode: z.enum(appointmentModes),
      startsAt: at,
      endsAt: at,
      capacity: z.number().int().min(1).max(200),
    }),
    successStatus: 201,
    response: slotAnswer,
    handler: ({ actor, body }) => appointments.createSlot(actor, body),
  });

  api.route({
    method: 'get',
    path: '/appointments',
    tag: 'appointments',
    summary: 'Appointments in a period; department staff and runners see their own department’s',
    access: 'staff',
    query: z.strictObject({ from: daySchema, to: daySchema, departmentId: z.coerce.number().int().positive().optional() }),
    response: z.object({ items: z.array(appointmentAnswer) }),
    handler: async ({ actor, query }) => ({
      items: (await appointments.list(actor, { ...beijingDays(query), departmentId: query.departmentId })).map((a) =>
        presentAppointment(a, actor),
      ),
    }),
  });

  api.route({
    method: 'post',
    path: '/appointments',
    tag: 'appointments',
    summary: 'Book a slot for a caller (by phone, or for the citizen of a ticket); a home visit needs the address',
    access: seats,
    body: z
      .strictObject({
        slotId: z.number().int().positive(),
        phone: z.string().trim().min(3).max(32).optional(),
        ticketId: z.number().int().positive().optional(),
        address: z.string().trim().min(2).max(200).optional(),
      })
      .refine((b) => b.phone !== undefined || b.ticketId !== undefined, { message: '请给出来电人电话或工单' }),
    successStatus: 201,
    response: appointmentAnswer,
    handler: async ({ actor, body }) => presentAppointment(await appointments.bookBySeat(body), actor),
  });

  const note = z.strictObject({ note: z.string().trim().min(1).max(300).optional() });
  for (const [path, summary] of [
    ['kept', 'Record that the appointment was kept (served)'],
    ['missed', 'Record that the citizen missed it (once its time has come)'],
  ] as const)
    api.route({
      method: 'post',
      path: `/appointments/:id/${path}`,
      tag: 'appointments',
      summary,
      access: [...seats, 'director', 'agent', 'dept_head', 'runner'],
      params: idParams,
      body: note,
      response: appointmentAnswer,
      handler: async ({ actor, params, body }) =>
        presentAppointment(await appointments.outcome(actor, params.id, path, body.note ?? null), actor),
    });
  api.route({
    method: 'post',
    path: '/appointments/:id/cancel',
    tag: 'appointments',
    summary: 'Cancel a booked appointment (its place is free again)',
    access: seats,
    params: idParams,
    body: note,
    response: appointmentAnswer,
    handler: async ({ actor, params, body }) =>
      presentAppointment(await appointments.cancel(params.id, { userId: actor.userId }, body.note ?? null), actor),
  });
}
