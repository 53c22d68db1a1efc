import type { RequestHandler } from 'express';
import { AppError } from '../../src/shared/errors';
import { twilio } from './twilio-client';

/**
 * X-Twilio-Signature check with the SDK's own algorithm, over the public URL Twilio called
 * (PUBLIC_URL + the path) and the form parameters. A forged or unsigned request is a 403.
 */
export function verifyTwilioSignature(authToken: string, publicUrl: string): RequestHandler {
  return (req, _res, next) => {
    const signature = req.header('X-Twilio-Signature');
    const url = publicUrl + req.originalUrl;
    if (!signature || !twilio.validateRequest(authToken, signature, url, (req.body ?? {}) as Record<string, string>)) {
      next(new AppError('FORBIDDEN', 'invalid or missing X-Twilio-Signature'));
      return;
    }
    next();
  };
}
