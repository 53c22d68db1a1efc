import type twilio from 'twilio';
import { DeliveryError, type CallPlacer } from '../../src/notify/ports';

/**
 * CallPlacer over Twilio's Calls API: Twilio fetches the TwiML from the hub's webhook, detects
 * answering machines (AnsweredBy), and reports the call's end to the status webhook.
 */
export class TwilioCallPlacer implements CallPlacer {
  constructor(
    private readonly client: twilio.Twilio,
    private readonly from: string,
    private readonly publicUrl: string,
  ) {}

  async placeCall(call: { to: string; path: string; statusPath: string }): Promise<{ providerId: string }> {
    try {
      const placed = await this.client.calls.create({
        to: call.to,
        from: this.from,
        url: `${this.publicUrl}${call.path}`,
        statusCallback: `${this.publicUrl}${call.statusPath}`,
        statusCallbackEvent: ['completed'],
        machineDetection: 'Enable',
        timeout: 30,
      });
      return { providerId: placed.sid };
    } catch (error) {
      const status = (error as { status?: number }).status;
      const permanent = typeof status === 'number' && status >= 400 && status < 500 && status !== 429;
      throw new DeliveryError(`twilio: ${(error as Error).message}${status ? ` (HTTP ${status})` : ''}`, permanent);
    }
  }
}
