// A 2,000-item CSV import, with the API and the worker killed (-9) at the
// worst moment: the moment the import's rows are committed, while their
// workflows are being started. Both are started again; the client retries
// with the same Idempotency-Key until it gets an answer. Every item exactly
// once, every item's workflow running.
import { formatCivilDate, localDateOf } from '../../domain/time/cityTime';
import type { Knobs } from '../knobs';
import { sleep } from '../processes';
import { log, type ChaosSystem } from '../system';
import { resetCounters, result, seconds, serverErrorCount, type Scenario } from './common';

const CITY_TIME_ZONE = 'America/Chicago';

export function csvImportScenario(knobs: Knobs): Scenario {
  return {
    name: `API and worker kill -9 during a ${knobs.csvItems}-item CSV import`,
    async run(system: ChaosSystem) {
      resetCounters(system);
      const today = formatCivilDate(localDateOf(new Date(), CITY_TIME_ZONE));
      const due = formatCivilDate(localDateOf(new Date(Date.now() + 75 * 86_400_000), CITY_TIME_ZONE));
      const plan = await system.request('/api/plans', {
        as: 'CITY_MANAGER',
        json: { title: `Chaos plan ${Date.now()}`, startDate: today, months: 12, goals: [{ number: 1, title: 'Chaos goal', description: 'Items imported under faults.' }] },
      });
      if (plan.status !== 202) throw new Error(`creating the plan answered ${plan.status}: ${JSON.stringify(plan.body)}`);
      const planId = (plan.body as { id: string }).id;
      const rows = Array.from({ length: knobs.csvItems }, (_, i) => `1,Chaos item ${i + 1},Imported under faults,engagement.lead@example.org,city.manager@example.org,${due}`);
      const csv = ['goal,title,description,owner_email,sponsor_email,due_date', ...rows].join('\n');
      const key = `chaos-csv-${Date.now()}`;
      const importOnce = () =>
        system.request(`/api/plans/${planId}/items/import`, { as: 'CITY_MANAGER', body: csv, headers: { 'content-type': 'text/csv', 'Idempotency-Key': key } });

      const started = Date.now();
      const first = importOnce().then(
        (answer) => `answered ${answer.status}`,
        (err: unknown) => `cut off (${(err as Error).message})`,
      );
      // Killed as soon as the rows are in (or after 60 s, if they never come).
      let rowsCommitted = false;
      for (const giveUp = Date.now() + 60_000; !rowsCommitted && Date.now() < giveUp; ) {
        rowsCommitted = (await system.db.actionItem.count({ where: { planId } })) > 0;
        if (!rowsCommitted) await sleep(25);
      }
      const killMoment = rowsCommitted ? 'once the rows were committed' : 'after 60 s with no rows committed';
      const killedAt = Date.now();
      await Promise.all([system.api.kill9(), system.worker.kill9()]);
      const firstOutcome = await first;
      await Promise.all([system.api.start(), system.worker.start()]);
      const runningAtKill = await countRunning(system, (await system.db.actionItem.findMany({ where: { planId }, select: { workflowId: true } })).map((i) => i.workflowId));
      log(`  import killed ${seconds(killedAt - started)} in, ${killMoment}; ${runningAtKill} workflows running; first request ${firstOutcome}`);

      let answer = await importOnce().catch(() => null);
      for (let tries = 1; (!answer || answer.status >= 500) && tries < 20; tries += 1) {
        await sleep(Number(answer?.headers.get('retry-after') ?? 2) * 1000);
        answer = await importOnce().catch(() => null);
      }
      if (!answer || answer.status >= 300) throw new Error(`the import retry answered ${answer?.status}: ${JSON.stringify(answer?.body)}`);

      const items = await system.db.actionItem.findMany({ where: { planId }, select: { id: true, title: true, workflowId: true } });
      const titles = new Set(items.map((i) => i.title));
      let running = 0;
      let lastChecked = Date.now();
      // Repair (a keyed retry, or the reconciler) may still be starting the last ones.
      for (const deadline = Date.now() + 180_000; ; ) {
        running = await countRunning(system, items.map((i) => i.workflowId));
        lastChecked = Date.now();
        if (running === items.length || Date.now() > deadline) break;
        await sleep(2_000);
      }
      const delivered = Math.min(running, knobs.csvItems);
      return result(this.name, 'items', { expected: knobs.csvItems, delivered, lost: knobs.csvItems - delivered, duplicated: Math.max(0, items.length - knobs.csvItems), lastArrivalAt: lastChecked, missing: [], duplicates: [], emailResends: 0 }, {
        http5xx: serverErrorCount(system),
        worstDelayMs: lastChecked - started,
        delayFrom: 'first request',
        checks: [{ name: 'every imported item has a running workflow', ok: running === items.length, detail: `${running}/${items.length}` }],
        notes: [
          `killed ${killMoment}, with ${runningAtKill} of their workflows started; first request ${firstOutcome}; the retry answered ${answer.status}`,
          `${items.length} item rows (${titles.size} distinct titles) for ${knobs.csvItems} CSV rows`,
        ],
      });
    },
  };
}

async function countRunning(system: ChaosSystem, workflowIds: string[]): Promise<number> {
  let running = 0;
  for (let i = 0; i < workflowIds.length; i += 50) {
    const batch = await Promise.all(
      workflowIds.slice(i, i + 50).map((id) =>
        system.temporal.workflow
          .getHandle(id)
          .describe()
          .then((d) => d.status.name === 'RUNNING')
          .catch(() => false),
      ),
    );
    running += batch.filter(Boolean).length;
  }
  return running;
}
