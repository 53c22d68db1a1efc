import { z } from 'zod';
import type { PostalTracker } from '../../src/proxy/ports';

const answer = z.object({
  trackingNumber: z.string(),
  status: z.enum(['in_transit', 'delivered', 'returned']),
  deliveredAt: z.string().datetime({ offset: true }).optional(),
});

/**
 * The postal service's tracking API over HTTP (中国邮政 EMS or a provincial 政邮 platform behind a
 * JSON gateway): GET {baseUrl}/tracking/{number} with the API key. Anything but a clear answer
 * throws, and the delivery is checked again later.
 */
export class HttpPostalTracker implements PostalTracker {
  constructor(private readonly options: { baseUrl: string; apiKey: string; timeoutMs: number }) {}

  async track(trackingNumber: string): Promise<{ status: 'in_transit' | 'delivered' | 'returned'; at?: Date }> {
    const response = await fetch(`${this.options.baseUrl.replace(/\/$/, '')}/tracking/${encodeURIComponent(trackingNumber)}`, {
      headers: { authorization: `Bearer ${this.options.apiKey}`, accept: 'application/json' },
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    if (!response.ok) throw new Error(`postal tracking answered HTTP ${response.status}`);
    const parsed = answer.safeParse(await response.json());
    if (!parsed.success) throw new Error(`postal tracking answered something unexpected: ${parsed.error.issues[0]?.message ?? ''}`);
    return { status: parsed.data.status, at: parsed.data.deliveredAt ? new Date(parsed.data.deliveredAt) : undefined };
  }
}
