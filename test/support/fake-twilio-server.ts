import sharp from 'sharp';
import { startFakeTwilio } from './fake-twilio';

/**
 * The fake Twilio REST API as a process of its own, for the browser tests' hub (playwright.config.ts):
 * `node dist/test/support/fake-twilio-server.js`. What the hub sent is read back through the Messages
 * list, as Twilio answers it. The account comes from the environment (FAKE_TWILIO_SID, FAKE_TWILIO_TOKEN).
 */
async function main(): Promise<void> {
  const fake = await startFakeTwilio(
    { accountSid: process.env.FAKE_TWILIO_SID!, authToken: process.env.FAKE_TWILIO_TOKEN! },
    Number(process.env.FAKE_TWILIO_PORT ?? 3918),
  );
  // The browser tests' MMS photo (test/browser/fake-twilio-account.ts).
  if (process.env.FAKE_TWILIO_MMS_PATH) {
    const photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 90, g: 140, b: 200 } } })
      .jpeg()
      .toBuffer();
    fake.addMedia(photo, 'image/jpeg', process.env.FAKE_TWILIO_MMS_PATH);
  }
  console.log(`fake Twilio on ${fake.url}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void fake.close().then(() => process.exit(0)));
}

void main();
