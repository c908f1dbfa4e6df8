// `npm run db:migrate`: applies prisma/migrations to DATABASE_URL (lib/migrations.ts).
// Used by both up.sh modes and the compose migrate job.
import { config } from '../lib/config';
import { applyMigrations } from '../lib/migrations';

applyMigrations(config().DATABASE_URL)
  .then((report) => {
    console.log(
      report.applied.length === 0
        ? `migrations: database is up to date (${report.alreadyApplied} applied)`
        : `migrations: applied ${report.applied.join(', ')} (${report.alreadyApplied} were already applied)`,
    );
  })
  .catch((err: unknown) => {
    console.error(`migrations failed: ${(err as Error).message}`);
    process.exit(1);
  });
