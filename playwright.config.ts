import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { fakeTwilio, mmsPhotoPath } from './test/browser/fake-twilio-account';
import { hubPgPort } from './test/browser/hub-database';

/**
 * The console's browser tests: Debian's Chromium (never a browser Playwright would download: it
 * cannot be fetched on these machines) against a hub on a fresh database: the machine's PostgreSQL and
 * Redis when DATABASE_URL and REDIS_URL are set, else the embedded defaults. The hub is started from the
 * build (npm test's pretest builds it). SCREENSHOTS=1 also writes docs/screenshots/.
 */
function chromium(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  for (const candidate of candidates) if (candidate && fs.existsSync(candidate)) return candidate;
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('The browser tests need Debian’s Chromium: apt-get install -y chromium');
  }
}

const port = Number(process.env.BROWSER_TEST_PORT ?? 3917);
const baseURL = `http://127.0.0.1:${port}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hh-browser-'));
const mediaDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hh-browser-media-'));

export default defineConfig({
  testDir: 'test/browser',
  workers: 1,
  timeout: 60_000,
  reporter: [['list']],
  use: {
    baseURL,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    // As a user who asked the system for reduced motion: the console then opens menus and dialogs without
    // animating them, so a click never lands on a button still sliding in.
    contextOptions: { reducedMotion: 'reduce' },
    launchOptions: {
      executablePath: chromium(),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: [
    {
      command: 'node dist/test/support/fake-twilio-server.js',
      url: `${fakeTwilio.url}/`,
      reuseExistingServer: false,
      stdout: 'ignore',
      env: {
        FAKE_TWILIO_SID: fakeTwilio.accountSid,
        FAKE_TWILIO_TOKEN: fakeTwilio.authToken,
        FAKE_TWILIO_PORT: new URL(fakeTwilio.url).port,
        FAKE_TWILIO_MMS_PATH: mmsPhotoPath,
      },
    },
    {
      // On DATABASE_URL and REDIS_URL when they are set, else on the embedded defaults (test/support/browser-hub.ts).
      command: 'node dist/test/support/browser-hub.js',
      url: `${baseURL}/healthz`,
      timeout: 120_000,
      reuseExistingServer: false,
      // HUB_LOG=1 shows the hub's own log (warnings and errors) among the tests' output.
      stdout: process.env.HUB_LOG ? 'pipe' : 'ignore',
      stderr: 'pipe',
      env: {
        HOST: '127.0.0.1',
        PORT: String(port),
        PUBLIC_URL: baseURL,
        EMBEDDED_PG_DIR: dataDir,
        MEDIA_DIR: mediaDir,
        EMBEDDED_PG_PORT: String(hubPgPort),
        SEED_DEMO: 'true',
        LOG_LEVEL: 'warn',
        TWILIO_ACCOUNT_SID: fakeTwilio.accountSid,
        TWILIO_AUTH_TOKEN: fakeTwilio.authToken,
        TWILIO_SMS_FROM: fakeTwilio.from,
        TWILIO_API_BASE: fakeTwilio.url,
      },
    },
  ],
});
