// npm run audit:verify [-- --checkpoints <file or URL>]
//
// Exits 1 if any audit event was edited, deleted or reordered, naming the
// first missing or altered seq. Every link of the chain is recomputed, and the
// chain must still hold every signed checkpoint: the ones stored in the
// database and, with --checkpoints, copies kept elsewhere (the public site's
// /api/public/audit/checkpoints, a saved copy of it, or the Atom feed's
// entries), which catch a deleted tail even if the stored checkpoints went
// with it. Checkpoints are checked against AUDIT_CHECKPOINT_PUBLIC_KEY (or the
// public half of AUDIT_CHECKPOINT_KEY), never against a key from the database.
import fs from 'node:fs';
import { config } from '../lib/config';
import { createDb } from '../lib/db';
import { verifyAuditChain } from '../lib/audit';
import { checkpointVerifyingKey, keyIdOf, storedCheckpoints, type SignedCheckpoint } from '../lib/auditCheckpoint';

async function keptCopies(source: string): Promise<SignedCheckpoint[]> {
  const text = /^https?:\/\//.test(source) ? await (await fetch(source)).text() : fs.readFileSync(source, 'utf8');
  const parsed = JSON.parse(text) as SignedCheckpoint[] | { checkpoints: SignedCheckpoint[] };
  return Array.isArray(parsed) ? parsed : parsed.checkpoints;
}

async function main(): Promise<void> {
  const cfg = config();
  const at = process.argv.indexOf('--checkpoints');
  const source = at >= 0 ? process.argv[at + 1] : undefined;
  const db = createDb(cfg.DATABASE_URL, { max: 2 });
  try {
    const publicKey = checkpointVerifyingKey(cfg);
    const stored = await storedCheckpoints(db);
    const copies = source ? await keptCopies(source) : [];
    const seen = new Set<string>();
    const checkpoints = [...stored, ...copies].filter((c) => {
      const id = `${c.seq}|${c.signedAt}|${c.signature}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
    const result = await verifyAuditChain(db, { checkpoints, publicKey });
    const against = `${checkpoints.length} checkpoint(s) (${stored.length} stored${source ? `, ${copies.length} from ${source}` : ''}), key ${keyIdOf(publicKey)}`;
    if (result.ok) {
      console.log(`audit chain intact: ${result.count} events, head ${result.headHash}; holds ${against}`);
    } else {
      const missing = result.firstMissingSeq ? `; first missing seq ${result.firstMissingSeq}` : '';
      console.error(`audit chain BROKEN at seq ${result.brokenAtSeq}${missing} after ${result.count} events: ${result.reason} (checked against ${against})`);
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
