// POST /webhooks/email/inbound: replies to incident emails, from the city's
// inbound-parse relay (or the local mail sink in embedded mode). The body is
// JSON (services/inboundEmail.ts, InboundEmailRequest) and signed with
// INBOUND_EMAIL_SECRET over its raw bytes (lib/inboundEmailSignature.ts), so
// this router reads the raw body itself and is mounted before the app's JSON
// parser. Answers 200 with what happened for anything that will not change
// by retrying (the relay must not retry those), 403 for a bad signature, 400
// for a malformed body, and 503 while the workflow service is unavailable (the
// relay retries).
import express, { type Router } from 'express';
import type { Client } from '@temporalio/client';
import type { Config } from '../../lib/config';
import type { Db } from '../../lib/db';
import { INBOUND_SIGNATURE_HEADER, inboundSignatureProblem } from '../../lib/inboundEmailSignature';
import { badRequest, forbidden, notFound } from '../../services/errors';
import { InboundEmailRequest, handleInboundEmail } from '../../services/inboundEmail';
import { sendError } from '../errors';
import { documentRoute } from '../openapi';
import { parseWith } from '../validate';

documentRoute({
  method: 'post',
  path: '/webhooks/email/inbound',
  summary: 'A reply to an incident email (inbound parse): a reply from the official to the signed ack+ reply-to address acknowledges the incident',
  tags: ['webhooks'],
  access: 'webhook-signature',
  description:
    'Signed with INBOUND_EMAIL_SECRET: header X-Common-Ground-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">, ' +
    'within 5 minutes. Acknowledges only when a recipient is a valid signed reply-to address, the sender is the address the email went to, ' +
    'and the message is not an automatic reply.',
  body: InboundEmailRequest,
  responses: {
    200: { description: 'Handled; `outcome` says what happened (acknowledged, already-acknowledged, not-for-us, auto-reply, sender-mismatch, expired, revoked, incident-closed, not-a-recipient)' },
    400: { description: 'The body is not the documented JSON' },
    403: { description: 'Missing, stale or invalid signature' },
    404: { description: 'Acknowledgement by reply is off (no INBOUND_EMAIL_DOMAIN)' },
    503: { description: 'The workflow service is unavailable; retry' },
  },
});

export function createInboundEmailRouter(deps: { db: Db; temporal: Client; config: Config }): Router {
  const { config } = deps;
  const router = express.Router();
  router.post('/inbound', express.raw({ type: () => true, limit: '1mb' }), async (req, res) => {
    try {
      if (!config.INBOUND_EMAIL_DOMAIN) throw notFound('acknowledgement by reply');
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const problem = inboundSignatureProblem(req.header(INBOUND_SIGNATURE_HEADER), raw, config.INBOUND_EMAIL_SECRET);
      if (problem) throw forbidden(`${INBOUND_SIGNATURE_HEADER} is ${problem.replace('-', ' ')}`);
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        throw badRequest('body', 'request body is not valid JSON', 'malformed_json');
      }
      const mail = parseWith(InboundEmailRequest, body);
      res.status(200).json(await handleInboundEmail(deps, mail));
    } catch (err) {
      sendError(res, err);
    }
  });
  return router;
}
