import { createHash, randomInt, randomUUID, type KeyObject } from 'node:crypto';
import type { Db } from './db';
import type { Prisma } from '../generated/prisma/client';
import { checkpointSignatureValid, signCheckpoint, type SignedCheckpoint } from './auditCheckpoint';

export type TxClient = Prisma.TransactionClient;

export interface AuditInput {
  actorId?: string | null;
  actorLabel: string;
  action: string;
  entityType: string;
  entityId: string;
  incidentId?: string | null;
  planId?: string | null;
  data?: object;
  at?: Date;
}

export const GENESIS_HASH = '0'.repeat(64);
// Any constant works; it only has to be the same for every writer of the chain
// (the commit-time trigger in prisma/migrations/*_audit_chained_at_commit_* uses it).
const AUDIT_CHAIN_LOCK = 720_431_911;
/** prevHash of an event written but not yet linked: the database links it when its transaction commits. */
export const PENDING = 'pending';

/** Stable JSON: object keys sorted, so the digest does not depend on insertion order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

interface ChainedFields {
  at: Date;
  actorId: string | null;
  actorLabel: string;
  action: string;
  entityType: string;
  entityId: string;
  incidentId: string | null;
  planId: string | null;
  data: unknown;
}

/** The text whose sha256, after the previous event's hash, is an event's hash (the commit-time trigger computes the same in SQL). */
export const canonicalEvent = (event: ChainedFields): string => canonicalJson({ ...event, at: event.at.toISOString() });

export function auditHash(prevHash: string, event: ChainedFields): string {
  return createHash('sha256').update(prevHash).update(canonicalEvent(event)).digest('hex');
}

/** The fields as they will be hashed: round-tripped through JSON, so what is hashed is exactly what Postgres stores. */
function chainedFields(input: AuditInput): ChainedFields {
  return {
    at: new Date(Math.floor((input.at ?? new Date()).getTime())),
    actorId: input.actorId ?? null,
    actorLabel: input.actorLabel,
    action: input.action,
    entityType: input.entityType,
    entityId: input.entityId,
    incidentId: input.incidentId ?? null,
    planId: input.planId ?? null,
    data: JSON.parse(JSON.stringify(input.data ?? {})),
  };
}

/**
 * Writes events unlinked, with their canonical text beside them for the
 * commit-time trigger, which links them into the chain in commit order under
 * the chain's lock. Nothing here waits for other writers: a transaction holds
 * the chain's lock only while it commits.
 */
async function writePending(tx: TxClient, inputs: AuditInput[]): Promise<void> {
  const events = inputs.map((input) => ({ fields: chainedFields(input), token: randomUUID().replace(/-/g, '') }));
  const names = events.map((e) => `cg.audit_${e.token}`);
  const texts = events.map((e) => canonicalEvent(e.fields));
  await tx.$executeRaw`SELECT set_config(name, text, true) FROM unnest(${names}::text[], ${texts}::text[]) AS event(name, text)`;
  await tx.auditEvent.createMany({
    data: events.map(({ fields, token }) => ({
      ...fields,
      data: fields.data as Prisma.InputJsonValue,
      // A placeholder until commit, outside the range real seqs take: the trigger numbers events as it
      // links them, so seqs run without gaps and a missing one is exactly that.
      seq: -BigInt(randomInt(1, 2 ** 47)),
      prevHash: PENDING,
      hash: `${PENDING}:${token}`,
    })),
  });
}

/**
 * Appends many events, linked in the order given (a CSV import's items). The
 * transaction holds the chain's lock only at its commit, while its events are
 * linked, however long it ran before.
 */
export async function appendAuditBatch(tx: TxClient, inputs: AuditInput[]): Promise<void> {
  if (inputs.length === 0) return;
  await writePending(tx, inputs);
}

/** Signs the chain's current head and stores the checkpoint (null when the chain is empty). */
export async function takeCheckpoint(db: Db, key: KeyObject, signedAt: Date): Promise<SignedCheckpoint | null> {
  return db.$transaction(async (tx) => {
    // The lock waits for any transaction linking its events right now; after it, the head is settled.
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
    const head = await tx.auditEvent.findFirst({ where: { prevHash: { not: PENDING } }, orderBy: { seq: 'desc' }, select: { seq: true, hash: true } });
    if (!head) return null;
    const checkpoint = signCheckpoint(key, { seq: head.seq.toString(), headHash: head.hash, signedAt: signedAt.toISOString() });
    await tx.auditCheckpoint.create({
      data: { seq: head.seq, headHash: checkpoint.headHash, signedAt, keyId: checkpoint.keyId, signature: checkpoint.signature },
    });
    return checkpoint;
  });
}

/**
 * Appends one event to the hash-chained audit log. Pass a transaction client
 * to make the event atomic with the change it records.
 */
export async function appendAudit(client: Db | TxClient, input: AuditInput): Promise<void> {
  const root = client as Db;
  if (typeof root.$transaction !== 'function') return writePending(client as TxClient, [input]);
  await root.$transaction((tx: TxClient) => writePending(tx, [input]));
}

export type AuditVerification =
  | { ok: true; count: number; headHash: string; checkpointsChecked: number }
  | {
      ok: false;
      count: number;
      /** The seq at which the chain first fails to hold. */
      brokenAtSeq: string;
      /** When events are gone: the first seq that is missing (at or after it, where seq had gaps of its own). */
      firstMissingSeq?: string;
      reason: string;
    };

export interface VerifyOptions {
  /** Signed checkpoints the chain must still hold (from the database, or copies someone kept). */
  checkpoints?: SignedCheckpoint[];
  /** The key checkpoints must be signed with; required when checkpoints are given. */
  publicKey?: KeyObject;
  batchSize?: number;
}

/**
 * Recomputes every link of the chain; any edited, deleted or reordered event
 * breaks it. With signed checkpoints it also catches what the links cannot: a
 * tail deleted (or the whole log replaced) leaves no checkpointed event behind.
 * Seq numbers may skip (a rolled-back transaction uses one up), so a gap is
 * only a deletion where the links or a checkpoint say so.
 */
export async function verifyAuditChain(db: Db, options: VerifyOptions = {}): Promise<AuditVerification> {
  const batchSize = options.batchSize ?? 1000;
  const checkpoints = [...(options.checkpoints ?? [])].sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : BigInt(a.seq) > BigInt(b.seq) ? 1 : 0));
  if (checkpoints.length > 0) {
    if (!options.publicKey) throw new Error('verifying checkpoints needs the public key they were signed with');
    const forged = checkpoints.find((c) => !checkpointSignatureValid(options.publicKey!, c));
    if (forged) {
      return { ok: false, count: 0, brokenAtSeq: forged.seq, reason: `the checkpoint for seq ${forged.seq} signed ${forged.signedAt} does not carry a valid signature of the checkpoint key` };
    }
  }
  let next = 0;
  let prevHash = GENESIS_HASH;
  let prevSeq: bigint | null = null;
  let count = 0;
  let cursor: bigint | undefined;
  for (;;) {
    const rows = await db.auditEvent.findMany({
      where: cursor === undefined ? {} : { seq: { gt: cursor } },
      orderBy: { seq: 'asc' },
      take: batchSize,
    });
    if (rows.length === 0) break;
    for (const row of rows) {
      count += 1;
      // A checkpointed seq the walk went past without meeting: that event is gone.
      while (next < checkpoints.length && BigInt(checkpoints[next].seq) < row.seq) {
        const missing = checkpoints[next];
        return {
          ok: false,
          count,
          brokenAtSeq: missing.seq,
          firstMissingSeq: missing.seq,
          reason: `event ${missing.seq} is missing: the checkpoint signed ${missing.signedAt} covers it`,
        };
      }
      if (row.prevHash !== prevHash) {
        const gap = prevSeq === null ? row.seq > 1n : row.seq > prevSeq + 1n;
        const firstMissing = prevSeq === null ? '1' : (prevSeq + 1n).toString();
        return gap
          ? { ok: false, count, brokenAtSeq: row.seq.toString(), firstMissingSeq: firstMissing, reason: `events before seq ${row.seq} were deleted: its prevHash does not match the event before it` }
          : { ok: false, count, brokenAtSeq: row.seq.toString(), reason: 'prevHash does not match the previous event' };
      }
      const recomputed = auditHash(prevHash, {
        at: row.at,
        actorId: row.actorId,
        actorLabel: row.actorLabel,
        action: row.action,
        entityType: row.entityType,
        entityId: row.entityId,
        incidentId: row.incidentId,
        planId: row.planId,
        data: row.data,
      });
      if (recomputed !== row.hash) {
        return { ok: false, count, brokenAtSeq: row.seq.toString(), reason: 'event content does not match its hash' };
      }
      while (next < checkpoints.length && BigInt(checkpoints[next].seq) === row.seq) {
        if (checkpoints[next].headHash !== row.hash) {
          return { ok: false, count, brokenAtSeq: row.seq.toString(), reason: `event ${row.seq} is not the one the checkpoint signed ${checkpoints[next].signedAt} covers: the chain up to it was rewritten` };
        }
        next += 1;
      }
      prevHash = row.hash;
      prevSeq = row.seq;
      cursor = row.seq;
    }
  }
  if (next < checkpoints.length) {
    const covered = checkpoints[checkpoints.length - 1];
    const firstMissing = prevSeq === null ? '1' : (prevSeq + 1n).toString();
    return {
      ok: false,
      count,
      brokenAtSeq: firstMissing,
      firstMissingSeq: firstMissing,
      reason: `the log ends at seq ${prevSeq ?? 'none'}, but the checkpoint signed ${covered.signedAt} covers up to seq ${covered.seq}: events from seq ${firstMissing} on were deleted`,
    };
  }
  return { ok: true, count, headHash: prevHash, checkpointsChecked: checkpoints.length };
}
