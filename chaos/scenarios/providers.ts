// The providers misbehave while a severity-1 incident is declared: Twilio
// answers 429s then 500s; the SMTP relay refuses for a while; both are down.
import fs from 'node:fs';
import path from 'node:path';
import { expectIncidentMessages } from '../ledger';
import type { Knobs } from '../knobs';
import type { ChaosSystem } from '../system';
import { declare, peopleForSeverity, resetCounters, result, retire, seconds, serverErrorCount, settle, type Check, type Scenario } from './common';

/** The most SMS create calls that reached the provider in any 1-second window. */
function busiestSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i += 1) {
    while (sorted[i] - sorted[j] >= 1_000) j += 1;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

type Fault = (system: ChaosSystem) => { endsAt: number | null; description: string };

function providerScenario(name: string, knobs: Knobs, fault: Fault): Scenario {
  return {
    name,
    async run(system: ChaosSystem) {
      resetCounters(system);
      const people = (await peopleForSeverity(system, 1)).map((p) => ({ personId: p.id, channels: p.channels }));
      const { endsAt } = fault(system);
      const incident = await declare(system, 1, `Chaos: ${name}`);
      const expected = expectIncidentMessages(incident.number, 'incident.declared', people);
      const counted = await settle(system, expected, [incident], (endsAt ?? Date.now()) - Date.now() + 240_000);
      system.sinks.mail.refuse(null);
      system.sinks.sms.outage(null);
      const from = endsAt ?? incident.declaredAt;
      const requests = system.sinks.sms.createRequests();
      const peak = busiestSecond(requests.map((r) => r.at));
      fs.writeFileSync(path.join(system.logDir, `sms-requests-${name.replace(/[^a-z0-9]+/gi, '-')}.json`), JSON.stringify(requests));
      const checks: Check[] = [
        { name: `SMS never faster than ${knobs.smsPerSecond}/s per sender`, ok: peak <= knobs.smsPerSecond, detail: `busiest second: ${peak} requests` },
      ];
      await retire(system, [incident]);
      return result(name, 'messages', counted, {
        http5xx: serverErrorCount(system),
        worstDelayMs: counted.lastArrivalAt ? Math.max(0, counted.lastArrivalAt - from) : null,
        delayFrom: endsAt ? 'providers back' : 'declaration',
        checks,
        notes: [`${system.sinks.sms.createRequests().filter((r) => r.httpStatus !== 201).length} SMS requests refused on the way`],
      });
    },
  };
}

export function providerScenarios(knobs: Knobs): Scenario[] {
  const outage = seconds(knobs.outageMs);
  return [
    providerScenario(`SMS 429 x${knobs.storm429} then 500 x${knobs.storm500}`, knobs, (system) => {
      system.sinks.sms.failNext(429, knobs.storm429);
      system.sinks.sms.failNext(500, knobs.storm500);
      return { endsAt: null, description: 'storm' };
    }),
    providerScenario(`SMTP refusing (451) for ${outage}`, knobs, (system) => {
      const endsAt = Date.now() + knobs.outageMs;
      system.sinks.mail.refuse(451, endsAt);
      return { endsAt, description: 'smtp' };
    }),
    providerScenario(`both providers down for ${outage}`, knobs, (system) => {
      const endsAt = Date.now() + knobs.outageMs;
      system.sinks.mail.refuse(451, endsAt);
      system.sinks.sms.outage(503, endsAt);
      return { endsAt, description: 'both' };
    }),
  ];
}
