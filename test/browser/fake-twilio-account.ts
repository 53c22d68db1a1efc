/** The SMS provider the browser tests' hub talks to: the fake Twilio of the API tests, as a process (test/support/fake-twilio-server.ts). */
export const fakeTwilio = {
  url: `http://127.0.0.1:${Number(process.env.BROWSER_TEST_TWILIO_PORT ?? 3918)}`,
  accountSid: `AC${'b'.repeat(32)}`,
  authToken: 'browser-test-token-0123456789',
  from: '+8610612345',
};
