// The audit chain on a real PostgreSQL database: linked at commit (so a long
// transaction holds the chain's lock only while it commits), append-only for
// every role, and complete: with signed checkpoints, verify catches a deleted
// tail or a deleted event and names the first missing seq.
import { generateKeyPairSync } from 'node:crypto';
import { appendAudit, appendAuditBatch, takeCheckpoint, verifyAuditChain, type AuditInput } from '../../lib/audit';
import { checkpointSigningKey, checkpointVerifyingKey, storedCheckpoints } from '../../lib/auditCheckpoint';
import { createTestDatabase, type TestDatabase } from '../harness/database';

let database: TestDatabase;
const key = checkpointSigningKey(undefined);
const publicKey = checkpointVerifyingKey({});

const event = (n: number, extra: Partial<AuditInput> = {}): AuditInput => ({
  actorLabel: 'test',
  action: 'test.event',
  entityType: 'Test',
  entityId: `e${n}`,
  data: { n, text: 'Zoë — “quotes”, \\ back\\slash, \u2028 and emoji 🎉', nested: { b: 2, a: [1, 'x'] } },
  ...extra,
});

/** What someone with the table owner's rights could do: switch the append-only triggers off. */
async function asOwner(sql: string): Promise<void> {
  await database.db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe('ALTER TABLE "AuditEvent" DISABLE TRIGGER USER');
    await tx.$executeRawUnsafe(sql);
    await tx.$executeRawUnsafe('ALTER TABLE "AuditEvent" ENABLE TRIGGER USER');
  });
}

beforeEach(async () => {
  database = await createTestDatabase({ poolSize: 20 });
});

afterEach(async () => {
  await database?.drop();
});

test('events written by many transactions at once form one chain in seq order, identical to what verify recomputes', async () => {
  await Promise.all(Array.from({ length: 40 }, (_, i) => appendAudit(database.db, event(i))));
  await database.db.$transaction((tx) => appendAuditBatch(tx, Array.from({ length: 25 }, (_, i) => event(100 + i))));
  const rows = await database.db.auditEvent.findMany({ orderBy: { seq: 'asc' } });
  expect(rows).toHaveLength(65);
  // Numbered as they were linked: no gaps, so a missing seq is a deleted event.
  expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 65 }, (_, i) => i + 1));
  expect(rows.every((r) => r.prevHash !== 'pending')).toBe(true);
  expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true, count: 65 });
  // A batch stays in the order it was given.
  const batch = rows.filter((r) => Number((r.data as { n: number }).n) >= 100).map((r) => (r.data as { n: number }).n);
  expect(batch).toEqual(Array.from({ length: 25 }, (_, i) => 100 + i));
});

test('a long transaction does not hold the chain: others append while it runs, and it is linked when it commits', async () => {
  await appendAudit(database.db, event(0));
  let releaseLong: () => void = () => undefined;
  const long = database.db.$transaction(
    async (tx) => {
      await appendAuditBatch(tx, Array.from({ length: 200 }, (_, i) => event(1000 + i)));
      await new Promise<void>((resolve) => (releaseLong = resolve));
    },
    { timeout: 30_000 },
  );
  await new Promise((resolve) => setTimeout(resolve, 200));
  const started = Date.now();
  await appendAudit(database.db, event(1));
  expect(Date.now() - started).toBeLessThan(1_500);
  releaseLong();
  await long;
  expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true, count: 202 });
});

test('audit events and checkpoints are append-only for the application: no update, delete or truncate', async () => {
  await appendAudit(database.db, event(1));
  await takeCheckpoint(database.db, key, new Date());
  for (const sql of [
    `UPDATE "AuditEvent" SET "action" = 'rewritten'`,
    `DELETE FROM "AuditEvent"`,
    `TRUNCATE "AuditEvent"`,
    `UPDATE "AuditCheckpoint" SET "headHash" = 'x'`,
    `DELETE FROM "AuditCheckpoint"`,
  ]) {
    await expect(database.db.$executeRawUnsafe(sql)).rejects.toThrow(/append-only/);
  }
  expect(await database.db.auditEvent.count()).toBe(1);
});

test('deleting the newest events is caught by a signed checkpoint, naming the first missing seq', async () => {
  for (let i = 0; i < 10; i += 1) await appendAudit(database.db, event(i));
  const checkpoint = await takeCheckpoint(database.db, key, new Date());
  const seqs = (await database.db.auditEvent.findMany({ orderBy: { seq: 'asc' }, select: { seq: true } })).map((r) => r.seq);
  expect(checkpoint!.seq).toBe(seqs[seqs.length - 1].toString());
  // Without a checkpoint the remaining chain links up, and looks intact.
  await asOwner(`DELETE FROM "AuditEvent" WHERE "seq" >= ${seqs[7]}`);
  expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true, count: 7 });
  const verdict = await verifyAuditChain(database.db, { checkpoints: await storedCheckpoints(database.db), publicKey });
  expect(verdict).toMatchObject({ ok: false, firstMissingSeq: (seqs[6] + 1n).toString() });
  expect(verdict.ok === false && verdict.reason).toMatch(/events from seq \d+ on were deleted/);
});

test('deleting an event in the middle names it; editing one names its seq; a checkpoint not signed by the key is refused', async () => {
  for (let i = 0; i < 6; i += 1) await appendAudit(database.db, event(i));
  const seqs = (await database.db.auditEvent.findMany({ orderBy: { seq: 'asc' }, select: { seq: true } })).map((r) => r.seq);
  await takeCheckpoint(database.db, key, new Date());
  await asOwner(`DELETE FROM "AuditEvent" WHERE "seq" = ${seqs[2]}`);
  expect(await verifyAuditChain(database.db)).toMatchObject({ ok: false, brokenAtSeq: seqs[3].toString(), firstMissingSeq: seqs[2].toString() });

  const other = await createTestDatabase();
  try {
    for (let i = 0; i < 3; i += 1) await appendAudit(other.db, event(i));
    const rows = await other.db.auditEvent.findMany({ orderBy: { seq: 'asc' }, select: { seq: true } });
    await other.db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('ALTER TABLE "AuditEvent" DISABLE TRIGGER USER');
      await tx.$executeRawUnsafe(`UPDATE "AuditEvent" SET "actorLabel" = 'someone else' WHERE "seq" = ${rows[1].seq}`);
      await tx.$executeRawUnsafe('ALTER TABLE "AuditEvent" ENABLE TRIGGER USER');
    });
    expect(await verifyAuditChain(other.db)).toMatchObject({ ok: false, brokenAtSeq: rows[1].seq.toString(), reason: 'event content does not match its hash' });

    const forger = generateKeyPairSync('ed25519').privateKey;
    const forged = await takeCheckpoint(other.db, forger, new Date());
    const verdict = await verifyAuditChain(other.db, { checkpoints: [forged!], publicKey });
    expect(verdict).toMatchObject({ ok: false });
    expect(verdict.ok === false && verdict.reason).toMatch(/does not carry a valid signature/);
  } finally {
    await other.drop();
  }
});

test('an intact chain with its checkpoints verifies, checkpoint by checkpoint', async () => {
  for (let i = 0; i < 3; i += 1) await appendAudit(database.db, event(i));
  await takeCheckpoint(database.db, key, new Date());
  for (let i = 3; i < 6; i += 1) await appendAudit(database.db, event(i));
  await takeCheckpoint(database.db, key, new Date());
  await appendAudit(database.db, event(6));
  expect(await verifyAuditChain(database.db, { checkpoints: await storedCheckpoints(database.db), publicKey })).toMatchObject({ ok: true, count: 7, checkpointsChecked: 2 });
});
