import { z } from 'zod';
import type { InboundMessage } from '../../src/intake/intake.types';
import { normalizePhone } from '../../src/shared/phone';

/** The fields of Twilio's inbound-message webhook that we use; the rest is kept raw. */
export const inboundSchema = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/, 'a Twilio message SID'),
  From: z.string().min(3).max(32),
  Body: z.string().max(5_000).optional().default(''),
  NumMedia: z.coerce.number().int().min(0).max(10).optional().default(0),
});

export type NormalizeResult = { ok: true; message: InboundMessage } | { ok: false; reason: string };

export function normalizeInboundSms(body: Record<string, unknown>, receivedAt = new Date()): NormalizeResult {
  const parsed = inboundSchema.safeParse(body);
  if (!parsed.success) return { ok: false, reason: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  const phone = normalizePhone(parsed.data.From);
  if (!phone) return { ok: false, reason: `From "${parsed.data.From}" is not a phone number` };
  const media: InboundMessage['media'] = [];
  for (let i = 0; i < parsed.data.NumMedia; i += 1) {
    const url = body[`MediaUrl${i}`];
    if (typeof url === 'string' && /^https?:\/\//.test(url))
      media.push({ url, contentType: String(body[`MediaContentType${i}`] ?? 'application/octet-stream') });
  }
  return {
    ok: true,
    message: {
      channel: 'sms',
      providerId: parsed.data.MessageSid,
      from: { phone },
      text: parsed.data.Body.trim(),
      media,
      receivedAt,
      raw: body,
    },
  };
}

export const statusCallbackSchema = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/),
  MessageStatus: z.enum([
    'accepted',
    'scheduled',
    'queued',
    'sending',
    'sent',
    'delivered',
    'undelivered',
    'failed',
    'read',
    'canceled',
    'receiving',
    'received',
  ]),
  ErrorCode: z.string().max(10).optional(),
});
