/**
 * npm run bench:declare
 *
 * Declaration latency: from POST /api/incidents to the moment every sev-1
 * recipient's email has been accepted by the SMTP sink and their SMS by the
 * Twilio-shaped sink, BENCH_RECIPIENTS (50) recipients x 2 channels. The whole
 * system as command (a) wires it, each part its own process (chaos/system.ts:
 * PostgreSQL, the Temporal dev server, the worker, the API; the sinks stand
 * in for the providers in this process).
 *
 * In the same run, the floor: the same 100 messages sent straight from this
 * process, with the same provider clients (pooled nodemailer, the twilio
 * client) and the same per-sender SMS pacing, with no database and no
 * Temporal. Declarations and baseline rounds alternate, so background load
 * falls on both alike. The first declaration after start-up is reported on
 * its own line (the worker warms up before it says it has started).
 *
 * Exit 1 when a target is missed: p95 <= BENCH_MAX_P95_MS (1000), p50 ratio
 * to the baseline <= BENCH_MAX_RATIO (3), the first declaration <= the p95
 * bound. BENCH_OUTPUT: where to write the figures as JSON (bench/report.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ChaosSystem, setLogLabel } from '../chaos/system';
import { REPO_ROOT } from '../test/harness/paths';
import { severityPolicy } from '../domain/policy/lookups';
import { DEFAULT_POLICY } from '../policy';
import { createMailer, createSmsClient, renderMessage } from '../activities/notifications';
import { AdaptiveSendRate } from '../activities/notifications/sendRate';
import { createTestConfig } from '../test/harness/config';
import { benchmarkReport, percentile, writeReport, type Figure } from './report';

const RECIPIENTS = Number(process.env.BENCH_RECIPIENTS ?? 50);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
/** A short code's throughput (Twilio: 100 messages per second); the baseline is paced the same. */
const SMS_PER_SECOND = Number(process.env.BENCH_SMS_PER_SECOND ?? 100);
const MAX_P95_MS = Number(process.env.BENCH_MAX_P95_MS ?? 1000);
const MAX_RATIO = Number(process.env.BENCH_MAX_RATIO ?? 3);
const WARMUP_RUNS = 2;
const TIMEOUT_MS = 60_000;

type Sinks = ChaosSystem['sinks'];

/** Waits until `count` emails and `count` texts mentioning `marker` reached the sinks; ms since `started`. */
async function arrival(sinks: Sinks, marker: string, count: number, started: number): Promise<number> {
  const mentions = (text: string | null | undefined) => Boolean(text && text.includes(marker));
  for (;;) {
    const mails = sinks.mail.messages().filter((m) => mentions(m.subject) || mentions(m.text)).length;
    const texts = sinks.sms.messages().filter((m) => m.direction === 'outbound-api' && mentions(m.body)).length;
    if (mails >= count && texts >= count) return performance.now() - started;
    if (performance.now() - started > TIMEOUT_MS) throw new Error(`${marker}: only ${mails} emails and ${texts} texts after ${TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function main(): Promise<void> {
  setLogLabel('bench:declare');
  const dataDir = path.join(REPO_ROOT, '.data', `bench-declare-${process.pid}`);
  const system = new ChaosSystem({
    dataDir,
    smsSendsPerSecond: SMS_PER_SECOND,
    sev1Recipients: RECIPIENTS,
  });
  await system.start();
  const baselineConfig = createTestConfig({ ...system.sinks.config, PUBLIC_BASE_URL: system.baseUrl });
  const mailer = createMailer(baselineConfig);
  const sms = createSmsClient(baselineConfig);
  try {
    const policy = (await system.request('/api/policy')).body as { definition: { types: { key: string }[] } };
    const type = policy.definition.types[0].key;
    const people = await system.db.person.findMany({
      where: { active: true, roles: { hasSome: [...severityPolicy(DEFAULT_POLICY, 1).recipients] } },
      select: { name: true, email: true, phone: true },
    });
    console.log(`bench:declare: ${people.length} sev-1 recipients x 2 channels, SMS at ${SMS_PER_SECOND}/s per sender, ${RUNS} runs (+${WARMUP_RUNS} warm-up)`);

    const declare = async (label: string): Promise<number> => {
      const started = performance.now();
      const res = await system.request('/api/incidents', {
        as: 'CITY_MANAGER',
        json: { type, severity: 1, title: `Benchmark incident ${label}`, summary: 'Benchmark declaration; fictional.' },
      });
      if (res.status !== 202) throw new Error(`declare answered ${res.status}: ${JSON.stringify(res.body)}`);
      return arrival(system.sinks, (res.body as { number: string }).number, people.length, started);
    };

    // The floor: the same messages, the same clients and pacing, nothing else.
    const baseline = async (round: number): Promise<number> => {
      const marker = `BASELINE-${round}-${Date.now()}`;
      const rate = new AdaptiveSendRate(SMS_PER_SECOND);
      const data = { incidentNumber: marker, title: `Benchmark incident ${marker}`, type, typeLabel: type, summary: 'Benchmark; fictional.', severity: 1 };
      const email = renderMessage('incident.declared', data, 'EMAIL', baselineConfig, new Date());
      const text = renderMessage('incident.declared', data, 'SMS', baselineConfig, new Date());
      const started = performance.now();
      await Promise.all(
        people.flatMap((person) => [
          mailer.sendMail({ from: baselineConfig.MAIL_FROM, to: person.email, subject: `${email.subject} ${marker}`, text: email.text, html: email.html ?? undefined }),
          rate.acquire().then(() => sms.messages.create({ to: person.phone!, from: baselineConfig.TWILIO_FROM_NUMBER, body: `${marker} ${text.text}` })),
        ]),
      );
      return arrival(system.sinks, marker, people.length, started);
    };

    const first = await declare('first');
    console.log(`first declaration after start-up: ${first.toFixed(0)} ms`);

    const declared: number[] = [];
    const floor: number[] = [];
    for (let run = 0; run < RUNS + WARMUP_RUNS; run++) {
      const d = await declare(String(run));
      const b = await baseline(run);
      const warm = run < WARMUP_RUNS;
      if (!warm) {
        declared.push(d);
        floor.push(b);
      }
      console.log(`run ${String(run + 1).padStart(2)}${warm ? ' (warm-up)' : ''}: declaration ${d.toFixed(0)} ms, baseline ${b.toFixed(0)} ms`);
    }
    const p = (values: number[], q: number) => percentile([...values].sort((a, b) => a - b), q);
    const ratio = p(declared, 50) / p(floor, 50);
    console.log(`declaration -> all ${people.length * 2} messages accepted: p50 ${p(declared, 50).toFixed(0)} ms, p95 ${p(declared, 95).toFixed(0)} ms (n=${declared.length})`);
    console.log(`baseline (same messages, no database, no Temporal): p50 ${p(floor, 50).toFixed(0)} ms, p95 ${p(floor, 95).toFixed(0)} ms`);
    console.log(`ratio of p50s: ${ratio.toFixed(2)}x`);

    const figures: Figure[] = [
      { name: 'Declaration to every message accepted, p95', value: Math.round(p(declared, 95)), unit: 'ms', target: `<= ${MAX_P95_MS}`, met: p(declared, 95) <= MAX_P95_MS },
      { name: 'Declaration, p50', value: Math.round(p(declared, 50)), unit: 'ms', target: null, met: null },
      { name: 'Plain fan-out baseline, p50', value: Math.round(p(floor, 50)), unit: 'ms', target: null, met: null },
      { name: 'Declaration p50 / baseline p50', value: Number(ratio.toFixed(2)), unit: 'x', target: `<= ${MAX_RATIO}`, met: ratio <= MAX_RATIO },
      { name: 'First declaration after start-up', value: Math.round(first), unit: 'ms', target: `<= ${MAX_P95_MS}`, met: first <= MAX_P95_MS },
    ];
    const report = benchmarkReport('declare', 'npm run bench:declare', figures, {
      recipients: people.length,
      smsPerSecond: SMS_PER_SECOND,
      runs: RUNS,
    });
    writeReport(report);
    if (figures.some((f) => f.met === false)) process.exitCode = 1;
  } finally {
    mailer.close();
    await system.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
