/**
 * npm run bench:public
 *
 * Can residents read the public record as fast as a publicised incident sends
 * them? The whole system as command (a) wires it (real Temporal dev server,
 * PostgreSQL, worker, API, loopback SMTP and SMS sinks), with BENCH_INCIDENTS
 * (200) incidents made through the real paths: each declared through the API
 * (severity 3, so its deadlines are set by its workflow), a holding statement
 * drafted by the police chief and approved by the PIO through the API, which
 * publishes it. Then autocannon, in a separate process at the lowest CPU
 * priority (standing in for the residents' own machines, so it shares neither
 * the API's event loop nor its CPU share), reads each endpoint in turn over
 * BENCH_CONNECTIONS (50) keep-alive connections for BENCH_SECONDS (10) after
 * BENCH_WARMUP_SECONDS (2) unmeasured:
 *   GET /api/public/incidents/:id   rotating over every seeded incident
 *   GET /incidents/:id              the public incident page, rotating too
 *   GET /feeds/statements.atom
 *
 * Passes (exit 0) when every endpoint serves at least BENCH_MIN_RPS (2,000)
 * requests a second with p99 latency at most BENCH_MAX_P99_MS (50), no
 * connection error and no answer other than 2xx. Prints each endpoint's
 * figures, the load average and what the run was configured with; writes them
 * as JSON to BENCH_OUTPUT when set.
 *
 * Public reads take turns (lib/turns.ts) at PUBLIC_READS_PER_SECOND per API
 * process, 200 by default, so that residents can never crowd out staff; a
 * public site that must answer 2,000 reads a second raises it, and so does
 * this bench (BENCH_PUBLIC_READS_PER_SECOND, 20,000), saying so in its output.
 */
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { benchmarkReport } from './report';
import os from 'node:os';
import type autocannonType from 'autocannon';
import { startTestSystem, type TestSystem } from '../test/harness/app';
import { eventually } from '../test/harness/eventually';

const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 200);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const MIN_RPS = Number(process.env.BENCH_MIN_RPS ?? 2000);
const MAX_P99_MS = Number(process.env.BENCH_MAX_P99_MS ?? 50);
const PUBLIC_READS_PER_SECOND = Number(process.env.BENCH_PUBLIC_READS_PER_SECOND ?? 20_000);
/** Incidents seeded at once: each is a declaration, a draft and an approval through the API. */
const SEED_PARALLEL = Number(process.env.BENCH_SEED_PARALLEL ?? 4);

interface Endpoint {
  name: string;
  /** Paths read in turn, one per request. */
  paths: string[];
}

interface EndpointFigures {
  name: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** CPU time the system's process (API, worker, sinks) spent per request while this endpoint was measured. */
  apiCpuMsPerRequest?: number;
}

/** Child to parent: a measured run starts or ends (the parent times its own CPU use in between). */
interface PhaseMessage {
  phase: 'start' | 'end';
  name: string;
}

// ---------------------------------------------------------------- load generator (child process)

async function generateLoad(baseUrl: string, endpoints: Endpoint[]): Promise<void> {
  const { default: autocannon } = (await import('autocannon')) as unknown as { default: typeof autocannonType };
  const run = (paths: string[], seconds: number) => {
    let next = 0;
    return autocannon({
      url: baseUrl,
      connections: CONNECTIONS,
      duration: seconds,
      // Every connection is kept alive (autocannon's default); each request takes the next path.
      requests: [
        {
          setupRequest: (request) => {
            const path = paths[next % paths.length];
            next += 1;
            return { ...request, path };
          },
        },
      ],
    });
  };
  const figures: EndpointFigures[] = [];
  for (const endpoint of endpoints) {
    if (WARMUP_SECONDS > 0) await run(endpoint.paths, WARMUP_SECONDS);
    process.send?.({ phase: 'start', name: endpoint.name } satisfies PhaseMessage);
    const result = await run(endpoint.paths, SECONDS);
    process.send?.({ phase: 'end', name: endpoint.name } satisfies PhaseMessage);
    figures.push({
      name: endpoint.name,
      requestsPerSecond: result.requests.total / result.duration,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      maxMs: result.latency.max,
      requests: result.requests.total,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
    });
  }
  // Exit once the figures are on their way: an open IPC channel would keep both processes alive.
  process.send?.(figures, () => process.exit(0));
}

// ---------------------------------------------------------------- the record residents read

async function json(res: Response, expected: number, what: string): Promise<any> {
  const text = await res.text();
  if (res.status !== expected) throw new Error(`${what} answered ${res.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

/**
 * A staff call through the API; a 503 (the busy machine's workflow or
 * database did not answer in time) or a dropped connection is tried again
 * after its Retry-After, unless `done` finds that the first try took effect.
 */
async function staffCall<T>(system: TestSystem, what: string, call: () => Promise<Response>, expected: number, done: () => Promise<T | undefined>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    // A kept-alive connection the server closed just then fails the fetch: also one to try again.
    const res = await call().catch((err: unknown) => {
      if (attempt === 5) throw err;
      return undefined;
    });
    if (res && (res.status !== 503 || attempt === 5)) return (await json(res, expected, what)) as T;
    await res?.text();
    await new Promise((r) => setTimeout(r, Number(res?.headers.get('retry-after') ?? 1) * 1000));
    const already = await done();
    if (already !== undefined) return already;
  }
}

/** One incident as staff make it: declared, its holding statement drafted, approved and so published. */
async function publishedIncident(system: TestSystem, n: number): Promise<string> {
  const title = `Public read bench incident ${n}`;
  const { number } = await staffCall<{ number: string }>(
    system,
    'declare',
    () =>
      system.request('/api/incidents', {
        method: 'POST',
        as: 'CITY_MANAGER',
        json: { type: 'OFFICER_INVOLVED_SHOOTING', severity: 3, title, summary: 'Benchmark declaration; fictional.' },
      }),
    202,
    async () => (await system.db.incident.findFirst({ where: { title }, select: { number: true } })) ?? undefined,
  );
  await eventually(async () => (await system.db.deadline.count({ where: { incident: { number } } })) > 0, `${number}'s deadlines`, 300_000, 250);
  const { statementId } = await staffCall<{ statementId: string }>(
    system,
    `draft on ${number}`,
    () =>
      system.request(`/api/incidents/${number}/statements`, {
        method: 'POST',
        as: 'POLICE_CHIEF',
        json: {
          kind: 'HOLDING_STATEMENT',
          title: `Holding statement on incident ${n}`,
          body: 'What the City can say now, and when it will say more. '.repeat(8).trim(),
          translations: { es: { title: `Comunicado inicial sobre el incidente ${n}`, body: 'Lo que la Ciudad puede decir ahora. '.repeat(8).trim() } },
        },
      }),
    201,
    async () => {
      const statement = await system.db.statement.findFirst({ where: { incident: { number }, kind: 'HOLDING_STATEMENT' }, select: { id: true } });
      return statement ? { statementId: statement.id } : undefined;
    },
  );
  // Severity 3: the PIO alone approves, which publishes it (the statement's workflow may still be starting).
  await eventually(
    async () => {
      const status = (await system.db.statement.findUniqueOrThrow({ where: { id: statementId } })).status;
      if (status === 'PUBLISHED' || status === 'APPROVED') return true;
      const decided = await system.request(`/api/statements/${statementId}/decisions`, { method: 'POST', as: 'PIO', json: { version: 1, decision: 'APPROVE' } });
      await decided.text();
      return decided.status === 200;
    },
    `the PIO's approval of ${statementId}`,
    300_000,
    500,
  );
  await eventually(
    async () => (await system.db.statement.findUniqueOrThrow({ where: { id: statementId } })).status === 'PUBLISHED',
    `${statementId} to be published`,
    300_000,
    250,
  );
  return number;
}

async function seed(system: TestSystem): Promise<string[]> {
  const numbers: string[] = [];
  let started = 0;
  const worker = async () => {
    while (started < INCIDENTS) {
      started += 1;
      numbers.push(await publishedIncident(system, started));
      if (numbers.length % 25 === 0) console.log(`  ${numbers.length}/${INCIDENTS} incidents published`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(SEED_PARALLEL, INCIDENTS) }, worker));
  return numbers.sort();
}

/** How long the sinks must see no new message before the measurement starts. */
const QUIET_MS = 3_000;
const MAX_SETTLE_MS = 120_000;

/** The public data's version (services/publicViews.ts): each change the public sees moves it, and the next reader reloads. */
async function publicDataVersion(system: TestSystem): Promise<number> {
  const rows = await system.db.$queryRaw<{ last_value: bigint }[]>`SELECT last_value FROM "public_data_version"`;
  return Number(rows[0].last_value);
}

/**
 * The declarations' emails and texts go out, and their workflows record what
 * follows, after seeding; the measurement waits until the sinks and the public
 * data have been quiet a while, so it times the reads rather than that work.
 */
async function settled(system: TestSystem): Promise<void> {
  const started = performance.now();
  const count = async () => `${system.sinks.mail.messages().length + system.sinks.sms.messages().length} ${await publicDataVersion(system)}`;
  let last = await count();
  let quietSince = performance.now();
  while (performance.now() - quietSince < QUIET_MS && performance.now() - started < MAX_SETTLE_MS) {
    await new Promise((r) => setTimeout(r, 250));
    const now = await count();
    if (now !== last) {
      last = now;
      quietSince = performance.now();
    }
  }
  const [messages, version] = last.split(' ');
  console.log(`  ${messages} emails and texts sent, public data version ${version}; quiet for ${QUIET_MS / 1000} s after ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

// ---------------------------------------------------------------- the measurement

async function main(): Promise<void> {
  const date = new Date().toISOString();
  const system = await startTestSystem({ config: { PUBLIC_READS_PER_SECOND }, databasePoolSize: 20 });
  try {
    const seedStarted = performance.now();
    console.log(`bench:public — seeding ${INCIDENTS} incidents through the API (declare, draft, approve, publish), ${SEED_PARALLEL} at a time`);
    const numbers = await seed(system);
    console.log(`  seeded in ${((performance.now() - seedStarted) / 1000).toFixed(0)} s`);
    await settled(system);

    const endpoints: Endpoint[] = [
      { name: 'GET /api/public/incidents/:id', paths: numbers.map((n) => `/api/public/incidents/${n}`) },
      { name: 'GET /incidents/:id (public incident page)', paths: numbers.map((n) => `/incidents/${n}`) },
      { name: 'GET /feeds/statements.atom', paths: ['/feeds/statements.atom'] },
    ];
    // Every endpoint answers, and the feed holds what was published, before any is timed.
    for (const { paths } of endpoints) {
      const res = await fetch(`${system.baseUrl}${paths[0]}`);
      const text = await res.text();
      if (res.status !== 200) throw new Error(`${paths[0]} answered ${res.status}`);
      if (paths[0] === '/feeds/statements.atom' && !text.includes(numbers[numbers.length - 1])) throw new Error('the Atom feed lacks the newest statement');
    }

    const loadBefore = os.loadavg();
    console.log(
      `  autocannon: ${CONNECTIONS} keep-alive connections, ${WARMUP_SECONDS} s warm-up + ${SECONDS} s measured per endpoint, nice 19; ` +
        `PUBLIC_READS_PER_SECOND=${PUBLIC_READS_PER_SECOND} (default 200); load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} on ${os.cpus().length} cores`,
    );
    const generator = fork(__filename, ['--load', system.baseUrl, JSON.stringify(endpoints)], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    // The residents' machines are not the server's: on one box the generator takes CPU only when the system does not want it.
    os.setPriority(generator.pid!, 19);
    const versionBefore = await publicDataVersion(system);
    const cpuBefore = process.cpuUsage();
    const wallBefore = performance.now();
    const cpuByEndpoint = new Map<string, number>();
    let phaseCpu = process.cpuUsage();
    const figures = await new Promise<EndpointFigures[]>((resolve, reject) => {
      generator.on('message', (m: PhaseMessage | EndpointFigures[]) => {
        if (Array.isArray(m)) return resolve(m);
        if (m.phase === 'start') phaseCpu = process.cpuUsage();
        else {
          const used = process.cpuUsage(phaseCpu);
          cpuByEndpoint.set(m.name, (used.user + used.system) / 1000);
        }
      });
      generator.once('exit', (code) => reject(new Error(`load generator exited with ${code} before reporting`)));
    });
    const cpu = process.cpuUsage(cpuBefore);
    const apiCoreShare = (cpu.user + cpu.system) / 1000 / (performance.now() - wallBefore);
    const loadAfter = os.loadavg();
    const versionMoves = (await publicDataVersion(system)) - versionBefore;

    for (const f of figures) {
      const cpuMs = cpuByEndpoint.get(f.name);
      if (cpuMs !== undefined && f.requests > 0) f.apiCpuMsPerRequest = cpuMs / f.requests;
    }
    const results: { name: string; figure: number; unit: string; target: string; met: boolean }[] = [];
    for (const f of figures) {
      console.log(
        `${f.name.padEnd(42)} ${f.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${f.p50Ms} ms  p99 ${f.p99Ms} ms  max ${f.maxMs} ms  ` +
          `(${f.requests} requests, ${f.non2xx} non-2xx, ${f.errors} errors, ${f.timeouts} timeouts; ` +
          `system process CPU ${f.apiCpuMsPerRequest?.toFixed(3) ?? '?'} ms/request)`,
      );
      results.push(
        { name: `${f.name} requests/s`, figure: Math.round(f.requestsPerSecond), unit: 'req/s', target: `>= ${MIN_RPS}`, met: f.requestsPerSecond >= MIN_RPS },
        { name: `${f.name} p99 latency`, figure: f.p99Ms, unit: 'ms', target: `<= ${MAX_P99_MS}`, met: f.p99Ms <= MAX_P99_MS },
        { name: `${f.name} errors and non-2xx`, figure: f.non2xx + f.errors, unit: 'responses', target: '0', met: f.non2xx + f.errors === 0 },
      );
    }
    const met = results.every((r) => r.met);
    console.log(
      `the API+worker process used ${(apiCoreShare * 100).toFixed(0)}% of a core on average; the public data changed ${versionMoves} times meanwhile ` +
        `(each makes the next reader reload); load average after ${loadAfter.map((l) => l.toFixed(2)).join(' ')}`,
    );
    console.log(met ? 'PASS' : `FAIL: ${results.filter((r) => !r.met).map((r) => `${r.name} ${r.figure} (target ${r.target})`).join('; ')}`);
    // Written where BENCH_OUTPUT says, in the shape every bench reports (bench/report.ts).
    const report = benchmarkReport(
      'public',
      'npm run bench:public',
      results.map((r) => ({ name: r.name, value: r.figure, unit: r.unit, target: r.target, met: r.met })),
      {
        incidents: INCIDENTS,
        connections: CONNECTIONS,
        seconds: SECONDS,
        warmupSeconds: WARMUP_SECONDS,
        PUBLIC_READS_PER_SECOND,
        publicDataChangesDuringMeasurement: versionMoves,
        loadAverageBefore: loadBefore,
        endpoints: figures,
      },
    );
    if (process.env.BENCH_OUTPUT) writeFileSync(process.env.BENCH_OUTPUT, `${JSON.stringify(report, null, 2)}\n`);
    if (!met) process.exitCode = 1;
  } finally {
    await system.stop();
  }
}

if (process.argv[2] === '--load') {
  generateLoad(process.argv[3], JSON.parse(process.argv[4]) as Endpoint[]).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
