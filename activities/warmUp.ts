// Start-up warm-up: what the first declaration after start-up would otherwise
// pay for, paid before the worker says it has started (worker/main.ts runs
// warmUpWorkflow first). The database pool is opened to its size, the queries
// a declaration makes first are compiled, its database work is rehearsed in
// a transaction that is rolled back (declarationRehearsal.ts), every declaration template is
// rendered once in every language (emails built into memory as the SMTP
// transport builds them), the mail relay is asked once whether it answers,
// the Twilio client loads its REST
// resources (a tenth of a second the first time: a first text that late can
// land next to the one after it, past the carrier's rate), and the clock of
// the texts' shared send slots is measured. Nothing is sent and nothing is
// kept.
import type { WarmUpActivities } from '../domain/contracts/warmUpActivities';
import type { Config } from '../lib/config';
import { openPool, type Db } from '../lib/db';
import { languages } from '../lib/i18n';
import { renderMessage, type RenderedMessage } from './notifications/templates';
import { rehearseDeclaration } from './declarationRehearsal';
import { currentPolicy } from '../policy';
import { severityPolicy } from '../domain/policy/lookups';
import nodemailer from 'nodemailer';
import type { Mailer, SmsClient } from './notifications/providers';
import type { SendRates } from './notifications/sendRate';

/** How long the warm-up waits for the mail relay: a relay that is down must not hold the worker's start. */
const RELAY_WAIT_MS = 2_000;

/** Builds messages in memory as the SMTP transport does, and sends them nowhere. */
const composeOnly = nodemailer.createTransport({ streamTransport: true, buffer: true });

/** The messages a declaration sends first. */
const FIRST_TEMPLATES = ['incident.declared'];
const CHANNELS = ['EMAIL', 'SMS'] as const;
/** The level that tells the most people: the rehearsal writes (and rolls back) what its declaration would. */
const MOST_SEVERE = 1;

export function createWarmUpActivities(deps: {
  db: Db;
  config: Config;
  sms?: Pick<SmsClient, 'messages' | 'calls'>;
  mailer?: Pick<Mailer, 'verify'>;
  smsRates?: Pick<SendRates, 'warmUp'>;
}): WarmUpActivities {
  const { db, config, sms, mailer, smsRates } = deps;
  return {
    async warmUp() {
      const started = Date.now();
      const connections = config.DATABASE_POOL_SIZE;
      await openPool(db, connections);
      await db.person.findMany({ where: { id: { in: [] } }, select: { id: true, language: true } });
      await db.notification.findUnique({ where: { idempotencyKey: 'warm-up' }, select: { id: true } });
      const sample = {
        incidentId: 'warm-up',
        incidentNumber: 'CI-0000-0000',
        title: 'Warm-up',
        severity: 1,
        type: 'WARM_UP',
        typeLabel: 'Warm-up',
        summary: 'Rendered at start-up; never sent.',
        declaredByName: 'Common Ground',
        declaredAt: new Date().toISOString(),
        ackWindowMinutes: 15,
        recipient: { id: 'warm-up', name: 'Warm-up', title: 'Warm-up' },
      };
      // Twilio's client loads each REST resource on its first use.
      if (sms) void [sms.messages, sms.calls];
      const smsClock = smsRates ? await smsRates.warmUp() : 'not shared';
      // The relay answered once: the SMTP client's code is loaded and run, and the relay is known to
      // be there. Its connection is closed; the pool opens its own on the first email.
      const relay = mailer ? await relayAnswers(mailer) : 'not asked';
      let rendered = 0;
      const declaration: Partial<Record<(typeof CHANNELS)[number], RenderedMessage>> = {};
      for (const template of FIRST_TEMPLATES) {
        for (const channel of CHANNELS) {
          for (const language of languages()) {
            const message = renderMessage(template, sample, channel, config, new Date(), { language });
            // The first emails otherwise load and compile the MIME code while the declaration waits.
            if (channel === 'EMAIL') await composeOnly.sendMail({ from: config.MAIL_FROM, to: 'warm-up@example.invalid', subject: message.subject ?? undefined, text: message.text, html: message.html ?? undefined });
            declaration[channel] ??= message;
            rendered += 1;
          }
        }
      }
      const policy = currentPolicy();
      // Only an optimisation: a rehearsal that fails is reported, and the first declaration pays as before.
      const rehearsal = await rehearseDeclaration(db, {
        roles: severityPolicy(policy, MOST_SEVERE).recipients,
        policyVersion: policy.version,
        rendered: { EMAIL: declaration.EMAIL!, SMS: declaration.SMS! },
      }).then(
        (rows) => ({ rehearsed: rows }),
        (err: unknown) => ({ rehearsalFailed: err instanceof Error ? err.message.slice(0, 300) : String(err) }),
      );
      return { connections, rendered, ...rehearsal, relay, smsClock, ms: Date.now() - started };
    },
  };
}

async function relayAnswers(mailer: Pick<Mailer, 'verify'>): Promise<'answered' | 'no answer'> {
  let timer: NodeJS.Timeout | undefined;
  const giveUp = new Promise<'no answer'>((resolve) => {
    timer = setTimeout(() => resolve('no answer'), RELAY_WAIT_MS);
  });
  try {
    return await Promise.race([mailer.verify().then(() => 'answered' as const, () => 'no answer' as const), giveUp]);
  } finally {
    clearTimeout(timer);
  }
}
