// Twilio's callbacks for acknowledgement calls, mounted at /webhooks/twilio/voice:
//   POST /gather  the key the official pressed (TwiML answer: thanks, or ask again)
//   POST /status  the call's progress (moves its Notification row forward)
// Both are authenticated by Twilio's request signature (api/twilioSignature.ts).
import express, { type Router } from 'express';
import type { Config } from '../../lib/config';
import type { Db } from '../../lib/db';
import { gatherAnswerTwiml, voiceGatherUrl } from '../../lib/voiceCalls';
import { badRequest } from '../../services/errors';
import type { IncidentUpdater } from '../../services/inboundSms';
import { answerCallKeypress, applyCallStatus } from '../../services/voiceCalls';
import { sendError } from '../errors';
import { documentRoute } from '../openapi';
import { acceptTwilioRequest, formFields } from '../twilioSignature';

for (const [route, summary] of [
  ['/webhooks/twilio/voice/gather', 'The key pressed on an acknowledgement call (1 acknowledges the incident); answers TwiML'],
  ['/webhooks/twilio/voice/status', "An acknowledgement call's status callback (updates the Notification row; never moves a status backwards)"],
] as const) {
  documentRoute({
    method: 'post',
    path: route,
    summary,
    tags: ['webhooks'],
    access: 'webhook-signature',
    description: 'Requires a valid X-Twilio-Signature for the public URL. The query parameter n names the Notification row the call was placed for.',
    responses: {
      200: { description: 'Handled: TwiML for the gather callback, JSON for status callbacks' },
      400: { description: 'A required form field is missing' },
      403: { description: 'Missing or invalid X-Twilio-Signature' },
    },
  });
}

function required(fields: Record<string, unknown>, name: string): string {
  const value = fields[name];
  if (typeof value !== 'string' || value.trim() === '') throw badRequest(name, `${name} is required`);
  return value.trim();
}

export function createTwilioVoiceWebhooksRouter(deps: {
  db: Db;
  temporal: IncidentUpdater;
  config: Pick<Config, 'PUBLIC_BASE_URL' | 'TWILIO_AUTH_TOKEN'>;
  ackTimeoutMs?: number;
}): Router {
  const { db, config } = deps;
  const router = express.Router();
  router.use(express.urlencoded({ extended: false, limit: '64kb' }));

  router.post('/gather', async (req, res) => {
    try {
      acceptTwilioRequest(req, config);
      const fields = formFields(req);
      const callSid = required(fields, 'CallSid');
      const digits = typeof fields.Digits === 'string' ? fields.Digits.trim() : '';
      const notificationId = typeof req.query.n === 'string' ? req.query.n : null;
      const askedAgain = req.query.again === '1';
      const answer = await answerCallKeypress({ db, temporal: deps.temporal, timeoutMs: deps.ackTimeoutMs }, { notificationId, callSid, digits, askedAgain });
      const again = answer.askAgain && notificationId ? { gatherUrl: `${voiceGatherUrl(config.PUBLIC_BASE_URL, notificationId)}&again=1` } : undefined;
      res.status(200).type('text/xml').send(gatherAnswerTwiml(answer.say, { askAgain: again }));
    } catch (err) {
      sendError(res, err);
    }
  });

  router.post('/status', async (req, res) => {
    try {
      acceptTwilioRequest(req, config);
      const fields = formFields(req);
      const callSid = required(fields, 'CallSid');
      const callStatus = required(fields, 'CallStatus').toLowerCase();
      const duration = typeof fields.CallDuration === 'string' ? fields.CallDuration : null;
      const notificationId = typeof req.query.n === 'string' ? req.query.n : null;
      res.status(200).json({ ok: true, updated: await applyCallStatus(db, { notificationId, callSid, callStatus, duration }) });
    } catch (err) {
      sendError(res, err);
    }
  });

  return router;
}
