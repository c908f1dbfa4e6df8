// Twilio webhooks, mounted at /webhooks/twilio:
//   POST /status  delivery status callbacks for messages we sent
//   POST /sms     inbound text messages (e.g. "ACK")
// Both are authenticated by Twilio's request signature, checked with the
// twilio library's validateRequest against the public URL Twilio called.
import express, { type Request, type Response, type Router } from 'express';
import twilio from 'twilio';
import type { Config } from '../../lib/config';
import type { Db } from '../../lib/db';
import { incidentWorkflowId } from '../../domain/ids';
import { acknowledgeUpdate, type AcknowledgeRequestV1, type AcknowledgeResultV1 } from '../../domain/contracts/incident';
import { badRequest, forbidden } from '../../services/errors';
import { sendError } from '../errors';

export interface InboundSms {
  from: string;
  body: string;
  person: { id: string } | null;
}
export type InboundSmsHandler = (msg: InboundSms) => Promise<{ reply: string } | null>;

/** The slice of the Temporal client the ACK handler needs (a real `Client` fits). */
export interface IncidentUpdater {
  workflow: {
    getHandle(workflowId: string): {
      executeUpdate(
        update: typeof acknowledgeUpdate,
        options: { args: [AcknowledgeRequestV1] },
      ): Promise<AcknowledgeResultV1>;
    };
  };
}

export interface TwilioWebhooksDeps {
  db: Db;
  temporal: IncidentUpdater;
  config: Pick<Config, 'PUBLIC_BASE_URL' | 'TWILIO_AUTH_TOKEN'>;
  /** Tried in order after the built-in ACK handler; the first non-null reply wins. */
  inboundHandlers?: InboundSmsHandler[];
  /** How long an SMS acknowledgement waits for the incident workflow (Twilio gives up at 15 s). */
  ackTimeoutMs?: number;
}

/** Twilio's message statuses in the order they can happen; a late callback never moves a row backwards. */
const STATUS_RANK: Record<string, number> = {
  accepted: 1,
  scheduled: 1,
  queued: 1,
  sending: 2,
  sent: 3,
  delivered: 4,
  read: 4,
  undelivered: 4,
  failed: 4,
  canceled: 4,
};

const ACK_PATTERN = /^\s*(ack|acknowledge|acknowledged)\b\s*(CI-\d{4}-\d{4,})?/i;

function twimlReply(res: Response, text: string | null): void {
  const twiml = new twilio.twiml.MessagingResponse();
  if (text) twiml.message(text);
  res.status(200).type('text/xml').send(twiml.toString());
}

function requiredParam(params: Record<string, unknown>, name: string, allowEmpty = false): string {
  const value = params[name];
  if (typeof value !== 'string' || (!allowEmpty && value.trim() === '')) throw badRequest(name, `${name} is required`);
  return value;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * "ACK" (optionally "ACK CI-2026-0007") acknowledges every active incident in
 * which the sender is a recipient who has not acknowledged yet, through the
 * incident workflow's acknowledge update (so timing and audit stay there).
 */
export function createAckSmsHandler(deps: { db: Db; temporal: IncidentUpdater; timeoutMs?: number }): InboundSmsHandler {
  const timeoutMs = deps.timeoutMs ?? 10_000;
  return async ({ body, person }) => {
    const match = ACK_PATTERN.exec(body);
    if (!match) return null;
    if (!person) return { reply: 'Common Ground: this number is not registered, so we could not record an acknowledgement.' };
    const onlyNumber = match[2]?.toUpperCase();
    const open = await deps.db.incidentRecipient.findMany({
      where: {
        personId: person.id,
        acknowledgedAt: null,
        incident: { status: 'ACTIVE', ...(onlyNumber ? { number: onlyNumber } : {}) },
      },
      select: { incident: { select: { number: true } } },
      orderBy: { notifiedAt: 'asc' },
    });
    const numbers = [...new Set(open.map((r) => r.incident.number))];
    if (numbers.length === 0) {
      return { reply: `Common Ground: no open incident${onlyNumber ? ` ${onlyNumber}` : ''} is waiting for your acknowledgement.` };
    }
    const acknowledged: string[] = [];
    const failed: string[] = [];
    for (const number of numbers) {
      try {
        await withTimeout(
          deps.temporal.workflow
            .getHandle(incidentWorkflowId(number))
            .executeUpdate(acknowledgeUpdate, { args: [{ personId: person.id, via: 'SMS' }] }),
          timeoutMs,
        );
        acknowledged.push(number);
      } catch (err) {
        console.error(JSON.stringify({ component: 'twilio-webhooks', msg: 'sms acknowledgement failed', incident: number, error: (err as Error).message }));
        failed.push(number);
      }
    }
    const parts: string[] = [];
    if (acknowledged.length) parts.push(`Acknowledged ${acknowledged.join(', ')}. Thank you.`);
    if (failed.length) parts.push(`Could not record your acknowledgement for ${failed.join(', ')}; please use the link in your email.`);
    return { reply: `Common Ground: ${parts.join(' ')}` };
  };
}

export function createTwilioWebhooksRouter(deps: TwilioWebhooksDeps): Router {
  const { db, config } = deps;
  const handlers: InboundSmsHandler[] = [
    createAckSmsHandler({ db, temporal: deps.temporal, timeoutMs: deps.ackTimeoutMs }),
    ...(deps.inboundHandlers ?? []),
  ];
  const publicBase = config.PUBLIC_BASE_URL.replace(/\/$/, '');
  const router = express.Router();
  router.use(express.urlencoded({ extended: false, limit: '64kb' }));

  const params = (req: Request): Record<string, unknown> =>
    req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};

  /** Twilio signs the URL it was configured with; behind a proxy that is the public one. */
  const assertSigned = (req: Request): void => {
    const signature = req.header('X-Twilio-Signature');
    const url = `${publicBase}${req.originalUrl}`;
    if (!signature || !twilio.validateRequest(config.TWILIO_AUTH_TOKEN, signature, url, params(req))) {
      throw forbidden('invalid or missing X-Twilio-Signature');
    }
  };

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
      const from = requiredParam(body, 'From').trim();
      const text = requiredParam(body, 'Body', true);
      const person = await db.person.findFirst({ where: { phone: from, active: true }, select: { id: true } });
      for (const handler of handlers) {
        let answer: { reply: string } | null;
        try {
          answer = await handler({ from, body: text, person });
        } catch (err) {
          console.error(JSON.stringify({ component: 'twilio-webhooks', msg: 'inbound sms handler failed', error: (err as Error).message }));
          return twimlReply(res, 'Common Ground: something went wrong handling your message. Please try again or use the link in your email.');
        }
        if (answer) return twimlReply(res, answer.reply);
      }
      twimlReply(
        res,
        person
          ? 'Common Ground: reply ACK to acknowledge an open incident.'
          : 'Common Ground: this number is not registered with Common Ground.',
      );
    } catch (err) {
      sendError(res, err);
    }
  });

  return router;
}

/**
 * Moves a Notification forward on a Twilio status callback. Finds the row by
 * the id we put in the callback URL (a callback can outrun our own write of
 * the message sid) or else by the sid. Unknown messages are ignored.
 */
export async function applyStatusCallback(
  db: Db,
  input: { sid: string; providerStatus: string; errorCode: string | null; notificationId: string | null },
): Promise<boolean> {
  const incomingRank = STATUS_RANK[input.providerStatus] ?? 0;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    let row = input.notificationId ? await db.notification.findUnique({ where: { id: input.notificationId } }) : null;
    if (!row || (row.providerMessageId !== null && row.providerMessageId !== input.sid) || row.channel !== 'SMS') {
      row = await db.notification.findUnique({ where: { providerMessageId: input.sid } });
    }
    if (!row || row.status === 'UNDELIVERABLE') return false;
    const currentRank = row.providerStatus ? (STATUS_RANK[row.providerStatus] ?? 0) : 0;
    if (incomingRank < currentRank) return false;

    let status = row.status;
    let lastError = row.lastError;
    if (input.providerStatus === 'delivered' || input.providerStatus === 'read') status = 'DELIVERED';
    else if (input.providerStatus === 'undelivered' || input.providerStatus === 'failed') {
      status = 'FAILED';
      lastError = `twilio ${input.providerStatus}${input.errorCode ? ` (ErrorCode ${input.errorCode})` : ''}`;
    } else if (row.status === 'PENDING') status = 'SENT';

    // Optimistic: only if nobody changed the row since we read it; otherwise read again.
    try {
      await db.notification.update({
        where: { id: row.id, status: row.status, providerStatus: row.providerStatus },
        data: {
          status,
          providerStatus: input.providerStatus,
          lastError,
          ...(row.providerMessageId === null ? { providerMessageId: input.sid } : {}),
        },
        select: { id: true },
      });
      return true;
    } catch (err) {
      // P2025: the row changed since we read it; read it again.
      if ((err as { code?: unknown })?.code !== 'P2025') throw err;
    }
  }
  return false;
}
