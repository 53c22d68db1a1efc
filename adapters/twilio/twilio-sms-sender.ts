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
      const sent = await this.client.messages.create({ to: message.to, from: this.from, body: message.body, statusCallback: this.statusCallbackUrl });
      return { providerId: sent.sid };
    } catch (error) {
      const status = (error as { status?: number }).status;
      // 4xx other than 429 is the request itself (an invalid number): retrying will not help.
      const permanent = typeof status === 'number' && status >= 400 && status < 500 && status !== 429;
      throw new DeliveryError(`twilio: ${(error as Error).message}${status ? ` (HTTP ${status})` : ''}`, permanent);
    }
  }
}
