import type { Work } from '../db/unit-of-work';
/** A message from a citizen, whatever channel it came by. Channels build it; intake stores and threads it. */
export interface InboundMessage {
  channel: 'sms' | 'phone' | 'miniprogram';
  /** The provider's id (Twilio MessageSid or CallSid, WeChat msg id): one message per channel and id. */
  providerId: string;
  from: { phone?: string; wechatOpenid?: string };
  text: string;
  media: Array<{ url: string; contentType: string }>;
  location?: { address?: string; latitude?: number; longitude?: number };
  /** When the channel already knows it (the phone menu's 2 is a proxy application, 代办). */
  requestType?: 'proxy';
  receivedAt: Date;
  raw: Record<string, unknown>;
}

export type InboundKind =
  'request' | 'follow_up' | 'status_query' | 'opt_out' | 'empty' | 'survey_answer' | 'hand_to_person' | 'appointment';

/** 预约 by SMS ("预约 12"): src/appointments books the slot for the citizen in the message's unit of work; a refusal in words for them. */
export interface SmsBooking {
  bookBySms(work: Work, contactId: number, slotId: number): Promise<{ booked: true } | { booked: false; reason: string }>;
}
