// The contract test: the whole system on private ports (a fresh migrated
// database, a real Temporal dev server, the worker, the mail and SMS sinks, the
// API, the demo roster), then schemathesis against its served OpenAPI document
// with every check and a bearer token per role. Any finding fails the run.
//
//   tsx test/contract/run.ts            the bounded CI run (scripts/test.sh)
//   tsx test/contract/run.ts --long     10,000+ cases (npm run contract:long)
//
// Extra arguments after `--` go to `schemathesis run` (e.g. `-- --seed 7`).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { publicPolicyDocument } from '../../services/publicPolicy';
import { startTestSystem } from '../harness/app';
import { REPO_ROOT } from '../harness/paths';
import { CONTRACT_PROFILES, schemathesisArguments, type ContractProfileName } from './profiles';
import { summariseReport } from './report';
import { writeRoleAuthFile } from './roleAuth';

function parseArgs(argv: string[]): { profile: ContractProfileName; passThrough: string[] } {
  const split = argv.indexOf('--');
  const own = split === -1 ? argv : argv.slice(0, split);
  const passThrough = split === -1 ? [] : argv.slice(split + 1);
  const unknown = own.filter((arg) => arg !== '--long');
  if (unknown.length) throw new Error(`unknown option(s): ${unknown.join(' ')} (use --long, or -- <schemathesis options>)`);
  return { profile: own.includes('--long') ? 'long' : 'ci', passThrough };
}

function ensureSchemathesis(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [path.join(REPO_ROOT, 'scripts', 'ensure-schemathesis.sh')], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`ensure-schemathesis.sh exited with ${code}`))));
  });
}

function run(command: string, args: string[], cwd: string, env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: 'inherit', env: { ...process.env, NO_COLOR: '1', ...env } });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

async function main(): Promise<number> {
  const { profile, passThrough } = parseArgs(process.argv.slice(2));
  const schemathesis = await ensureSchemathesis();
  const outDir = path.join(REPO_ROOT, '.data', 'contract', profile);
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });

  console.log(`[contract] starting the whole system (${profile} profile)...`);
  // The fuzzer's requests and the worker's activities share the pool: room enough that requests never wait on it.
  const system = await startTestSystem({ databasePoolSize: 12 });
  const started = Date.now();
  try {
    const authFile = writeRoleAuthFile(outDir, system.tokens);
    const args = schemathesisArguments(CONTRACT_PROFILES[profile], {
      schemaUrl: `${system.baseUrl}/api/openapi.json`,
      authFile,
      outDir,
      configFile: path.join(__dirname, 'schemathesis.toml'),
    });
    console.log(`[contract] ${path.basename(schemathesis)} ${args.join(' ')}`);
    const code = await run(schemathesis, [...args, ...passThrough], outDir, {
      // test/contract/hooks.py: real ids for the fields a schema cannot fill in.
      PYTHONPATH: __dirname,
      SCHEMATHESIS_HOOKS: 'hooks',
      CG_CONTRACT_PEOPLE: Object.values(system.roster.people).map((person) => person.id).join(','),
      CG_CONTRACT_EMAILS: Object.values(system.roster.people).map((person) => person.email).join(','),
      CG_CONTRACT_DEADLINES: publicPolicyDocument().deadlines.map((deadline) => deadline.key).join(','),
    });
    const summary = summariseReport(outDir, Date.now() - started);
    console.log(`[contract] ${summary}`);
    return code;
  } finally {
    await system.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error('[contract] failed:', err);
    process.exit(1);
  },
);
