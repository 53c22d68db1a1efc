/** The SMS provider the browser tests' hub talks to: the fake Twilio of the API tests, as a process (test/support/fake-twilio-server.ts). */
export const fakeTwilio = {
  url: `http://127.0.0.1:${Number(process.env.BROWSER_TEST_TWILIO_PORT ?? 3918)}`,
  accountSid: `AC${'b'.repeat(32)}`,
  authToken: 'browser-test-token-0123456789',
  from: '+8610612345',
};

/** A photo the fake account holds, as an MMS's media: the browser tests send its URL in an inbound message. */
export const mmsPhotoPath = `/2010-04-01/Accounts/${fakeTwilio.accountSid}/Messages/MM${'1'.repeat(32)}/Media/ME${'1'.repeat(32)}`;
