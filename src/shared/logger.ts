import pino, { type Logger } from 'pino';

export type { Logger };

/** Phone numbers and ID numbers never reach the logs in clear. */
const phonePattern = /(\+?86)?1[3-9]\d{9}|\+\d{10,14}/g;
const idNumberPattern = /\b\d{17}[\dXx]\b/g;

export function scrubPii(text: string): string {
  return text.replace(idNumberPattern, (m) => `${m.slice(0, 6)}********${m.slice(-4)}`).replace(phonePattern, (m) => `${m.slice(0, -8)}****${m.slice(-4)}`);
}

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'hotline-hub' },
    redact: {
      paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie', '*.password', '*.token'],
      censor: '[redacted]',
    },
    hooks: {
      logMethod(args, method) {
        const scrubbed = args.map((arg) => (typeof arg === 'string' ? scrubPii(arg) : arg)) as typeof args;
        method.apply(this, scrubbed);
      },
    },
  });
}
