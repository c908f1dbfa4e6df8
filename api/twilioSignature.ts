// Twilio signs every webhook it sends (X-Twilio-Signature) over the URL it was
// given and the posted form fields; the twilio library's validateRequest
// checks it. Behind a proxy the URL Twilio called is the public one, so the
// check is made against PUBLIC_BASE_URL plus the path and query we received.
import type { Request } from 'express';
import twilio from 'twilio';
import type { Config } from '../lib/config';
import { forbidden } from '../services/errors';
import { rejectUnsafeText } from './validate';

export const formFields = (req: Request): Record<string, unknown> =>
  req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};

/** Throws 403 unless the request carries Twilio's valid signature. */
export function assertTwilioSigned(req: Request, config: Pick<Config, 'PUBLIC_BASE_URL' | 'TWILIO_AUTH_TOKEN'>): void {
  const signature = req.header('X-Twilio-Signature');
  const url = `${config.PUBLIC_BASE_URL.replace(/\/$/, '')}${req.originalUrl}`;
  if (!signature || !twilio.validateRequest(config.TWILIO_AUTH_TOKEN, signature, url, formFields(req))) {
    throw forbidden('invalid or missing X-Twilio-Signature');
  }
}

/**
 * The signature first, then the text rule: the Twilio routers are mounted
 * ahead of the app's text rule (api/app.ts) so that an unsigned request is 403
 * whatever it carries; a signed one must still carry storable text.
 */
export function acceptTwilioRequest(req: Request, config: Pick<Config, 'PUBLIC_BASE_URL' | 'TWILIO_AUTH_TOKEN'>): void {
  assertTwilioSigned(req, config);
  rejectUnsafeText(req.query);
  rejectUnsafeText(req.body);
}
