// `npm run db:seed`: the demo roster, then the Clayton action plan when the
// plan module is present. Safe to run again. Prints the bearer tokens.
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { config as loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { temporalConnectionOptions } from '../lib/temporalConnection';
import { seedDemoRoster } from './seed-roster';

async function main(): Promise<void> {
  const config = loadConfig();
  const db = createDb(config.DATABASE_URL);
  try {
    const roster = await seedDemoRoster(db, { embeddedTokens: config.MODE === 'embedded' });
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

    const label = config.MODE === 'embedded' ? 'demo bearer tokens (embedded mode)' : 'new bearer tokens (shown once; store them now)';
    console.log(`${label}:`);
    for (const [role, token] of Object.entries(roster.tokens)) console.log(`  ${role.padEnd(17)} ${token}`);
  } finally {
    await db.$disconnect();
  }
}

main().catch((err) => {
  console.error('seed failed:', err);
  process.exit(1);
});
