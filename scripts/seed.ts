// `npm run db:seed`. Embedded mode: the fictional demo roster, then the
// Clayton demo plan; prints the demo bearer tokens. Production: nothing
// fictional, ever; `npm run db:seed -- --roster people.json` upserts the city's
// real people (scripts/roster-file.ts) and prints their new bearer tokens once.
// Safe to run again.
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { config as loadConfig, type Config } from '../lib/config';
import { createDb, type Db } from '../lib/db';
import { temporalConnectionOptions } from '../lib/temporalConnection';
import { seedDemoRoster } from './seed-roster';
import { applyRoster, readRosterFile } from './roster-file';

function rosterArgument(argv: string[]): string | undefined {
  const at = argv.indexOf('--roster');
  return at >= 0 ? argv[at + 1] : undefined;
}

async function seedProduction(db: Db, rosterFile: string | undefined): Promise<void> {
  if (!rosterFile) {
    console.log('production mode: no demo people or plan are seeded. Pass --roster <file.json> to add the city\'s people (see scripts/roster-file.ts).');
    return;
  }
  const tokens = await applyRoster(db, readRosterFile(rosterFile));
  console.log('new bearer tokens (shown once; store them now):');
  for (const [email, token] of Object.entries(tokens)) console.log(`  ${email.padEnd(40)} ${token}`);
}

async function seedEmbedded(db: Db, config: Config): Promise<void> {
  const roster = await seedDemoRoster(db, { embeddedTokens: true });
  console.log(`seeded ${Object.keys(roster.people).length} demo people`);

  const planModule = path.join(__dirname, 'seed-plan');
  if (['.ts', '.js'].some((ext) => fs.existsSync(planModule + ext))) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { seedClaytonPlan } = require(planModule) as { seedClaytonPlan: (db: unknown, opts: unknown) => Promise<unknown> };
    const connection = await Connection.connect(temporalConnectionOptions(config));
    try {
      const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
      const plan = await seedClaytonPlan(db, { roster, config, temporal });
      console.log('seeded the Clayton action plan', plan && typeof plan === 'object' && 'id' in plan ? (plan as { id: string }).id : '');
    } finally {
      await connection.close();
    }
  }

  console.log('demo bearer tokens (embedded mode):');
  for (const [role, token] of Object.entries(roster.tokens)) console.log(`  ${role.padEnd(17)} ${token}`);
}

async function main(): Promise<void> {
  const config = loadConfig();
  const db = createDb(config.DATABASE_URL);
  try {
    if (config.MODE === 'production') await seedProduction(db, rosterArgument(process.argv.slice(2)));
    else await seedEmbedded(db, config);
  } finally {
    await db.$disconnect();
  }
}

main().catch((err) => {
  console.error('seed failed:', err);
  process.exit(1);
});
