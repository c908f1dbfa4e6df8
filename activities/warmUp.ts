// Start-up warm-up: what the first declaration after start-up would otherwise
// pay for, paid before the worker says it has started (worker/main.ts runs
// warmUpWorkflow first). The database pool is opened to its size, the queries
// a declaration makes first are compiled, every declaration template is
// rendered once in every language, and the Twilio client loads its REST
// resources (a tenth of a second the first time: a first text that late can
// land next to the one after it, past the carrier's rate). Nothing is sent
// and nothing is written.
import type { WarmUpActivities } from '../domain/contracts/warmUpActivities';
import type { Config } from '../lib/config';
import { openPool, type Db } from '../lib/db';
import { languages } from '../lib/i18n';
import { renderMessage } from './notifications/templates';
import type { SmsClient } from './notifications/providers';

/** The messages a declaration sends first. */
const FIRST_TEMPLATES = ['incident.declared'];
const CHANNELS = ['EMAIL', 'SMS'] as const;

export function createWarmUpActivities(deps: { db: Db; config: Config; sms?: Pick<SmsClient, 'messages' | 'calls'> }): WarmUpActivities {
  const { db, config, sms } = deps;
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
      let rendered = 0;
      for (const template of FIRST_TEMPLATES) {
        for (const channel of CHANNELS) {
          for (const language of languages()) {
            renderMessage(template, sample, channel, config, new Date(), { language });
            rendered += 1;
          }
        }
      }
      return { connections, rendered, ms: Date.now() - started };
    },
  };
}
