import express, { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import type { CitizenAuthService } from '../../src/auth/citizen-auth.service';
import type { Db } from '../../src/db/db';
import { parseInput } from '../../src/http/validate';
import type { IntakeService } from '../../src/intake/intake.service';
import type { SurveyAnswers } from '../../src/callback/survey-answers.service';
import { satisfactions } from '../../src/callback/survey';
import { listTranscript } from '../../src/intake/transcript';
import { AppError } from '../../src/shared/errors';
import type { CitizenTicketsService } from '../../src/tickets/citizen-tickets.service';
import type { AppointmentsService } from '../../src/appointments/appointments.service';
import { appointmentModes } from '../../src/appointments/appointments.repository';

export interface MiniProgramDeps {
  db: Db;
  appointments: AppointmentsService;
  surveys: SurveyAnswers;
  citizenAuth: CitizenAuthService;
  intake: IntakeService;
  citizenTickets: CitizenTicketsService;
  bodyLimitBytes: number;
}

type CitizenRequest = Request & { citizen?: { contactId: number; openid: string } };

const fileReference = z.string().regex(/^(https:\/\/|cloud:\/\/)\S{1,500}$/, 'an https:// URL or a cloud:// file id from the upload');
export const messageBody = z
  .strictObject({
    /** The client's id for this message: sending it twice (a retry) stores it once. */
    clientMessageId: z.string().regex(/^[\w-]{8,64}$/, '8–64 letters, digits, _ or -'),
    text: z.string().trim().max(2_000).default(''),
    images: z
      .array(z.strictObject({ url: fileReference, contentType: z.string().max(100).default('image/jpeg') }))
      .max(9)
      .default([]),
    location: z
      .strictObject({
        address: z.string().trim().min(1).max(200),
        latitude: z.number().min(-90).max(90),
        longitude: z.number().min(-180).max(180),
      })
      .optional(),
    requestType: z.literal('proxy').optional(),
  })
  .refine((m) => m.text.length > 0 || m.images.length > 0, { message: 'a message needs text or an image' });

/**
 * The WeChat mini-program's API, for citizens (/api/mp/v1): sign in with the wx.login code,
 * send requests and chat messages (into the same intake as every channel), read the chat,
 * and follow one's own tickets. Staff never use it; citizens never reach /api/v1.
 */
export const loginBody = z.strictObject({ code: z.string().trim().min(1).max(128).describe('from wx.login()') });
export const idPath = z.strictObject({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
export const surveyAnswerBody = z.strictObject({
  contacted: z.boolean(),
  resolved: z.boolean(),
  satisfaction: z.enum(satisfactions),
  comment: z.string().trim().min(1).max(500).optional(),
});
export const transcriptQuery = z.strictObject({
  after: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});

export const slotsQuery = z.strictObject({
  matterId: z.coerce.number().int().positive().optional(),
  mode: z.enum(appointmentModes).optional(),
});
export const bookingBody = z.strictObject({
  slotId: z.number().int().positive(),
  ticketId: z.number().int().positive().optional().describe('one of my tickets the appointment serves'),
  address: z.string().trim().min(2).max(200).optional().describe('where, for a home visit (上门办理)'),
});

export function miniProgramRouter(deps: MiniProgramDeps): Router {
  const router = Router();
  router.use(express.json({ limit: deps.bodyLimitBytes }));

  router.post('/login', async (req, res) => {
    const { code } = parseInput(loginBody, req.body ?? {}, 'body');
    const session = await deps.citizenAuth.login(code);
    res.json({ token: session.token, expiresAt: session.expiresAt });
  });

  const citizenOnly: RequestHandler = async (req, _res, next) => {
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const citizen = token ? await deps.citizenAuth.authenticate(token) : undefined;
    if (!citizen) return next(new AppError('UNAUTHENTICATED', 'sign in through /api/mp/v1/login first'));
    (req as CitizenRequest).citizen = citizen;
    next();
  };
  router.use(citizenOnly);

  router.post('/messages', async (req, res) => {
    const citizen = (req as CitizenRequest).citizen!;
    const body = parseInput(messageBody, req.body ?? {}, 'body');
    const { messageId, duplicate } = await deps.intake.receive({
      channel: 'miniprogram',
      providerId: body.clientMessageId,
      from: { wechatOpenid: citizen.openid },
      text: body.text,
      media: body.images,
      location: body.location,
      requestType: body.requestType,
      receivedAt: new Date(),
      raw: body,
    });
    res.status(202).json({ messageId, duplicate });
  });

  // The callback survey (回访) as a card: what is open now, and its answers all at once.
  router.get('/survey', async (req, res) => {
    const citizen = (req as CitizenRequest).citizen!;
    res.json({ survey: await deps.surveys.openCard(citizen.contactId) });
  });

  router.post('/surveys/:id/answers', async (req, res) => {
    const citizen = (req as CitizenRequest).citizen!;
    const { id } = parseInput(idPath, req.params, 'path');
    const body = parseInput(surveyAnswerBody, req.body ?? {}, 'body');
    res.json(await deps.surveys.answerCard(citizen.contactId, id, body));
  });

  router.get('/messages', async (req, res) => {
    const citizen = (req as CitizenRequest).citizen!;
    const query = parseInput(transcriptQuery, req.query, 'query');
    res.json({ items: await listTranscript(deps.db, citizen, query.after ? new Date(query.after) : undefined, query.limit) });
  });

  // 预约: the open slots of the next 30 days, my bookings, a booking, a cancellation.
  router.get('/appointment-slots', async (req, res) => {
    const query = parseInput(slotsQuery, req.query, 'query');
    const from = new Date();
    res.json({ items: await deps.appointments.slots({ ...query, from, to: new Date(from.getTime() + 30 * 86_400_000), openOnly: true }) });
  });
  router.post('/appointments', async (req, res) => {
    const body = parseInput(bookingBody, req.body ?? {}, 'body');
    const booked = await deps.appointments.book({ ...body, contactId: (req as CitizenRequest).citizen!.contactId, channel: 'miniprogram' });
    res.status(201).json(mine(booked));
  });
  router.get('/appointments', async (req, res) => {
    res.json({ items: (await deps.appointments.mine((req as CitizenRequest).citizen!.contactId)).map(mine) });
  });
  router.post('/appointments/:id/cancel', async (req, res) => {
    const { id } = parseInput(idPath, req.params, 'path');
    res.json(mine(await deps.appointments.cancel(id, { userId: null, contactId: (req as CitizenRequest).citizen!.contactId }, null)));
  });

  router.get('/tickets', async (req, res) => {
    res.json({ items: await deps.citizenTickets.list((req as CitizenRequest).citizen!.contactId) });
  });

  router.get('/tickets/:id', async (req, res) => {
    const { id } = parseInput(idPath, req.params, 'path');
    res.json(await deps.citizenTickets.get((req as CitizenRequest).citizen!.contactId, id));
  });

  return router;
}

/** A citizen's own appointment, as the mini-program shows it. */
function mine(a: Awaited<ReturnType<AppointmentsService['mine']>>[number]) {
  return {
    id: a.id,
    status: a.status,
    mode: a.mode,
    startsAt: a.startsAt,
    endsAt: a.endsAt,
    departmentName: a.departmentName,
    matterName: a.matterName,
    address: a.address,
    ticketNumber: a.ticketNumber,
  };
}
