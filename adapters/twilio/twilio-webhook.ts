import type { RequestHandler } from 'express';
import { cleanProviderInput } from '../../src/http/text-hygiene';
import { AppError } from '../../src/shared/errors';
import { twilio } from './twilio-client';

/**
 * X-Twilio-Signature check with the SDK's own algorithm, over the public URL Twilio called
 * (PUBLIC_URL + the path) and the form parameters. A forged or unsigned request is a 403.
 * A signed one continues with its control characters removed (src/http/text-hygiene.ts).
 */
export function verifyTwilioSignature(authToken: string, publicUrl: string): RequestHandler {
  return (req, _res, next) => {
    const signature = req.header('X-Twilio-Signature');
    const url = publicUrl + req.originalUrl;
    if (!signature || !twilio.validateRequest(authToken, signature, url, (req.body ?? {}) as Record<string, string>)) {
      next(new AppError('FORBIDDEN', 'invalid or missing X-Twilio-Signature'));
      return;
    }
    // Signed as sent; what we store is clean text (a NUL in an SMS is dropped, the message kept).
    req.body = cleanProviderInput(req.body ?? {});
    next();
  };
}
