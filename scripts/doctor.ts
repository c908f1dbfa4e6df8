// `npm run doctor`: what production would refuse about these settings, without
// starting anything. Reads the same environment (and <KEY>_FILE secrets) as the
// API and the worker, runs lib/config.ts's checks, and looks in the database for
// the published demo credentials. Exit status 1 when the settings resolve to
// production (or --production is given) and anything is wrong.
import { checkConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { describeDemoCredentials, findDemoCredentials } from '../lib/demoCredentials';

const DATABASE_TIMEOUT_MS = 15_000;

async function databaseProblems(url: string): Promise<string[]> {
  const db = createDb(url, { max: 1 });
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${DATABASE_TIMEOUT_MS / 1000} s`)), DATABASE_TIMEOUT_MS);
    });
    return describeDemoCredentials(await Promise.race([findDemoCredentials(db), timeout]));
  } catch (err) {
    const reason = String((err as Error).message ?? err).split('\n').map((line) => line.trim()).filter(Boolean).pop() ?? (err as { code?: string }).code ?? 'unknown error';
    return [`not checked for demo credentials: ${reason}`];
  } finally {
    clearTimeout(timer);
    await db.$disconnect().catch(() => undefined);
  }
}

async function main(): Promise<number> {
  const asProduction = process.argv.includes('--production');
  const check = checkConfig(process.env);
  const production = asProduction || check.mode === 'production';
  console.log(`mode: ${check.mode}${asProduction && check.mode !== 'production' ? ' (checked as production: --production)' : ''}`);

  const refusals = check.productionProblems.map((p) => `${p.key}: ${p.message}`);
  if (check.databaseUrl) refusals.push(...(await databaseProblems(check.databaseUrl)).map((p) => `database: ${p}`));
  const list = (heading: string, lines: string[]) => {
    console.log(`${heading} (${lines.length}):`);
    for (const line of lines) console.log(`  - ${line}`);
  };

  let status = 0;
  if (!production && check.problems.length > 0) {
    list('the settings are invalid', check.problems.map((p) => `${p.key}: ${p.message}`));
    status = 1;
  }
  if (refusals.length === 0) console.log('ok: nothing production would refuse');
  else list(production ? 'production refuses to start' : 'fine for embedded mode; production would refuse', refusals);
  if (production && refusals.length > 0) status = 1;
  for (const w of check.warnings) console.log(`warning: ${w}`);
  return status;
}

main().then(
  (status) => process.exit(status),
  (err) => {
    console.error('doctor failed:', err);
    process.exit(2);
  },
);
