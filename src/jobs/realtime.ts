import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import type { RealtimeEvent } from '../shared/live-events';
import type { Logger } from '../shared/logger';

/** Who hears what: one citizen; the staff by scope (tickets), the center (its queues), one staff user. */
export const topics = {
  citizen: (contactId: number) => `citizen:${contactId}`,
  tickets: 'staff:tickets',
  center: 'staff:center',
  user: (userId: number) => `user:${userId}`,
} as const;

/**
 * Fan-out of events to whichever process holds the WebSocket: the citizens' mini-program sessions
 * and the staff console. With Redis, every api process hears every publish (pub/sub); without, it is
 * this process only (role all). Best effort by design: the API is the durable record, the push only
 * saves a poll.
 */
export interface RealtimeBus {
  publish(topic: string, event: RealtimeEvent): Promise<void>;
  subscribe(topic: string, listener: (event: RealtimeEvent) => void): () => void;
  close(): Promise<void>;
}

export class LocalRealtimeBus implements RealtimeBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  async publish(topic: string, event: RealtimeEvent): Promise<void> {
    this.emitter.emit(topic, event);
  }

  subscribe(topic: string, listener: (event: RealtimeEvent) => void): () => void {
    this.emitter.on(topic, listener);
    return () => this.emitter.off(topic, listener);
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
    this.channel = `${prefix}:realtime`;
    this.publisher = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
    this.subscriber = new Redis(redisUrl);
    for (const connection of [this.publisher, this.subscriber])
      connection.on('error', (err) => logger.warn({ err }, 'redis (realtime) error'));
    void this.subscriber.subscribe(this.channel);
    this.subscriber.on('message', (_channel, raw: string) => {
      try {
        const { topic, event } = JSON.parse(raw) as { topic: string; event: RealtimeEvent };
        void this.local.publish(topic, event);
      } catch (err) {
        logger.warn({ err }, 'unreadable realtime message');
      }
    });
  }

  async publish(topic: string, event: RealtimeEvent): Promise<void> {
    await this.publisher.publish(this.channel, JSON.stringify({ topic, event }));
  }

  subscribe(topic: string, listener: (event: RealtimeEvent) => void): () => void {
    return this.local.subscribe(topic, listener);
  }

  async close(): Promise<void> {
    await this.local.close();
    this.subscriber.disconnect();
    this.publisher.disconnect();
  }
}
