import pino, { type DestinationStream, type Logger } from 'pino';
import { maskPiiInText } from './pii';

export type { Logger };

/**
 * Phone, ID and card numbers never reach the logs in clear: not in messages, and not in the
 * string fields of a log line (a request's URL, a refusal's reason), masked by the one rule.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'hotline-hub' },
      redact: {
        paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie', '*.password', '*.token'],
        censor: '[redacted]',
      },
      formatters: {
        log(object) {
          let copy: Record<string, unknown> | undefined;
          for (const [key, value] of Object.entries(object)) {
            if (typeof value !== 'string') continue;
            const masked = maskPiiInText(value);
            if (masked !== value) (copy ??= { ...object })[key] = masked;
          }
          return copy ?? object;
        },
      },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((arg) => (typeof arg === 'string' ? maskPiiInText(arg) : arg)) as typeof args;
          method.apply(this, scrubbed);
        },
      },
    },
    destination,
  );
}
