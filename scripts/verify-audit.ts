// npm run audit:verify — exits 1 if any audit event was edited, deleted or reordered.
import { config } from '../lib/config';
import { createDb } from '../lib/db';
import { verifyAuditChain } from '../lib/audit';

async function main(): Promise<void> {
  const db = createDb(config().DATABASE_URL, { max: 2 });
  try {
    const result = await verifyAuditChain(db);
    if (result.ok) {
      console.log(`audit chain intact: ${result.count} events, head ${result.headHash}`);
    } else {
      console.error(`audit chain BROKEN at seq ${result.brokenAtSeq} after ${result.count} events: ${result.reason}`);
      process.exitCode = 1;
    }
  } finally {
    await db.$disconnect();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 2;
});
