// Declaring a critical incident: the incident row and its audit entry are
// written in one transaction, then its workflow is started. A workflow that
// cannot be started is compensated for: the row is deleted again and the
// audit trail says why, so no incident exists without its workflow.
import type { Client } from '@temporalio/client';
import type { Db } from '../lib/db';
import type { Config } from '../lib/config';
import { appendAudit } from '../lib/audit';
import { formatIncidentNumber, incidentWorkflowId } from '../domain/ids';
import type { ActorV1 } from '../domain/contracts/common';
import type { DeclareIncidentInputV1 } from '../domain/contracts/incident';
import type { SeverityLevel } from '../domain/policy/schema';
import { HttpError, badRequest, conflict } from './errors';
import type { IncidentRow } from './incidentViews';
import { currentPolicyView, incidentTypeKeys } from './policyView';
import { startWorkflowOnce, type StartOutcome } from './temporal';

export interface Declaration {
  type: string;
  severity: SeverityLevel;
  title: string;
  summary: string;
  location?: string;
}

export interface DeclareIncidentRequest {
  declaration: Declaration;
  declaredBy: ActorV1;
  /** The Idempotency-Key header as sent, if any. */
  idempotencyKey?: string;
}

/** `replayed`: an earlier request with the same Idempotency-Key declared this incident. */
export interface DeclareIncidentOutcome {
  incident: IncidentRow;
  replayed: boolean;
}

export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/** The calendar year in the city, so an incident declared at 7 pm on 31 December gets that year's number. */
const cityYear = (now: Date, timeZone: string): number =>
  Number(new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric' }).format(now));

const isUniqueViolation = (err: unknown) => (err as { code?: string })?.code === 'P2002';

function sameDeclaration(row: IncidentRow, declaration: Declaration): boolean {
  return (
    row.type === declaration.type &&
    row.severity === declaration.severity &&
    row.title === declaration.title &&
    row.summary === declaration.summary &&
    (row.location ?? undefined) === (declaration.location || undefined)
  );
}

/** A key is scoped to the declarer, so two people's keys can never collide. */
function scopedIdempotencyKey(key: string | undefined, declaredBy: ActorV1): string | null {
  if (key === undefined) return null;
  if (!IDEMPOTENCY_KEY.test(key)) throw badRequest('Idempotency-Key', 'must be 1-200 visible ASCII characters');
  return `${declaredBy.personId}:${key}`;
}

/** The incident an earlier request with this key declared, if it asked for the same thing (409 if not). */
async function earlierDeclaration(db: Db, scopedKey: string, declaration: Declaration): Promise<DeclareIncidentOutcome | undefined> {
  const existing = await db.incident.findUnique({ where: { idempotencyKey: scopedKey } });
  if (!existing) return undefined;
  if (!sameDeclaration(existing, declaration)) {
    throw conflict('this Idempotency-Key was already used for a different incident', 'idempotency_key_reused');
  }
  return { incident: existing, replayed: true };
}

export async function declareIncident(
  { db, temporal, config }: { db: Db; temporal: Client; config: Config },
  { declaration, declaredBy, idempotencyKey }: DeclareIncidentRequest,
): Promise<DeclareIncidentOutcome> {
  const types = incidentTypeKeys();
  if (!types.includes(declaration.type)) throw badRequest('type', `must be one of: ${types.join(', ')}`);
  const scopedKey = scopedIdempotencyKey(idempotencyKey, declaredBy);
  const earlier = scopedKey ? await earlierDeclaration(db, scopedKey, declaration) : undefined;
  if (earlier) return earlier;

  const now = new Date();
  let incident: IncidentRow;
  try {
    incident = await recordDeclaration(db, { declaration, declaredBy, scopedKey, now, timeZone: config.CITY_TIME_ZONE });
  } catch (err) {
    // A concurrent request with the same key committed first: answer with its incident.
    const concurrent = scopedKey && isUniqueViolation(err) ? await earlierDeclaration(db, scopedKey, declaration) : undefined;
    if (concurrent) return concurrent;
    throw err;
  }

  const workflowInput: DeclareIncidentInputV1 = {
    version: 1,
    incidentId: incident.id,
    incidentNumber: incident.number,
    type: incident.type,
    severity: declaration.severity,
    title: incident.title,
    summary: incident.summary,
    declaredBy,
    declaredAt: now.toISOString(),
    policyVersion: incident.policyVersion,
  };
  let outcome: StartOutcome;
  try {
    outcome = await startWorkflowOnce(temporal, config.TEMPORAL_TASK_QUEUE, 'incidentWorkflow', incident.workflowId, [workflowInput]);
  } catch (startError) {
    await compensateDeclaration(db, incident, declaredBy, startError);
    console.error(`[declare] incident workflow start failed; declaration ${incident.number} rolled back: ${(startError as Error).message}`);
    throw new HttpError(503, 'unavailable', 'could not start the incident workflow; nothing was recorded, try again');
  }
  if (outcome === 'already-started') {
    // The number's workflow id belongs to a workflow this incident did not start.
    await compensateDeclaration(db, incident, declaredBy, new Error(`workflow ${incident.workflowId} already exists`));
    throw conflict(`workflow ${incident.workflowId} already exists; nothing was recorded`, 'already_exists');
  }
  return { incident, replayed: false };
}

/** The incident row, under the next number of the city year, and its audit entry, in one transaction. */
function recordDeclaration(
  db: Db,
  { declaration, declaredBy, scopedKey, now, timeZone }: { declaration: Declaration; declaredBy: ActorV1; scopedKey: string | null; now: Date; timeZone: string },
): Promise<IncidentRow> {
  const year = cityYear(now, timeZone);
  const policyVersion = currentPolicyView().version;
  return db.$transaction(async (tx) => {
    const [{ last }] = await tx.$queryRaw<{ last: number }[]>`
      INSERT INTO "IncidentSequence" ("year", "last") VALUES (${year}, 1)
      ON CONFLICT ("year") DO UPDATE SET "last" = "IncidentSequence"."last" + 1
      RETURNING "last"`;
    const number = formatIncidentNumber(year, last);
    const row = await tx.incident.create({
      data: {
        number,
        workflowId: incidentWorkflowId(number),
        type: declaration.type,
        severity: declaration.severity,
        title: declaration.title,
        summary: declaration.summary,
        location: declaration.location || null,
        policyVersion,
        declaredById: declaredBy.personId,
        declaredAt: now,
        idempotencyKey: scopedKey,
      },
    });
    await appendAudit(tx, {
      actorId: declaredBy.personId,
      actorLabel: declaredBy.name,
      action: 'incident.declared',
      entityType: 'Incident',
      entityId: row.id,
      incidentId: row.id,
      data: { number, type: row.type, severity: row.severity, title: row.title, policyVersion: row.policyVersion },
      at: now,
    });
    return row;
  });
}

/** Undo a declaration whose workflow never started: no incident row survives, and the audit trail says why. */
async function compensateDeclaration(db: Db, incident: IncidentRow, declaredBy: ActorV1, cause: unknown): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.incident.delete({ where: { id: incident.id } });
    await appendAudit(tx, {
      actorId: declaredBy.personId,
      actorLabel: declaredBy.name,
      action: 'incident.declaration-rolled-back',
      entityType: 'Incident',
      entityId: incident.id,
      incidentId: incident.id,
      data: { number: incident.number, reason: cause instanceof Error ? cause.message.slice(0, 500) : 'workflow start failed' },
    });
  });
}
