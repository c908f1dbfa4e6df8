// Action items from the API: adding one, importing many from CSV, and the
// owner's and sponsor's actions. An action goes to the item's workflow as an
// Update, so the answer is what the workflow accepted; a done item takes no
// more actions.
import { createHash } from 'node:crypto';
import type { UpdateDefinition } from '@temporalio/common';
import type { ActorV1 } from '../domain/contracts/common';
import type { Role } from '../domain/roles';
import {
  completeItemUpdate,
  decideRescheduleUpdate,
  postProgressUpdate,
  requestRescheduleUpdate,
  setItemStatusUpdate,
  type CompleteItemRequestV1,
  type DecideRescheduleRequestV1,
  type PostProgressRequestV1,
  type SetItemStatusRequestV1,
} from '../domain/contracts/plan';
import { HttpError, badRequest, conflict, notFound, unavailable, unprocessable } from './errors';
import { actorOf, executeUpdate } from './temporal';
import { assertMayActForOwner, assertMayDecideReschedule } from './planAccess';
import { validateImport, type DescriptionUpdate, type ImportError } from './planCsv';
import { appendAudit } from '../lib/audit';
import {
  activePersonIds,
  assertOwnerAndSponsor,
  announceItems,
  assertPlanActive,
  createItems,
  startItemWorkflows,
  parseFutureDue,
  type Actor,
  type NewItem,
  type PlanServiceDeps,
} from './planService';
import { findItem, findPlan, itemJson, itemsById, type ItemWithPeople } from './planViews';
import { currentPolicy } from '../policy/index';

/** An item as a person asks for it: due dates as typed (a date, or a date-time with offset). */
export interface ItemRequest {
  goalNumber: number;
  title: string;
  description: string;
  ownerId: string;
  sponsorId: string;
  dueAt: string;
  milestones: { title: string; dueAt?: string }[];
}

/** Adds one item and starts its workflow; a workflow that cannot start is a 503 with nothing recorded. */
export async function addItem(deps: PlanServiceDeps, planId: string, request: ItemRequest, actor: Actor, origin: Pick<NewItem, 'engagementSessionId'> = {}) {
  const plan = await findPlan(deps.db, planId);
  const goal = await deps.db.goal.findUnique({ where: { planId_number: { planId, number: request.goalNumber } } });
  if (!goal) throw unprocessable('goalNumber', `no goal number ${request.goalNumber} in this plan`, { code: 'unknown' });
  assertOwnerAndSponsor(await activePersonIds(deps.db, [request.ownerId, request.sponsorId]), request);
  const now = new Date();
  const dueAt = parseFutureDue(request.dueAt, 'dueAt', plan.timeZone, now);
  const milestones = request.milestones.map((m, i) => ({
    title: m.title,
    dueAt: m.dueAt ? parseFutureDue(m.dueAt, `milestones.${i}.dueAt`, plan.timeZone, now) : null,
  }));
  assertPlanActive(plan);
  const item: NewItem = { goalId: goal.id, title: request.title, description: request.description, ownerId: request.ownerId, sponsorId: request.sponsorId, dueAt, milestones, ...origin };
  const { created, failed } = await createItems(deps, plan, [item], actor);
  if (failed.length > 0) throw unavailable('could not start the item workflow; nothing was recorded, try again');
  return itemJson(await findItem(deps.db, planId, created[0].id));
}

// A CSV file is any text to the document, so what its rows break is a rule it can only describe: 422.
const importRejected = (errors: ImportError[]) =>
  new HttpError(
    422,
    'invalid_input',
    `${errors.length} problem${errors.length === 1 ? '' : 's'} in the CSV; nothing was imported. First: ${errors[0].field}: ${errors[0].message}`,
    errors[0].field,
    errors,
  );

/**
 * An import repeated with the same Idempotency-Key (the client lost the answer:
 * the API died mid-import, a proxy timed out) writes the same item ids, so a
 * repeat finds the items rather than adding them twice.
 */
export function importedItemId(planId: string, actorId: string | null, key: string, row: number): string {
  const hex = createHash('sha256').update(`item-import|${planId}|${actorId ?? ''}|${key}|${row}`).digest('hex');
  // A name-based UUID (version 5 layout), like the random ones items get otherwise.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/**
 * All rows or none: every row is checked first. Rows without an id are new
 * items (those whose workflow could not start are not kept: 503, listed);
 * rows with an id are the plan's own items, of which only the description
 * changes (an exported file imports back as no change at all). With an
 * Idempotency-Key, a repeat of the same import answers with the new items the
 * first one wrote, starting any workflow the first one did not get to (and
 * writing items it did not keep).
 */
export async function importItems(deps: PlanServiceDeps, planId: string, csv: string, actor: Actor, idempotencyKey?: string) {
  if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) throw badRequest('Idempotency-Key', 'must be 1-200 visible ASCII characters', 'invalid_input', { code: 'invalid_format' });
  const plan = await findPlan(deps.db, planId);
  const result = await validateImport(deps.db, plan, csv, new Date());
  if (!result.ok) throw importRejected(result.errors);
  assertPlanActive(plan);
  // A repeat finds the descriptions already changed, so it changes (and audits) nothing twice.
  await updateDescriptions(deps, planId, result.descriptionUpdates, actor);
  const items = idempotencyKey ? result.items.map((item, row) => ({ ...item, id: importedItemId(plan.id, actor.id, idempotencyKey, row) })) : result.items;
  const earlier = idempotencyKey && items.length > 0 ? await earlierImport(deps, plan, items) : null;
  const toCreate = earlier ? items.filter((item) => !earlier.has(item.id!)) : items;

  let createdIds: string[] = [];
  let failed: { itemId: string; error: string }[] = [];
  if (toCreate.length > 0) {
    try {
      const outcome = await createItems(deps, plan, toCreate, actor);
      createdIds = outcome.created.map((c) => c.id);
      failed = outcome.failed;
    } catch (err) {
      // The same import, at the same moment, in another request: it wrote them first.
      if (!(idempotencyKey && (err as { code?: string })?.code === 'P2002')) throw err;
      return importItems(deps, planId, csv, actor, idempotencyKey);
    }
  }
  if (failed.length > 0) {
    throw new HttpError(
      503,
      'unavailable',
      `${failed.length} of ${result.items.length} item workflows could not start; those items were not kept. Import them again when the workflow service is back.`,
      undefined,
      failed.map((f) => ({ field: `item ${f.itemId}`, message: f.error })),
      { 'Retry-After': '5' },
    );
  }
  const ids = earlier ? items.map((item) => item.id!) : createdIds;
  const imported = await itemsById(deps.db, ids);
  return { imported: imported.length, items: imported, updated: result.descriptionUpdates.length, unchanged: result.unchanged, ...(earlier ? { replayed: true } : {}) };
}

/**
 * The items an earlier import with this key wrote (by id), with every one of
 * their workflows started; null when there was none. A key used for a
 * different file is a 409.
 */
async function earlierImport(deps: PlanServiceDeps, plan: Parameters<typeof createItems>[1], items: NewItem[]): Promise<Set<string> | null> {
  const rows = await deps.db.actionItem.findMany({
    where: { id: { in: items.map((i) => i.id!) } },
    include: { owner: { select: { name: true } }, goal: { select: { title: true } } },
  });
  if (rows.length === 0) return null;
  const byId = new Map(items.map((i) => [i.id!, i]));
  if (rows.some((row) => row.planId !== plan.id || row.title !== byId.get(row.id)?.title)) {
    throw conflict('this Idempotency-Key was already used for a different import', 'idempotency_key_reused');
  }
  const starts = await startItemWorkflows(deps, rows, plan, currentPolicy());
  const notStarted = starts.filter((s) => s.status === 'rejected');
  if (notStarted.length > 0) throw unavailable(`${notStarted.length} item workflows could not be started yet; send the import again`);
  await announceItems(deps, plan, rows);
  return new Set(rows.map((r) => r.id));
}

/** The description is the database's alone (no workflow keeps it), so an import may change it; each change is audited. */
async function updateDescriptions(deps: PlanServiceDeps, planId: string, updates: DescriptionUpdate[], actor: Actor): Promise<void> {
  for (const update of updates) {
    await deps.db.$transaction(async (tx) => {
      await tx.actionItem.update({ where: { id: update.itemId }, data: { description: update.description } });
      await appendAudit(tx, {
        actorId: actor.id,
        actorLabel: actor.name,
        action: 'item.description-updated',
        entityType: 'ActionItem',
        entityId: update.itemId,
        planId,
        data: { via: 'CSV import' },
      });
    });
  }
}

// ---------------------------------------------------------------- actions

export interface ItemRef {
  planId: string;
  itemId: string;
}

/** The person acting, as the routes know them. */
export interface Person {
  id: string;
  name: string;
  roles: readonly Role[];
}

type ItemDeps = Pick<PlanServiceDeps, 'db' | 'temporal'>;

const ITEM_DONE = 'the item is done; its workflow takes no more actions';

function assertNotDone(item: { status: string }): void {
  if (item.status === 'DONE') throw conflict(ITEM_DONE, 'item_done');
}

/** Sends an Update the owner (or the city manager for them) makes to the item's workflow. */
async function actForOwner<Ret, Arg>(
  deps: ItemDeps,
  ref: ItemRef,
  person: Person,
  update: UpdateDefinition<Ret, [Arg]>,
  argument: (item: ItemWithPeople, by: ActorV1) => Arg | Promise<Arg>,
): Promise<Ret> {
  const item = await findItem(deps.db, ref.planId, ref.itemId);
  assertMayActForOwner(person, item);
  assertNotDone(item);
  return executeUpdate(deps.temporal, item.workflowId, update, await argument(item, actorOf({ person })), ITEM_DONE);
}

type ByApi<T> = Omit<T, 'by' | 'via'>;

export const postProgress = (deps: ItemDeps, ref: ItemRef, person: Person, report: ByApi<PostProgressRequestV1>) =>
  actForOwner(deps, ref, person, postProgressUpdate, (_item, by) => ({ ...report, by, via: 'API' as const }));

/** BLOCKED tells the sponsor at once (the workflow does that). */
export const setItemStatus = (deps: ItemDeps, ref: ItemRef, person: Person, change: ByApi<SetItemStatusRequestV1>) =>
  actForOwner(deps, ref, person, setItemStatusUpdate, (_item, by) => ({ ...change, by, via: 'API' as const }));

/** Stops the item's reminders and escalations. */
export const completeItem = (deps: ItemDeps, ref: ItemRef, person: Person, completion: ByApi<CompleteItemRequestV1>) =>
  actForOwner(deps, ref, person, completeItemUpdate, (_item, by) => ({ ...completion, by, via: 'API' as const }));

/** Asks the sponsor for a new due date, which must be in the future. */
export const requestReschedule = (deps: ItemDeps, ref: ItemRef, person: Person, request: { toDueAt: string; reason: string }) =>
  actForOwner(deps, ref, person, requestRescheduleUpdate, async (item, by) => {
    const plan = await findPlan(deps.db, item.planId);
    const toDueAt = parseFutureDue(request.toDueAt, 'toDueAt', plan.timeZone);
    return { toDueAt: toDueAt.toISOString(), reason: request.reason, by };
  });

/** The sponsor approves or rejects a pending request; approval moves every reminder to the new date. */
export async function decideReschedule(deps: ItemDeps, ref: ItemRef & { requestId: string }, person: Person, decision: Omit<DecideRescheduleRequestV1, 'by' | 'requestId'>) {
  const item = await findItem(deps.db, ref.planId, ref.itemId);
  assertMayDecideReschedule(person, item);
  const request = await deps.db.rescheduleRequest.findFirst({ where: { id: ref.requestId, itemId: ref.itemId } });
  if (!request) throw notFound('reschedule request');
  if (request.status !== 'PENDING') throw conflict(`the request was already ${request.status.toLowerCase()}`, 'already_decided');
  assertNotDone(item);
  return executeUpdate(deps.temporal, item.workflowId, decideRescheduleUpdate, { ...decision, requestId: ref.requestId, by: actorOf({ person }) }, ITEM_DONE);
}
