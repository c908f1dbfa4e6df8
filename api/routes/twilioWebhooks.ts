// Twilio webhooks, mounted at /webhooks/twilio:
//   POST /status  delivery status callbacks for messages we sent
//   POST /sms     inbound text messages ("ACK", "DONE <item code>"), each acted on once by its MessageSid
// Both are authenticated by Twilio's request signature, checked with the
// twilio library's validateRequest against the public URL Twilio called.
import express, { type Response, type Router } from 'express';
import type { Config } from '../../lib/config';
import type { Db } from '../../lib/db';
import { badRequest } from '../../services/errors';
import { applyStatusCallback } from '../../services/deliveryStatus';
import { answerInboundSms, createAckSmsHandler, type AnyNumberSmsHandler, type InboundSmsHandler, type IncidentUpdater } from '../../services/inboundSms';
import { sendError } from '../errors';
import twilio from 'twilio';
import { acceptTwilioRequest, formFields as params } from '../twilioSignature';

export type { InboundSms, InboundSmsHandler, IncidentUpdater } from '../../services/inboundSms';

export interface TwilioWebhooksDeps {
  db: Db;
  temporal: IncidentUpdater;
  config: Pick<Config, 'PUBLIC_BASE_URL' | 'TWILIO_AUTH_TOKEN'>;
  /** Tried in order after the built-in ACK handler; the first non-null reply wins. */
  inboundHandlers?: InboundSmsHandler[];
  /** Tried first, for texts from any number (residents' subscription keywords). */
  anyNumberHandlers?: AnyNumberSmsHandler[];
  /** How long an SMS acknowledgement waits for the incident workflow (Twilio gives up at 15 s). */
  ackTimeoutMs?: number;
}

function twimlReply(res: Response, text: string): void {
  const twiml = new twilio.twiml.MessagingResponse();
  if (text) twiml.message(text);
  res.status(200).type('text/xml').send(twiml.toString());
}

function requiredParam(params: Record<string, unknown>, name: string, allowEmpty = false): string {
  const value = params[name];
  if (typeof value !== 'string' || (!allowEmpty && value.trim() === '')) throw badRequest(name, `${name} is required`);
  return value;
}

export function createTwilioWebhooksRouter(deps: TwilioWebhooksDeps): Router {
  const { db, config } = deps;
  const handlers: InboundSmsHandler[] = [
    createAckSmsHandler({ db, temporal: deps.temporal, timeoutMs: deps.ackTimeoutMs }),
    ...(deps.inboundHandlers ?? []),
  ];
  const router = express.Router();
  router.use(express.urlencoded({ extended: false, limit: '64kb' }));
  const assertSigned = (req: Parameters<typeof acceptTwilioRequest>[0]) => acceptTwilioRequest(req, config);

  router.post('/status', async (req, res) => {
    try {
      assertSigned(req);
      const body = params(req);
      const sid = requiredParam(body, 'MessageSid');
      const providerStatus = requiredParam(body, 'MessageStatus').toLowerCase();
      const errorCode = typeof body.ErrorCode === 'string' && body.ErrorCode ? body.ErrorCode : null;
      const notificationId = typeof req.query.n === 'string' ? req.query.n : null;
      const updated = await applyStatusCallback(db, { sid, providerStatus, errorCode, notificationId });
      res.status(200).json({ ok: true, updated });
    } catch (err) {
      sendError(res, err);
    }
  });

  router.post('/sms', async (req, res) => {
    try {
      assertSigned(req);
      const body = params(req);
      // Twilio signatures carry no timestamp, so a captured request verifies forever: the MessageSid makes it act once.
      const messageSid = requiredParam(body, 'MessageSid');
      const from = requiredParam(body, 'From').trim();
      const text = requiredParam(body, 'Body', true);
      twimlReply(res, await answerInboundSms(db, handlers, { messageSid, from, body: text }, deps.anyNumberHandlers));
    } catch (err) {
      sendError(res, err);
    }
  });

  return router;
}
