// kill -9 of the worker at a random moment of a severity-1 fan-out, round
// after round; a new worker starts at once (as a service manager would).
import { expectIncidentMessages, type ExpectedMessage } from '../ledger';
import type { Knobs } from '../knobs';
import { parseConfig } from '../../lib/config';
import { sleep } from '../processes';
import { log, type ChaosSystem } from '../system';
import { declare, peopleForSeverity, resetCounters, result, retire, seconds, serverErrorCount, settle, type DeclaredIncident, type Scenario } from './common';

/**
 * Emails a kill can catch between the relay's 250 and the write that records
 * them: one per pooled SMTP connection (SMTP_POOL_SIZE), and as many again
 * waiting for their batch's shared SENT write.
 */
const EMAILS_IN_FLIGHT_PER_KILL = 2 * parseConfig({}).SMTP_POOL_SIZE;

export function workerKillScenario(knobs: Knobs): Scenario {
  return {
    name: `worker kill -9 x${knobs.workerKills} during sev-1 fan-out (${knobs.recipients} x 2)`,
    async run(system: ChaosSystem) {
      resetCounters(system);
      const people = (await peopleForSeverity(system, 1)).map((p) => ({ personId: p.id, channels: p.channels }));
      const incidents: DeclaredIncident[] = [];
      const expected: ExpectedMessage[] = [];
      const rounds: { backAt: number; expected: ExpectedMessage[]; incident: DeclaredIncident; killedAt: number }[] = [];
      for (let round = 1; round <= knobs.workerKills; round += 1) {
        const incident = await declare(system, 1, `Chaos: worker killed during fan-out, round ${round}`);
        const mine = expectIncidentMessages(incident.number, 'incident.declared', people);
        await sleep(Math.random() * knobs.killWindowMs);
        const killedAt = Date.now();
        await system.worker.kill9();
        await system.worker.start();
        const counted = await settle(system, mine, [incident], 180_000, EMAILS_IN_FLIGHT_PER_KILL);
        const afterBack = Math.max(0, counted.lastArrivalAt - system.worker.readyAt);
        log(`  round ${round}: ${incident.number} killed ${killedAt - incident.declaredAt} ms after declaring; worker back after ${seconds(system.worker.readyAt - killedAt)}; ${counted.delivered}/${counted.expected} delivered, last ${seconds(afterBack)} after the worker was back`);
        incidents.push(incident);
        expected.push(...mine);
        rounds.push({ backAt: system.worker.readyAt, expected: mine, incident, killedAt });
      }
      const counted = await settle(system, expected, incidents, 60_000, EMAILS_IN_FLIGHT_PER_KILL * rounds.length);
      const perRound = await Promise.all(rounds.map((r) => settle(system, r.expected, [r.incident], 0)));
      const delays = perRound.map((t, i) => Math.max(0, t.lastArrivalAt - rounds[i].backAt));
      const worst = Math.max(0, ...delays);
      const midFanOut = perRound.filter((t, i) => t.lastArrivalAt > rounds[i].killedAt).length;
      await retire(system, incidents);
      return result(this.name, 'messages', counted, {
        http5xx: serverErrorCount(system),
        worstDelayMs: worst,
        delayFrom: 'worker back',
        checks: [{ name: `every message within ${seconds(knobs.deliveryTargetMs)} of a worker being back`, ok: worst <= knobs.deliveryTargetMs, detail: `worst ${seconds(worst)}` }],
        notes: [`${midFanOut} of ${rounds.length} kills landed before the fan-out had finished`],
      });
    },
  };
}
