// Counsel's hold, the pure half: what a hold covers, when its reminders and its
// lapse fall due, and what happens to a deadline's clock while it is held and
// when the hold ends. Pure and deterministic: the incident workflow, the
// publication activity and the read models all decide with these.
//
// Rules (documented for the public record):
// - A hold covers a statement (and the deadline that statement answers),
//   every statement of a kind (and every deadline met by that kind), or
//   everything for the incident.
// - A covered deadline's clock stops: no reminders, no overdue, no
//   escalation. One already missed stays missed; its ladder pauses.
// - When the last hold covering a deadline ends, its clock starts again as
//   the policy says (holds.onRelease): RESUME gives back the time that was
//   left when the hold began, RESTART the whole window; never less than
//   `atLeast` from the release. A missed deadline's ladder resumes shifted by
//   the time it was held.
// - Reminders before the lapse fall at lapse - remindBefore; if several fell
//   due while nobody was looking, only the latest is sent.
import type { HoldScopeV1, HoldStateV1 } from './contracts/holds';
import type { TrackedDeadline } from './deadlines';
import { durationMs, type HoldsPolicy } from './policy/schema';

const ms = (iso: string): number => Date.parse(iso);
const iso = (t: number): string => new Date(t).toISOString();

/** What a hold might cover: a statement (by id and kind), or a deadline (by the statements that meet it). */
export interface HoldTarget {
  statementKind: string;
  statementId?: string | null;
}

export function scopeCovers(scope: HoldScopeV1, target: HoldTarget): boolean {
  switch (scope.kind) {
    case 'ALL':
      return true;
    case 'STATEMENT_KIND':
      return scope.statementKind === target.statementKind;
    case 'STATEMENT':
      return !!target.statementId && scope.statementId === target.statementId;
  }
}

export const isActive = (hold: Pick<HoldStateV1, 'status'>): boolean => hold.status === 'ACTIVE';

/** The same scope, as people would say it twice. */
export function sameScope(a: HoldScopeV1, b: HoldScopeV1): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'STATEMENT_KIND') return a.statementKind === (b as typeof a).statementKind;
  if (a.kind === 'STATEMENT') return a.statementId === (b as typeof a).statementId;
  return true;
}

/** A statement of the incident, as far as holds care. */
export interface HeldStatementRef {
  statementId: string;
  deadlineKey: string | null;
}

/**
 * The active hold that covers a deadline, if any: the earliest placed among
 * those covering its kind, the whole incident, or a statement that answers it.
 */
export function holdCoveringDeadline(
  deadline: Pick<TrackedDeadline, 'key' | 'statementKind'>,
  holds: readonly HoldStateV1[],
  statements: readonly HeldStatementRef[],
): HoldStateV1 | undefined {
  const answering = statements.filter((s) => s.deadlineKey === deadline.key).map((s) => s.statementId);
  return holds
    .filter(isActive)
    .filter(
      (hold) =>
        scopeCovers(hold.scope, { statementKind: deadline.statementKind }) ||
        (hold.scope.kind === 'STATEMENT' && answering.includes(hold.scope.statementId)),
    )
    .sort((a, b) => ms(a.placedAt) - ms(b.placedAt))[0];
}

/** A deadline whose clock a hold can stop: open, or missed and not yet delivered (its ladder). */
export const isHoldable = (d: TrackedDeadline): boolean => d.status === 'OPEN' || (d.status === 'MISSED' && d.metAt === null);

export const isHeld = (d: Pick<TrackedDeadline, 'heldSince'>): boolean => !!d.heldSince;

/** The deadline with its clock stopped by `holdId` from `now` (kept as it was if already stopped). */
export function stopClock(d: TrackedDeadline, holdId: string, now: number): TrackedDeadline {
  return { ...d, heldSince: d.heldSince ?? iso(now), heldBy: holdId };
}

/** When the hold that stopped a deadline ends: its clock starts again as the policy says. */
export function restartClock(d: TrackedDeadline, onRelease: HoldsPolicy['onRelease'], now: number): TrackedDeadline {
  if (!d.heldSince) return d;
  const heldSince = ms(d.heldSince);
  const released = { ...d, heldSince: null, heldBy: null };
  if (d.status !== 'OPEN') return { ...released, pausedMs: (d.pausedMs ?? 0) + Math.max(0, now - heldSince) };
  const due = ms(d.dueAt);
  const windowStart = ms(d.windowStartAt);
  const atLeast = durationMs(onRelease.atLeast);
  if (onRelease.clock === 'RESTART') {
    const newDue = now + Math.max(due - windowStart, atLeast);
    return { ...released, dueAt: iso(newDue), windowStartAt: iso(now), remindersHandledUntil: iso(now) };
  }
  const newDue = now + Math.max(due - heldSince, atLeast, 0);
  const shift = newDue - due;
  // The window moves with the due time, so reminders already dealt with stay dealt with.
  return {
    ...released,
    dueAt: iso(newDue),
    windowStartAt: iso(windowStart + shift),
    remindersHandledUntil: iso(Math.max(ms(d.remindersHandledUntil) + shift, now)),
  };
}

// ------------------------------------------------------------------ the hold's own clock

export type HoldEvent = { type: 'REMINDER'; holdId: string; at: number; number: number; handled: number } | { type: 'LAPSE'; holdId: string; at: number };

/** The hold's reminder instants, earliest first (lapse - each remindBefore; those before the placement dropped). */
export function holdReminderTimes(hold: HoldStateV1, policy: HoldsPolicy): number[] {
  const lapse = ms(hold.lapsesAt);
  const placed = ms(hold.placedAt);
  const times = policy.remindBefore.map((before) => lapse - durationMs(before)).filter((t) => t > placed && t < lapse);
  return [...new Set(times)].sort((a, b) => a - b);
}

/** Reminders and lapses due at `now`, earliest first. */
export function dueHoldEvents(holds: readonly HoldStateV1[], policy: HoldsPolicy, now: number): HoldEvent[] {
  const events: HoldEvent[] = [];
  for (const hold of holds.filter(isActive)) {
    if (now >= ms(hold.lapsesAt)) {
      events.push({ type: 'LAPSE', holdId: hold.holdId, at: ms(hold.lapsesAt) });
      continue;
    }
    const times = holdReminderTimes(hold, policy);
    const pending = times.slice(hold.remindersSent).filter((t) => t <= now);
    if (pending.length > 0) {
      const handled = times.indexOf(pending[pending.length - 1]) + 1;
      events.push({ type: 'REMINDER', holdId: hold.holdId, at: pending[pending.length - 1], number: hold.remindersSent + 1, handled });
    }
  }
  return events.sort((a, b) => a.at - b.at);
}

/** The earliest instant after `now` at which some hold has a reminder or lapses, or null. */
export function nextHoldWakeAt(holds: readonly HoldStateV1[], policy: HoldsPolicy, now: number): number | null {
  const times = holds.filter(isActive).flatMap((hold) => [...holdReminderTimes(hold, policy).slice(hold.remindersSent), ms(hold.lapsesAt)]);
  const future = times.filter((t) => t > now);
  return future.length === 0 ? null : Math.min(...future);
}

/** A scope as staff and messages say it. */
export function describeScope(scope: HoldScopeV1, kindLabel: (kind: string) => string): string {
  switch (scope.kind) {
    case 'ALL':
      return 'all publication for this incident';
    case 'STATEMENT_KIND':
      return `every ${kindLabel(scope.statementKind).toLowerCase()}`;
    case 'STATEMENT':
      return 'one statement';
  }
}
