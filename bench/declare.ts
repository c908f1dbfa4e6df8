/**
 * npm run bench:declare
 *
 * Declaration latency: from POST /api/incidents to the moment every sev-1
 * recipient's email has been accepted by the SMTP sink and their SMS by the
 * Twilio-shaped sink. 50 recipients x 2 channels, 20 declarations, one after
 * another, on the whole system as command (a) wires it (real Temporal dev
 * server, PostgreSQL, worker, API, loopback SMTP and SMS sinks).
 */
import { startTestSystem } from '../test/harness/app';

const RECIPIENTS = Number(process.env.BENCH_RECIPIENTS ?? 50);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const WARMUP_RUNS = 2;
const TIMEOUT_MS = 60_000;

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

async function main(): Promise<void> {
  const system = await startTestSystem();
  try {
    const { db } = system;
    // The demo roster has one alderman with a deliberately invalid number; the
    // bench measures the happy path, so every recipient gets a valid one.
    await db.person.updateMany({ where: { phone: { startsWith: '+1555000' } }, data: { phone: '+13145550199' } });
    const policy = (await system.request('/api/policy').then((r) => r.json())) as {
      definition: { types: { key: string }[] };
      severities: { level: number; recipients: string[] }[];
    };
    const sev1Roles = policy.severities.find((s) => s.level === 1)?.recipients ?? [];
    const existing = await db.person.count({ where: { active: true, roles: { hasSome: sev1Roles as any } } });
    const extra = Math.max(0, RECIPIENTS - existing);
    for (let i = 0; i < extra; i++) {
      const n = String(i + 1).padStart(3, '0');
      await db.person.create({
        data: {
          name: `Bench Alderman ${n}`,
          title: `Alderman (benchmark fixture ${n})`,
          email: `bench.alderman.${n}@example.org`,
          phone: `+1314556${String(1000 + i).padStart(4, '0')}`,
          roles: ['ALDERMAN'],
          organisation: 'Board of Aldermen',
        },
      });
    }
    const recipients = await db.person.count({ where: { active: true, roles: { hasSome: sev1Roles as any } } });
    const type = policy.definition.types[0].key;
    console.log(`bench:declare — ${recipients} sev-1 recipients x 2 channels, ${RUNS} runs (+${WARMUP_RUNS} warm-up)`);

    const latencies: number[] = [];
    for (let run = 0; run < RUNS + WARMUP_RUNS; run++) {
      system.sinks.mail.clear();
      system.sinks.sms.clear();
      const started = performance.now();
      const res = await system.request('/api/incidents', {
        method: 'POST',
        as: 'CITY_MANAGER',
        json: { type, severity: 1, title: `Benchmark incident ${run}`, summary: 'Benchmark declaration; fictional.' },
      });
      if (res.status !== 202) throw new Error(`declare answered ${res.status}: ${await res.text()}`);
      const { number } = (await res.json()) as { number: string };
      const mentions = (text: string | null | undefined) => Boolean(text && text.includes(number));
      for (;;) {
        const mails = system.sinks.mail.messages().filter((m) => mentions(m.subject) || mentions(m.text));
        const texts = system.sinks.sms.messages().filter((m) => m.direction === 'outbound-api' && mentions(m.body));
        if (mails.length >= recipients && texts.length >= recipients) break;
        if (performance.now() - started > TIMEOUT_MS) {
          throw new Error(`run ${run}: only ${mails.length} emails and ${texts.length} SMS after ${TIMEOUT_MS} ms`);
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      const elapsed = performance.now() - started;
      if (run >= WARMUP_RUNS) latencies.push(elapsed);
      console.log(`run ${String(run + 1).padStart(2)}${run < WARMUP_RUNS ? ' (warm-up)' : ''}: ${number} ${elapsed.toFixed(0)} ms`);
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    console.log(
      `declaration -> all ${recipients * 2} messages accepted: p50 ${percentile(sorted, 50).toFixed(0)} ms, ` +
        `p95 ${percentile(sorted, 95).toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms (n=${sorted.length})`,
    );
  } finally {
    await system.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
