import type twilio from 'twilio';
import { DeliveryError, type SmsSender } from '../../src/notify/ports';

/** SmsSender over Twilio's Messages API; delivery reports come back to statusCallbackUrl. */
export class TwilioSmsSender implements SmsSender {
  constructor(
    private readonly client: twilio.Twilio,
    private readonly from: string,
    private readonly statusCallbackUrl: string,
  ) {}

  async send(message: { to: string; body: string }): Promise<{ providerId: string }> {
    try {
      const sent = await this.client.messages.create({
        to: message.to,
        from: this.from,
        body: message.body,
        statusCallback: this.statusCallbackUrl,
      });
      return { providerId: sent.sid };
    } catch (error) {
      const status = (error as { status?: number }).status;
      // 4xx other than 429 is the request itself (an invalid number): retrying will not help.
      const permanent = typeof status === 'number' && status >= 400 && status < 500 && status !== 429;
      // No HTTP answer at all (timeout, cut connection): Twilio may have created the message.
      throw new DeliveryError(
        `twilio: ${(error as Error).message}${status ? ` (HTTP ${status})` : ''}`,
        permanent,
        typeof status !== 'number',
      );
    }
  }

  /**
   * Twilio's message list, filtered by recipient, sender and time (a minute's margin for clocks),
   * matched on the body: a message whose send's answer was lost is found here if Twilio took it.
   */
  async findSent(message: { to: string; body: string; since: Date }): Promise<{ providerId: string } | undefined> {
    try {
      const since = new Date(message.since.getTime() - 60_000);
      const listed = await this.client.messages.list({ to: message.to, from: this.from, dateSentAfter: since, limit: 200 });
      const found = listed.find((m) => m.body === message.body && (!m.dateCreated || m.dateCreated.getTime() >= since.getTime()));
      return found ? { providerId: found.sid } : undefined;
    } catch (error) {
      const status = (error as { status?: number }).status;
      throw new DeliveryError(
        `twilio (checking an earlier send): ${(error as Error).message}${status ? ` (HTTP ${status})` : ''}`,
        false,
        true,
      );
    }
  }
}
