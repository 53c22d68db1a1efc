import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import type { Logger } from '../shared/logger';

/** What a citizen's open mini-program session is told at once: a new message for them, or a ticket's new status. */
export interface CitizenEvent {
  /** survey: a callback question, shown as a card the citizen answers in the chat. */
  type: 'message' | 'ticket' | 'survey';
  callbackId?: number;
  step?: string;
  ticketId?: number;
  number?: string;
  status?: string;
  text?: string;
  at: string;
}

/**
 * Fan-out of citizen events to whichever process holds their WebSocket. With Redis, every
 * api process hears every publish (pub/sub); without, it is this process only (role all).
 * Best effort by design: the transcript endpoint is the durable record, the push only saves a poll.
 */
export interface RealtimeBus {
  publish(contactId: number, event: CitizenEvent): Promise<void>;
  subscribe(contactId: number, listener: (event: CitizenEvent) => void): () => void;
  close(): Promise<void>;
}

export class LocalRealtimeBus implements RealtimeBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  async publish(contactId: number, event: CitizenEvent): Promise<void> {
    this.emitter.emit(String(contactId), event);
  }

  subscribe(contactId: number, listener: (event: CitizenEvent) => void): () => void {
    this.emitter.on(String(contactId), listener);
    return () => this.emitter.off(String(contactId), listener);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}

export class RedisRealtimeBus implements RealtimeBus {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly local = new LocalRealtimeBus();
  private readonly channel: string;

  constructor(redisUrl: string, prefix: string, logger: Logger) {
    this.channel = `${prefix}:citizen-events`;
    this.publisher = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
    this.subscriber = new Redis(redisUrl);
    for (const connection of [this.publisher, this.subscriber])
      connection.on('error', (err) => logger.warn({ err }, 'redis (realtime) error'));
    void this.subscriber.subscribe(this.channel);
    this.subscriber.on('message', (_channel, raw: string) => {
      try {
        const { contactId, event } = JSON.parse(raw) as { contactId: number; event: CitizenEvent };
        void this.local.publish(contactId, event);
      } catch (err) {
        logger.warn({ err }, 'unreadable realtime message');
      }
    });
  }

  async publish(contactId: number, event: CitizenEvent): Promise<void> {
    await this.publisher.publish(this.channel, JSON.stringify({ contactId, event }));
  }

  subscribe(contactId: number, listener: (event: CitizenEvent) => void): () => void {
    return this.local.subscribe(contactId, listener);
  }

  async close(): Promise<void> {
    await this.local.close();
    this.subscriber.disconnect();
    this.publisher.disconnect();
  }
}
