// GET /readyz: may this API process take traffic, and can the system deliver?
// Checks the database, the Temporal namespace and both providers (an SMTP
// handshake; an authenticated request to the Twilio API, or the Twilio-shaped
// sink). The answer is 503 only when the database or Temporal is unreachable:
// without them this process cannot serve. A provider outage answers 200 with
// status "degraded", because every API process shares the providers: draining
// them all from the load balancer would stop declarations that the workflows
// would otherwise deliver once the provider is back. Alert on
// commonground_dependency_up instead (README "Deploying").
import { Router } from 'express';
import type { Client } from '@temporalio/client';
import nodemailer from 'nodemailer';
import { z } from 'zod';
import type { Config } from '../../lib/config';
import type { Db } from '../../lib/db';
import { documentRoute } from '../openapi';

const CHECK_DEADLINE_MS = 2_000;
/** Load balancers probe every few seconds; providers are asked at most this often. */
const RESULT_TTL_MS = 5_000;
const TWILIO_API = 'https://api.twilio.com';

const CheckSchema = z.enum(['ok', 'down']);
const ReadinessSchema = z
  .object({
    status: z.enum(['ready', 'degraded', 'not_ready']),
    checks: z.object({ database: CheckSchema, temporal: CheckSchema, smtp: CheckSchema, sms: CheckSchema }),
  })
  .openapi('Readiness');

documentRoute({
  method: 'get',
  path: '/readyz',
  summary: 'Readiness: database, Temporal namespace, SMTP and the SMS provider',
  tags: ['system'],
  access: 'public',
  responses: {
    200: { description: 'Ready, or degraded (a provider is down; requests are still served)', schema: ReadinessSchema },
    503: { description: 'The database or Temporal is unreachable', schema: ReadinessSchema },
  },
});

type Readiness = z.infer<typeof ReadinessSchema>;
type Checks = Readiness['checks'];

async function probe(check: () => Promise<unknown>): Promise<'ok' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), CHECK_DEADLINE_MS);
  });
  try {
    await Promise.race([check(), deadline]);
    return 'ok';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

type ProviderConfig = Pick<
  Config,
  'SMTP_HOST' | 'SMTP_PORT' | 'SMTP_SECURE' | 'SMTP_USER' | 'SMTP_PASSWORD' | 'TWILIO_ACCOUNT_SID' | 'TWILIO_AUTH_TOKEN' | 'TWILIO_API_BASE_URL'
>;

/** EHLO (and AUTH when configured), then QUIT: the relay is there and accepts us. */
async function smtpHandshake(config: ProviderConfig): Promise<void> {
  const transport = nodemailer.createTransport({
    host: config.SMTP_HOST,
    port: config.SMTP_PORT,
    secure: config.SMTP_SECURE,
    auth: config.SMTP_USER ? { user: config.SMTP_USER, pass: config.SMTP_PASSWORD ?? '' } : undefined,
    connectionTimeout: CHECK_DEADLINE_MS,
    greetingTimeout: CHECK_DEADLINE_MS,
  });
  try {
    await transport.verify();
  } finally {
    transport.close();
  }
}

/**
 * A one-message page of our account's messages: Twilio answers 200; the sink
 * (no such route behind its credential check) answers 404. 401 means the
 * credentials were refused.
 */
async function smsProviderAnswers(config: ProviderConfig): Promise<void> {
  const base = (config.TWILIO_API_BASE_URL || TWILIO_API).replace(/\/$/, '');
  const response = await fetch(`${base}/2010-04-01/Accounts/${config.TWILIO_ACCOUNT_SID}/Messages.json?PageSize=1`, {
    headers: { authorization: `Basic ${Buffer.from(`${config.TWILIO_ACCOUNT_SID}:${config.TWILIO_AUTH_TOKEN}`).toString('base64')}` },
    signal: AbortSignal.timeout(CHECK_DEADLINE_MS),
  });
  await response.body?.cancel();
  if (!response.ok && response.status !== 404) throw new Error(`SMS provider answered ${response.status}`);
}

export function createReadinessRouter({
  db,
  temporal,
  config,
  onCheck,
}: {
  db: Db;
  temporal: Client;
  config: ProviderConfig & Pick<Config, 'TEMPORAL_NAMESPACE'>;
  /** Receives each dependency's result (the metrics' commonground_dependency_up). */
  onCheck?: (dependency: keyof Checks, up: boolean) => void;
}): Router {
  let last: { at: number; result: Promise<Readiness> } | undefined;

  const check = async (): Promise<Readiness> => {
    const [database, temporalStatus, smtp, sms] = await Promise.all([
      probe(() => db.$queryRaw`SELECT 1`),
      // The namespace, not just the frontend: a server without our namespace cannot run anything.
      probe(() =>
        temporal.withDeadline(Date.now() + CHECK_DEADLINE_MS, () =>
          temporal.workflowService.describeNamespace({ namespace: config.TEMPORAL_NAMESPACE }),
        ),
      ),
      probe(() => smtpHandshake(config)),
      probe(() => smsProviderAnswers(config)),
    ]);
    const checks: Checks = { database, temporal: temporalStatus, smtp, sms };
    for (const [dependency, result] of Object.entries(checks)) onCheck?.(dependency as keyof Checks, result === 'ok');
    const status = database === 'down' || temporalStatus === 'down' ? 'not_ready' : smtp === 'down' || sms === 'down' ? 'degraded' : 'ready';
    return { status, checks };
  };

  const router = Router();
  router.get('/readyz', async (_req, res, next) => {
    try {
      if (!last || Date.now() - last.at > RESULT_TTL_MS) last = { at: Date.now(), result: check() };
      const readiness = await last.result;
      res.setHeader('Cache-Control', 'no-store');
      res.status(readiness.status === 'not_ready' ? 503 : 200).json(readiness);
    } catch (err) {
      next(err);
    }
  });
  return router;
}
