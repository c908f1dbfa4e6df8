// What every scenario shares: its result row, declaring an incident through
// the API, who severity 1 names, and waiting until an incident's messages
// have all arrived and nothing is left pending.
import { DEFAULT_POLICY } from '../../policy/defaultPolicy';
import type { Role } from '../../domain/roles';
import { declarationChannels } from '../../domain/policy/lookups';
import { arrivals, tally, type ExpectedMessage, type Tally } from '../ledger';
import { sleep } from '../processes';
import type { ChaosSystem } from '../system';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface ScenarioResult {
  name: string;
  /** What expected/delivered count: messages, items. */
  unit: string;
  expected: number;
  delivered: number;
  lost: number;
  duplicated: number;
  /** The scenario's worst delay, and what it is measured from. */
  worstDelayMs: number | null;
  delayFrom: string;
  http5xx: number;
  checks: Check[];
  notes: string[];
  missing: string[];
  duplicates: string[];
  /** Emails re-sent with the same Message-ID after a worker kill (tolerated; see chaos/ledger.ts). */
  emailResends: number;
}

export interface Scenario {
  name: string;
  run(system: ChaosSystem): Promise<ScenarioResult>;
}

export interface DeclaredIncident {
  id: string;
  number: string;
  workflowId: string;
  declaredAt: number;
}

/** A declaration as the city manager makes it; retried on a 503 as its Retry-After asks (the 503 is still counted). */
export async function declare(system: ChaosSystem, severity: 1 | 2 | 3, title: string): Promise<DeclaredIncident> {
  for (let tries = 1; ; tries += 1) {
    const answer = await system.request('/api/incidents', {
      as: 'CITY_MANAGER',
      json: { type: DEFAULT_POLICY.definition.types[0].key, severity, title, summary: 'A fictional incident declared by the chaos run.' },
    });
    if (answer.status === 202) {
      const body = answer.body as { id: string; number: string; workflowId: string };
      return { id: body.id, number: body.number, workflowId: body.workflowId, declaredAt: Date.now() };
    }
    if (answer.status !== 503 || tries >= 5) throw new Error(`declaring "${title}" answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    await sleep(Number(answer.headers.get('retry-after') ?? 1) * 1000);
  }
}

/** Everyone a severity names, from the roster (not from the app's own record of whom it told). */
/** Who is told of a declaration at this severity, each with the channels the policy tells them on. */
export async function peopleForSeverity(system: ChaosSystem, level: 1 | 2 | 3) {
  const severity = DEFAULT_POLICY.severities.find((s) => s.level === level)!;
  const roles = severity.recipients as Role[];
  const people = await system.db.person.findMany({
    where: { active: true, roles: { hasSome: roles } },
    select: { id: true, name: true, roles: true, backupId: true, backup: { select: { id: true, active: true } } },
  });
  return people.map((person) => ({
    ...person,
    channels: [...new Set(person.roles.filter((role) => roles.includes(role as Role)).flatMap((role) => declarationChannels(severity, role as Role)))],
  }));
}

export const keyPrefix = (incident: { number: string }) => `incident-${incident.number}|`;

/**
 * Waits until every expected message has arrived and no notification of these
 * incidents is still pending (so no late copy is on its way), then counts.
 */
export async function settle(
  system: ChaosSystem,
  expected: ExpectedMessage[],
  incidents: { id: string; number: string }[],
  timeoutMs: number,
  tolerateEmailResends = 0,
): Promise<Tally> {
  const prefixes = incidents.map(keyPrefix);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counted = tally(expected, await arrivals(system.db, system.sinks), prefixes, tolerateEmailResends);
    const pending = await system.db.notification.count({ where: { incidentId: { in: incidents.map((i) => i.id) }, status: 'PENDING' } });
    if ((counted.lost === 0 && pending === 0) || Date.now() > deadline) {
      // A moment more, for a copy sent in the same instant to land.
      await sleep(1_000);
      return tally(expected, await arrivals(system.db, system.sinks), prefixes, tolerateEmailResends);
    }
    // Counting reads every message the sinks hold: a large scenario counts less often, so the count does not slow what it counts.
    await sleep(Math.min(5_000, 500 + expected.length / 5));
  }
}

/** The incidents' workflows are stopped once counted, so their later reminders do not load the next scenario. */
export async function retire(system: ChaosSystem, incidents: DeclaredIncident[]): Promise<void> {
  await Promise.allSettled(incidents.map((i) => system.temporal.workflow.getHandle(i.workflowId).terminate('chaos run: scenario counted')));
}

export function serverErrorCount(system: ChaosSystem): number {
  return Object.values(system.serverErrors).reduce((a, b) => a + b, 0) + system.callbackServerErrors();
}

export function resetCounters(system: ChaosSystem): void {
  system.serverErrors = {};
  system.sinks.mail.clear();
  system.sinks.sms.clear();
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function result(name: string, unit: string, counted: Tally, extra: Partial<ScenarioResult> & { http5xx: number }): ScenarioResult {
  return {
    name,
    unit,
    expected: counted.expected,
    delivered: counted.delivered,
    lost: counted.lost,
    duplicated: counted.duplicated,
    worstDelayMs: null,
    delayFrom: '',
    checks: [],
    notes: [],
    missing: counted.missing.slice(0, 10),
    duplicates: counted.duplicates.slice(0, 10),
    emailResends: counted.emailResends,
    ...extra,
  };
}
