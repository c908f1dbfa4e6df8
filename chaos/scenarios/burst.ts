// A burst of declarations, half of them the same request retried with one
// Idempotency-Key, while staff and public pages are read hard. Exactly one
// incident for the shared key, one per distinct key, every message delivered,
// and no 5xx (not even a 503: the burst is sized to fit two cores).
import { expectIncidentMessages, type ExpectedMessage } from '../ledger';
import type { Knobs } from '../knobs';
import { DEFAULT_POLICY } from '../../policy/defaultPolicy';
import type { ChaosSystem, HttpAnswer } from '../system';
import { peopleForSeverity, resetCounters, result, retire, seconds, serverErrorCount, settle, type DeclaredIncident, type Scenario } from './common';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

export function burstScenario(knobs: Knobs): Scenario {
  return {
    name: `${knobs.burstDeclarations} concurrent declarations (half one Idempotency-Key) + ${knobs.burstReads} concurrent reads`,
    async run(system: ChaosSystem) {
      resetCounters(system);
      const shared = Math.floor(knobs.burstDeclarations / 2);
      const distinct = knobs.burstDeclarations - shared;
      const body = (title: string) => ({ type: DEFAULT_POLICY.definition.types[0].key, severity: 3, title, summary: 'A fictional incident from the chaos burst.' });
      const someIncident = await system.db.incident.findFirst({ orderBy: { declaredAt: 'desc' } });
      const reads = [
        { path: '/api/incidents', as: 'CITY_MANAGER' as const },
        { path: '/api/incidents?status=ACTIVE', as: 'POLICE_CHIEF' as const },
        ...(someIncident ? [{ path: `/api/incidents/${someIncident.number}`, as: 'PIO' as const }, { path: `/api/public/incidents/${someIncident.number}` }, { path: `/incidents/${someIncident.number}` }] : []),
        { path: '/api/public/incidents' },
        { path: '/' },
        { path: '/api/public/plans' },
        { path: '/api/me/items', as: 'STAKEHOLDER_LEAD' as const },
        { path: '/api/policy' },
      ];
      const latencies = { declarations: [] as number[], reads: [] as number[] };
      const timed = async (work: () => Promise<HttpAnswer>, into: number[]) => {
        const started = performance.now();
        const answer = await work().catch((err: unknown) => ({ status: 0, headers: new Headers(), body: String(err) }));
        into.push(performance.now() - started);
        return answer;
      };
      const started = Date.now();
      const declarations = [
        ...Array.from({ length: shared }, () => () =>
          system.request('/api/incidents', { as: 'CITY_MANAGER', json: body('Chaos burst: one request, many retries'), headers: { 'Idempotency-Key': `chaos-burst-${started}` } })),
        ...Array.from({ length: distinct }, (_, i) => () =>
          system.request('/api/incidents', { as: 'CITY_MANAGER', json: body(`Chaos burst: declaration ${i + 1}`), headers: { 'Idempotency-Key': `chaos-burst-${started}-${i}` } })),
      ];
      const readers = Array.from({ length: knobs.burstReads }, (_, i) => () => system.request(reads[i % reads.length].path, { as: reads[i % reads.length].as }));
      const [declared, read] = await Promise.all([
        Promise.all(declarations.map((d) => timed(d, latencies.declarations))),
        Promise.all(readers.map((r) => timed(r, latencies.reads))),
      ]);
      const sharedAnswers = declared.slice(0, shared).filter((a) => a.status === 200 || a.status === 202);
      const sharedNumbers = new Set(sharedAnswers.map((a) => (a.body as { number: string }).number));
      const distinctAnswers = declared.slice(shared).filter((a) => a.status === 202);
      const distinctNumbers = new Set(distinctAnswers.map((a) => (a.body as { number: string }).number));
      const incidents: DeclaredIncident[] = [...sharedAnswers.slice(0, 1), ...distinctAnswers].map((a) => {
        const b = a.body as { id: string; number: string; workflowId: string };
        return { id: b.id, number: b.number, workflowId: b.workflowId, declaredAt: started };
      });
      const rowsForKey = await system.db.incident.count({ where: { title: 'Chaos burst: one request, many retries', declaredAt: { gte: new Date(started - 1_000) } } });

      const people = (await peopleForSeverity(system, 3)).map((p) => ({ personId: p.id, channels: p.channels }));
      const expected: ExpectedMessage[] = incidents.flatMap((i) => expectIncidentMessages(i.number, 'incident.declared', people));
      // Every text leaves at the per-sender rate at most (knobs.smsPerSecond), so the burst's texts take
      // their count over that rate to go out; the wait allows for it rather than counting the queue as lost.
      const texts = people.filter((p) => p.channels.includes('SMS')).length * incidents.length;
      const drainMs = Math.ceil((texts / knobs.smsPerSecond) * 1_000);
      const counted = await settle(system, expected, incidents, Math.max(300_000, drainMs * 1.5 + 300_000));
      const statuses = (answers: HttpAnswer[]) => answers.filter((a) => a.status >= 500 || a.status === 0).length;
      const unavailable = [...declared, ...read].filter((a) => a.status === 503).length;
      await retire(system, incidents);
      return result(this.name, 'messages', counted, {
        http5xx: serverErrorCount(system) + [...declared, ...read].filter((a) => a.status === 0).length,
        worstDelayMs: counted.lastArrivalAt ? counted.lastArrivalAt - started : null,
        delayFrom: 'burst start',
        checks: [
          { name: 'one incident for the shared Idempotency-Key', ok: sharedNumbers.size === 1 && rowsForKey === 1 && sharedAnswers.length === shared, detail: `${sharedAnswers.length}/${shared} answered, ${sharedNumbers.size} number(s), ${rowsForKey} row(s)` },
          { name: 'one incident per distinct key', ok: distinctNumbers.size === distinct, detail: `${distinctNumbers.size}/${distinct}` },
          { name: 'no 503 in the burst', ok: unavailable === 0, detail: `${unavailable} x 503` },
        ],
        notes: [
          `declarations p50 ${seconds(percentile(latencies.declarations, 50))}, p95 ${seconds(percentile(latencies.declarations, 95))}; reads p50 ${seconds(percentile(latencies.reads, 50))}, p95 ${seconds(percentile(latencies.reads, 95))}`,
          `${statuses(declared)} declaration and ${statuses(read)} read answers were 5xx or no answer`,
        ],
      });
    },
  };
}
