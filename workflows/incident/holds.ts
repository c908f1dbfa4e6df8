// Counsel's hold: the people the pinned policy names (holds.placeBy) stop
// publication of one statement, of every statement of a kind, or of
// everything for the incident, for a category the policy lists. While a hold
// is active:
//  - nothing it covers is published, whatever its approvals: the statement
//    workflow asks (publishStatementUnlessHeld) and waits, approvals intact;
//  - the clocks of the deadlines it covers stop (domain/holds.ts);
//  - before it lapses the policy's `remind` roles are reminded; at its limit
//    it lapses, publication resumes and `escalateAtLimit` is told.
// Releasing it (holds.releaseBy) or its lapse restarts the clocks as the
// policy says and tells every statement still waiting to try again.
import { getExternalWorkflowHandle, log, patched, uuid4 } from '@temporalio/workflow';
import {
  placeHoldUpdate,
  releaseHoldUpdate,
  type HoldScopeV1,
  type HoldStateV1,
  type PlaceHoldRequestV1,
  type ReleaseHoldRequestV1,
} from '../../domain/contracts/holds';
import { publicationReleasedSignal } from '../../domain/contracts/statement';
import type { ActorV1 } from '../../domain/contracts/common';
import type { PersonRefV1 } from '../../domain/contracts/incidentActivities';
import { dueHoldEvents, holdCoveringDeadline, isActive, isHoldable, nextHoldWakeAt, restartClock, sameScope, stopClock } from '../../domain/holds';
import { INCIDENT_COUNSEL_HOLDS_PATCH } from '../../domain/patches';
import { rolesInWords } from '../../domain/policy/approvalChain';
import { statementKindPolicy } from '../../domain/policy/lookups';
import { durationMs, type HoldsPolicy } from '../../domain/policy/schema';
import type { Role } from '../../domain/roles';
import { announce, peopleWithRoles } from '../lib/announce';
import { invalidField, invalidState, notFound, notPermitted } from '../lib/failures';
import { validateActor } from '../lib/requests';
import { incidentData, type IncidentContext, type RunningIncident } from './context';
import { replaceDeadline } from './deadlineRecords';
import { setLockedUpdateHandler } from './updates';

const MAX_DETAIL = 2_000;
const iso = (t: number): string => new Date(t).toISOString();

export const holdsOf = ({ incident }: RunningIncident): HoldStateV1[] => incident.holds ?? [];

function holdsPolicyOf(run: RunningIncident): HoldsPolicy {
  const policy = run.incident.policy.holds;
  if (!policy) {
    throw invalidState(`incident ${run.input.incidentNumber} follows policy ${run.incident.policy.version}, which has no counsel's holds`, 'no_holds_in_policy');
  }
  return policy;
}

const categoryLabel = (policy: HoldsPolicy, key: string): string => policy.categories.find((c) => c.key === key)?.label ?? key;

function validScope(run: RunningIncident, scope: unknown): HoldScopeV1 {
  const s = scope as Partial<{ kind: string; statementKind: unknown; statementId: unknown }> | null;
  if (!s || typeof s !== 'object') throw invalidField('scope', 'is required: ALL, STATEMENT_KIND or STATEMENT');
  switch (s.kind) {
    case 'ALL':
      return { kind: 'ALL' };
    case 'STATEMENT_KIND': {
      if (typeof s.statementKind !== 'string' || !statementKindPolicy(run.incident.policy, s.statementKind)) {
        throw invalidField('scope.statementKind', `must be one of: ${run.incident.policy.statementKinds.map((k) => k.key).join(', ')}`);
      }
      return { kind: 'STATEMENT_KIND', statementKind: s.statementKind };
    }
    case 'STATEMENT': {
      const ref = typeof s.statementId === 'string' ? run.incident.statements.find((x) => x.statementId === s.statementId) : undefined;
      if (!ref) throw notFound(`incident ${run.input.incidentNumber} has no statement ${String(s.statementId)}`);
      if (ref.published) throw invalidState('the statement is already published; a published statement can be withdrawn instead', 'statement_published');
      return { kind: 'STATEMENT', statementId: ref.statementId };
    }
    default:
      throw invalidField('scope.kind', 'must be ALL, STATEMENT_KIND or STATEMENT');
  }
}

function validatePlacement(run: RunningIncident, req: PlaceHoldRequestV1): HoldScopeV1 {
  const policy = holdsPolicyOf(run);
  if (!req || typeof req !== 'object') throw invalidField('scope', 'is required');
  validateActor(req.by, 'by');
  if (!req.by.roles.some((role) => policy.placeBy.includes(role))) throw notPermitted(`only ${rolesInWords(policy.placeBy)} may place a hold`);
  if (typeof req.category !== 'string' || !policy.categories.some((c) => c.key === req.category)) {
    throw invalidField('category', `must be one of: ${policy.categories.map((c) => c.key).join(', ')}`);
  }
  if (typeof req.detail !== 'string' || req.detail.trim() === '' || req.detail.length > MAX_DETAIL) {
    throw invalidField('detail', `the private detail for staff is required (at most ${MAX_DETAIL} characters)`);
  }
  const scope = validScope(run, req.scope);
  const same = holdsOf(run).find((h) => isActive(h) && sameScope(h.scope, scope));
  if (same) throw invalidState(`that is already held (since ${same.placedAt}); release it or wait for it to lapse`, 'already_held');
  return scope;
}

function activeHold(run: RunningIncident, holdId: unknown): HoldStateV1 {
  const hold = typeof holdId === 'string' ? holdsOf(run).find((h) => h.holdId === holdId) : undefined;
  if (!hold) throw notFound(`incident ${run.input.incidentNumber} has no hold ${String(holdId)}`);
  if (!isActive(hold)) throw invalidState(`the hold already ${hold.status === 'LAPSED' ? 'lapsed' : 'was released'} at ${hold.endedAt}`, 'hold_ended');
  return hold;
}

function validateRelease(run: RunningIncident, req: ReleaseHoldRequestV1): HoldStateV1 {
  const policy = holdsPolicyOf(run);
  if (!req || typeof req !== 'object') throw invalidField('holdId', 'is required');
  validateActor(req.by, 'by');
  if (!req.by.roles.some((role) => policy.releaseBy.includes(role))) throw notPermitted(`only ${rolesInWords(policy.releaseBy)} may release a hold`);
  if (req.note !== undefined && (typeof req.note !== 'string' || req.note.length > MAX_DETAIL)) {
    throw invalidField('note', `must be text of at most ${MAX_DETAIL} characters`);
  }
  return activeHold(run, req.holdId);
}

/** What every hold message says: never the private detail (messages get forwarded), only where to read it. */
function holdData(run: RunningIncident, policy: HoldsPolicy, hold: HoldStateV1, extra: Record<string, unknown> = {}) {
  const kindLabel = (kind: string) => statementKindPolicy(run.incident.policy, kind)?.label ?? kind;
  const covers =
    hold.scope.kind === 'ALL'
      ? 'all publication for the incident'
      : hold.scope.kind === 'STATEMENT_KIND'
        ? `every ${kindLabel(hold.scope.statementKind).toLowerCase()}`
        : 'one statement';
  return incidentData(run.input, {
    holdId: hold.holdId,
    categoryLabel: categoryLabel(policy, hold.category),
    holdCategory: hold.category,
    covers,
    // The template words the scope in each reader's language; `covers` is the policy's.
    holdScope: hold.scope.kind,
    ...(hold.scope.kind === 'STATEMENT_KIND' ? { holdStatementKind: hold.scope.statementKind } : {}),
    placedAt: hold.placedAt,
    lapsesAt: hold.lapsesAt,
    ...extra,
  });
}

function tell(run: RunningIncident, people: PersonRefV1[], template: string, attemptGroup: string, data: Record<string, unknown>): Promise<void> {
  return run.deliveries.send(() =>
    announce(people, { workflowId: run.workflowId, purpose: template, attemptGroup, template, incidentId: run.input.incidentId, data }),
  );
}

const unique = (...lists: Role[][]): Role[] => [...new Set(lists.flat())];

export function handleHolds(ctx: IncidentContext): void {
  setLockedUpdateHandler(ctx, placeHoldUpdate, validatePlacement, async (run, req) => {
    const scope = validatePlacement(run, req);
    // Marks every history that placed a hold: a later change to what holds do is patched against it.
    patched(INCIDENT_COUNSEL_HOLDS_PATCH);
    const policy = holdsPolicyOf(run);
    const now = Date.now();
    const hold: HoldStateV1 = {
      holdId: uuid4(),
      scope,
      category: req.category,
      status: 'ACTIVE',
      placedAt: iso(now),
      placedById: req.by.personId,
      lapsesAt: iso(now + durationMs(policy.maxDuration)),
      remindersSent: 0,
      endedAt: null,
      endedById: null,
    };
    const people = await peopleWithRoles(run.activities, policy.notify);
    await run.activities.recordHoldPlaced({
      holdId: hold.holdId,
      incidentId: run.input.incidentId,
      scope,
      category: hold.category,
      detail: req.detail.trim(),
      by: req.by,
      lapsesAt: hold.lapsesAt,
      notifiedPersonIds: people.map((p) => p.personId),
      at: hold.placedAt,
    });
    run.incident.holds = [...holdsOf(run), hold];
    await syncHeldDeadlines(run, now);
    await tell(run, people, 'hold.placed', hold.holdId, holdData(run, policy, hold, { placedByName: req.by.name }));
    ctx.replan = true;
    return { ...hold };
  });

  setLockedUpdateHandler(ctx, releaseHoldUpdate, validateRelease, async (run, req) => {
    const hold = validateRelease(run, req);
    const ended = await endHold(run, hold, 'RELEASED', req.by, req.note?.trim() || null, Date.now());
    ctx.replan = true;
    return ended;
  });
}

/** Ends a hold (released by a person, or lapsed at its limit), restarts the clocks it stopped, and tells who must know. */
async function endHold(run: RunningIncident, hold: HoldStateV1, status: 'RELEASED' | 'LAPSED', by: ActorV1 | null, note: string | null, now: number): Promise<HoldStateV1> {
  const policy = holdsPolicyOf(run);
  const roles = status === 'LAPSED' ? unique(policy.notify, policy.escalateAtLimit) : policy.notify;
  const people = await peopleWithRoles(run.activities, roles);
  await run.activities.recordHoldEnded({
    holdId: hold.holdId,
    incidentId: run.input.incidentId,
    status,
    by,
    note,
    notifiedPersonIds: people.map((p) => p.personId),
    at: iso(now),
  });
  const ended: HoldStateV1 = { ...hold, status, endedAt: iso(now), endedById: by?.personId ?? null };
  run.incident.holds = holdsOf(run).map((h) => (h.holdId === hold.holdId ? ended : h));
  await syncHeldDeadlines(run, now);
  await tellWaitingStatements(run, hold.holdId);
  const template = status === 'LAPSED' ? 'hold.lapsed' : 'hold.released';
  await tell(run, people, template, hold.holdId, holdData(run, policy, ended, by ? { releasedByName: by.name } : {}));
  return { ...ended };
}

/** Every statement not yet published tries to publish again (one still covered by another hold keeps waiting). */
async function tellWaitingStatements(run: RunningIncident, holdId: string): Promise<void> {
  const waiting = run.incident.statements.filter((s) => !s.published);
  await Promise.all(
    waiting.map(async (s) => {
      try {
        await getExternalWorkflowHandle(s.workflowId).signal(publicationReleasedSignal, { holdId });
      } catch (err) {
        log.warn('could not tell a statement that a hold ended', { statementId: s.statementId, error: String(err) });
      }
    }),
  );
}

/**
 * Stops the clock of every deadline an active hold covers and restarts the
 * clock of every one no hold covers any more, recording both. Nothing at all
 * happens for an incident that never had a hold.
 */
export async function syncHeldDeadlines(run: RunningIncident, now: number): Promise<void> {
  const holds = holdsOf(run);
  if (holds.length === 0) return;
  const policy = holdsPolicyOf(run);
  const statements = run.incident.statements;
  const changed = run.incident.deadlines.flatMap((d) => {
    const covering = isHoldable(d) ? holdCoveringDeadline(d, holds, statements) : undefined;
    if (covering) return d.heldSince && d.heldBy === covering.holdId ? [] : [stopClock(d, covering.holdId, now)];
    return d.heldSince ? [restartClock(d, policy.onRelease, now)] : [];
  });
  if (changed.length === 0) return;
  await run.activities.holdDeadlineClocks({
    incidentId: run.input.incidentId,
    at: iso(now),
    changes: changed.map((d) => ({ key: d.key, heldSince: d.heldSince ?? null, holdId: d.heldBy ?? null, dueAt: d.dueAt })),
  });
  for (const d of changed) replaceDeadline(run, d);
  run.replan = true;
}

/** When the holds' clock wants the main loop awake next. */
export function holdWakeTimes(run: RunningIncident, now: number): number[] {
  const policy = run.incident.policy.holds;
  if (!policy || holdsOf(run).length === 0) return [];
  const next = nextHoldWakeAt(holdsOf(run), policy, now);
  return next === null ? [] : [next];
}

/** Reminders before a lapse, and lapses at the limit, due by now. */
export async function handleDueHolds(run: RunningIncident, now: number): Promise<void> {
  const policy = run.incident.policy.holds;
  if (!policy || holdsOf(run).length === 0) return;
  for (const event of dueHoldEvents(holdsOf(run), policy, now)) {
    const hold = holdsOf(run).find((h) => h.holdId === event.holdId);
    if (!hold || !isActive(hold)) continue;
    if (event.type === 'LAPSE') {
      await endHold(run, hold, 'LAPSED', null, null, event.at);
      continue;
    }
    const people = await peopleWithRoles(run.activities, policy.remind);
    await run.activities.recordHoldReminder({
      holdId: hold.holdId,
      incidentId: run.input.incidentId,
      sequence: event.number,
      notifiedPersonIds: people.map((p) => p.personId),
      at: iso(event.at),
    });
    run.incident.holds = holdsOf(run).map((h) => (h.holdId === hold.holdId ? { ...h, remindersSent: event.handled } : h));
    await tell(run, people, 'hold.reminder', `${hold.holdId}:reminder:${event.number}`, holdData(run, policy, hold, { reminderNumber: event.number }));
  }
}

/** No hold still active: the incident may finish. */
export const noActiveHold = (run: RunningIncident): boolean => !holdsOf(run).some(isActive);
