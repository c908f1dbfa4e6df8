import { createHash } from 'node:crypto';
import type { Db } from './db';
import type { Prisma } from '../generated/prisma/client';

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
// Any constant works; it only has to be the same for every writer of the chain.
const AUDIT_CHAIN_LOCK = 720_431_911;

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

export function auditHash(prevHash: string, event: ChainedFields): string {
  const canonical = canonicalJson({ ...event, at: event.at.toISOString() });
  return createHash('sha256').update(prevHash).update(canonical).digest('hex');
}

async function appendInTx(tx: TxClient, input: AuditInput): Promise<void> {
  // Serialise writers so the chain stays linear; released at commit.
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
  const last = await tx.auditEvent.findFirst({ orderBy: { seq: 'desc' }, select: { hash: true } });
  const prevHash = last?.hash ?? GENESIS_HASH;
  // Round-trip through JSON so what is hashed is exactly what Postgres stores.
  const fields: ChainedFields = {
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
  await tx.auditEvent.create({
    data: { ...fields, data: fields.data as Prisma.InputJsonValue, prevHash, hash: auditHash(prevHash, fields) },
  });
}


/**
 * Appends one event to the hash-chained audit log. Pass a transaction client
 * to make the event atomic with the change it records.
 */
export async function appendAudit(client: Db | TxClient, input: AuditInput): Promise<void> {
  const root = client as Db;
  if (typeof root.$transaction !== 'function') return appendInTx(client as TxClient, input);
  await root.$transaction((tx: TxClient) => appendInTx(tx, input));
}

export type AuditVerification =
  | { ok: true; count: number; headHash: string }
  | { ok: false; count: number; brokenAtSeq: string; reason: string };

/** Recomputes every link of the chain; any edited, deleted or reordered row breaks it. */
export async function verifyAuditChain(db: Db, batchSize = 1000): Promise<AuditVerification> {
  let prevHash = GENESIS_HASH;
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
      if (row.prevHash !== prevHash) {
        return { ok: false, count, brokenAtSeq: row.seq.toString(), reason: 'prevHash does not match the previous event' };
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
      prevHash = row.hash;
      cursor = row.seq;
    }
  }
  return { ok: true, count, headHash: prevHash };
}
