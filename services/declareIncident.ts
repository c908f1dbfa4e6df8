// Declaring a critical incident: the incident row and its audit entry are
// written in one transaction, then its workflow is started. A workflow that
// cannot be started is compensated for: the row is deleted again and the
// audit trail says why, so no incident exists without its workflow. A process
// that dies between the two leaves a row without a workflow: a retry with the
// same Idempotency-Key starts it (and so does the reconciler).
import type { Client } from '@temporalio/client';
import { rolledBack, type Db } from '../lib/db';
import type { Config } from '../lib/config';
import { appendAudit, type TxClient } from '../lib/audit';
import { formatIncidentNumber, incidentWorkflowId } from '../domain/ids';
import { incidentWorkflowInput } from '../lib/workflowInputs';
import type { ActorV1 } from '../domain/contracts/common';
import type { DeclareIncidentInputV1 } from '../domain/contracts/incident';
import type { SeverityLevel } from '../domain/policy/schema';
import { HttpError, badRequest, conflict } from './errors';
import type { IncidentRow } from './incidentViews';
import { currentPolicyView, incidentTypeKeys } from './policyView';
import { neverStarted, startedFor, startWorkflowOnce, type StartOutcome } from './temporal';

/** The memo an incident workflow is started with, so a start that lost a race can tell its own workflow. */
const INCIDENT_MEMO = 'incidentId';

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
  if (!IDEMPOTENCY_KEY.test(key)) throw badRequest('Idempotency-Key', 'must be 1-200 visible ASCII characters', 'invalid_input', { code: 'invalid_format' });
  return `${declaredBy.personId}:${key}`;
}

/** The incident an earlier request with this key declared, if it asked for the same thing (409 if not). */
async function earlierDeclaration(db: Db, scopedKey: string, declaration: Declaration): Promise<IncidentRow | undefined> {
  const existing = await db.incident.findUnique({ where: { idempotencyKey: scopedKey } });
  if (!existing) return undefined;
  if (!sameDeclaration(existing, declaration)) {
    throw conflict('this Idempotency-Key was already used for a different incident', 'idempotency_key_reused');
  }
  return existing;
}

type Clients = { db: Db; temporal: Client; config: Config };

function startIncidentWorkflow(temporal: Client, config: Config, incident: IncidentRow, declaredBy: ActorV1): Promise<StartOutcome> {
  return startWorkflowOnce(temporal, config.TEMPORAL_TASK_QUEUE, 'incidentWorkflow', incident.workflowId, [incidentWorkflowInput(incident, declaredBy)], {
    memo: { [INCIDENT_MEMO]: incident.id },
  });
}

/**
 * A retry of a declaration that was recorded but whose workflow never
 * started (the process died in between): start it now, and say so in the
 * audit trail. A workflow that is running, or ran, is left alone.
 */
async function completeEarlierDeclaration({ db, temporal, config }: Clients, incident: IncidentRow, declaredBy: ActorV1): Promise<DeclareIncidentOutcome> {
  if (await neverStarted(temporal, incident.workflowId)) {
    const outcome = await startIncidentWorkflow(temporal, config, incident, declaredBy).catch(() => {
      throw new HttpError(503, 'unavailable', 'the incident is recorded but its workflow could not be started yet; try again shortly');
    });
    if (outcome === 'started') {
      await appendAudit(db, {
        actorId: declaredBy.personId,
        actorLabel: declaredBy.name,
        action: 'incident.workflow-started-on-retry',
        entityType: 'Incident',
        entityId: incident.id,
        incidentId: incident.id,
        data: { number: incident.number, workflowId: incident.workflowId, reason: 'a retry of the declaration found its workflow never started' },
      });
    }
  }
  return { incident, replayed: true };
}

/**
 * Requests with one Idempotency-Key that arrive together (a client retrying a
 * slow answer, a double submit) wait for the first here instead of queueing
 * for the database's locks; across API processes the unique key decides.
 */
const declarationsInFlight = new Map<string, Promise<unknown>>();

export async function declareIncident(clients: Clients, request: DeclareIncidentRequest): Promise<DeclareIncidentOutcome> {
  const scopedKey = scopedIdempotencyKey(request.idempotencyKey, request.declaredBy);
  if (!scopedKey) return declareOnce(clients, request, null);
  const earlier = declarationsInFlight.get(scopedKey);
  if (earlier) await earlier.catch(() => undefined);
  const running = declareOnce(clients, request, scopedKey);
  if (!earlier) {
    declarationsInFlight.set(scopedKey, running);
    running.finally(() => declarationsInFlight.delete(scopedKey)).catch(() => undefined);
  }
  return running;
}

async function declareOnce(clients: Clients, { declaration, declaredBy }: DeclareIncidentRequest, scopedKey: string | null): Promise<DeclareIncidentOutcome> {
  const { db, temporal, config } = clients;
  const types = incidentTypeKeys();
  if (!types.includes(declaration.type)) throw badRequest('type', `must be one of: ${types.join(', ')}`, 'invalid_input', { code: 'invalid_choice' });
  const earlier = scopedKey ? await earlierDeclaration(db, scopedKey, declaration) : undefined;
  if (earlier) return completeEarlierDeclaration(clients, earlier, declaredBy);

  const now = new Date();
  let incident: IncidentRow;
  try {
    incident = await recordDeclaration(db, { declaration, declaredBy, scopedKey, now, timeZone: config.CITY_TIME_ZONE });
  } catch (err) {
    // A concurrent request with the same key committed first: answer with its incident.
    const concurrent = scopedKey && isUniqueViolation(err) ? await earlierDeclaration(db, scopedKey, declaration) : undefined;
    if (concurrent) return completeEarlierDeclaration(clients, concurrent, declaredBy);
    throw err;
  }

  let outcome: StartOutcome;
  try {
    outcome = await startIncidentWorkflow(temporal, config, incident, declaredBy);
  } catch (startError) {
    await compensateDeclaration(db, incident, declaredBy, startError);
    console.error(`[declare] incident workflow start failed; declaration ${incident.number} rolled back: ${(startError as Error).message}`);
    throw new HttpError(503, 'unavailable', 'could not start the incident workflow; nothing was recorded, try again');
  }
  // A retry of this very declaration (in another API process) may have started it first: no conflict.
  if (outcome === 'already-started' && !(await startedFor(temporal, incident.workflowId, INCIDENT_MEMO, incident.id))) {
    // The number's workflow id belongs to a workflow this incident did not start.
    await compensateDeclaration(db, incident, declaredBy, new Error(`workflow ${incident.workflowId} already exists`));
    throw conflict(`workflow ${incident.workflowId} already exists; nothing was recorded`, 'already_exists');
  }
  return { incident, replayed: false };
}

type DeclarationRecord = { declaration: Declaration; declaredBy: ActorV1; scopedKey: string | null; now: Date; timeZone: string };

/** The incident row, under the next number of the city year, and its audit entry, in one transaction. */
function recordDeclaration(db: Db, record: DeclarationRecord): Promise<IncidentRow> {
  return db.$transaction((tx) => writeDeclaration(tx, record));
}

async function writeDeclaration(tx: TxClient, { declaration, declaredBy, scopedKey, now, timeZone }: DeclarationRecord): Promise<IncidentRow> {
  const year = cityYear(now, timeZone);
  const policyVersion = currentPolicyView().version;
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
}

/**
 * Before the API listens: a declaration's record written and rolled back, so
 * the first real one does not pay for compiling and planning its statements.
 * Nothing is kept; the incident numbers' counter is rolled back with the rest.
 */
export async function rehearseDeclarationRecord(db: Db, config: Pick<Config, 'CITY_TIME_ZONE'>): Promise<void> {
  const rehearsal: DeclarationRecord = {
    declaration: { type: incidentTypeKeys()[0], severity: 1, title: 'Start-up rehearsal', summary: 'Never committed.' },
    declaredBy: { personId: 'warm-up', name: 'Start-up rehearsal', roles: [] },
    scopedKey: 'warm-up:rehearsal',
    now: new Date(),
    timeZone: config.CITY_TIME_ZONE,
  };
  await db.incident.findUnique({ where: { idempotencyKey: rehearsal.scopedKey! } });
  await rolledBack(db, (tx) => writeDeclaration(tx, rehearsal));
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
