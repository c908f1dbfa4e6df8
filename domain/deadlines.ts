// The one deadline engine for incidents. Pure and deterministic: callers pass
// workflow time in; nothing here reads a clock, sleeps or does I/O. Given the
// tracked deadlines and "now" it says which events are due (reminders,
// overdue transitions, escalation steps) and when the workflow must next wake.
//
// Rules (documented for the public record):
// - Reminders fall at the policy's fractions of the window or fixed times
//   before the due time. If several became due while nobody was looking (a
//   worker outage), only the latest is sent: one nudge, not a burst.
// - At the due time an OPEN deadline becomes MISSED (overdueAt = due time)
//   and stays MISSED: delivering late sets metAt but does not rewrite history.
// - Each escalation step fires once, at due + step.after, until the
//   deliverable arrives (metAt) or the deadline is waived.
// - Recurring deadlines (public updates) roll: the next cycle is due
//   `repeatEvery` after the previous one was met, or after its due time if it
//   was missed, so the public never waits longer than that between updates.
// - A deadline held by counsel (heldSince set, see domain/holds.ts) has no
//   events while held; a missed one's ladder resumes shifted by the time it
//   was held (pausedMs).
import type { DeadlineStateV1 } from './contracts/incident';
import { dueAfterFor } from './policy/lookups';
import { durationMs, type DeadlinePolicy, type Policy } from './policy/schema';
import type { Role } from './roles';

export interface TrackedDeadline extends DeadlineStateV1 {
  /** Publishing a statement of this kind meets the deadline. */
  statementKind: string;
  /** The policy deadline key this came from (for recurring ones, key minus the _N suffix). */
  ruleKey: string;
  /** Start of the window reminders are spread over. */
  windowStartAt: string;
  /** Reminder instants at or before this have been dealt with. */
  remindersHandledUntil: string;
  /** 1-based cycle for recurring deadlines, null otherwise. */
  cycle: number | null;
  /** Set when the deadline was moved; the latest reason. */
  lastExtensionReason: string | null;
  /** While a counsel's hold stops this deadline's clock: since when, and which hold (absent before holds existed). */
  heldSince?: string | null;
  heldBy?: string | null;
  /** How long the overdue ladder was held in all: its steps fall this much later. */
  pausedMs?: number;
}

export type DeadlineEvent =
  | { type: 'REMINDER'; key: string; at: number; number: number; notify: Role[] }
  | { type: 'OVERDUE'; key: string; at: number }
  | { type: 'ESCALATION'; key: string; at: number; step: number; notify: Role[] };

export type RuleLookup = (d: TrackedDeadline) => DeadlinePolicy;

export function ruleLookupFor(policy: Policy): RuleLookup {
  return (d) => {
    const rule = policy.deadlines.find((r) => r.key === d.ruleKey);
    if (!rule) throw new Error(`policy ${policy.version} has no deadline rule ${d.ruleKey}`);
    return rule;
  };
}

const ms = (iso: string): number => Date.parse(iso);
const iso = (t: number): string => new Date(t).toISOString();

/** Every reminder instant of a deadline, sorted, inside (windowStart, due). */
export function reminderTimes(d: TrackedDeadline, rule: DeadlinePolicy): number[] {
  const start = ms(d.windowStartAt);
  const due = ms(d.dueAt);
  const times = rule.reminders.map((r) => ('fraction' in r ? start + Math.round((due - start) * r.fraction) : due - durationMs(r.before)));
  return [...new Set(times.filter((t) => t > start && t < due))].sort((a, b) => a - b);
}

export function escalationTimes(d: TrackedDeadline, rule: DeadlinePolicy): number[] {
  const due = ms(d.dueAt) + (d.pausedMs ?? 0);
  return rule.escalation.map((step) => due + durationMs(step.after));
}

function escalationPending(d: TrackedDeadline, rule: DeadlinePolicy): boolean {
  return d.status === 'MISSED' && d.metAt === null && d.escalationsSent < rule.escalation.length;
}

/** Events due at `now`, in the order they should be handled. */
export function dueDeadlineEvents(deadlines: readonly TrackedDeadline[], ruleOf: RuleLookup, now: number): DeadlineEvent[] {
  const events: DeadlineEvent[] = [];
  for (const d of deadlines) {
    if (d.heldSince) continue;
    const rule = ruleOf(d);
    if (d.status === 'OPEN') {
      const due = ms(d.dueAt);
      if (now >= due) {
        events.push({ type: 'OVERDUE', key: d.key, at: due });
      } else {
        const handled = ms(d.remindersHandledUntil);
        const pending = reminderTimes(d, rule).filter((t) => t > handled && t <= now);
        if (pending.length > 0) {
          events.push({ type: 'REMINDER', key: d.key, at: pending[pending.length - 1], number: d.remindersSent + 1, notify: rule.remind });
        }
        continue;
      }
    }
    // An OVERDUE event above turns the deadline MISSED; its escalations are judged as if it already were.
    const asMissed = d.status === 'OPEN' ? { ...d, status: 'MISSED' as const } : d;
    if (!escalationPending(asMissed, rule)) continue;
    const times = escalationTimes(d, rule);
    for (let step = d.escalationsSent; step < times.length; step++) {
      if (times[step] > now) break;
      events.push({ type: 'ESCALATION', key: d.key, at: times[step], step, notify: rule.escalation[step].notify });
    }
  }
  return events.sort((a, b) => a.at - b.at || eventRank(a) - eventRank(b));
}

function eventRank(e: DeadlineEvent): number {
  return e.type === 'REMINDER' ? 0 : e.type === 'OVERDUE' ? 1 : 2;
}

/** The earliest instant after `now` at which some deadline has an event, or null if none ever will. */
export function nextDeadlineWakeAt(deadlines: readonly TrackedDeadline[], ruleOf: RuleLookup, now: number): number | null {
  let next: number | null = null;
  const consider = (t: number) => {
    if (t > now && (next === null || t < next)) next = t;
  };
  for (const d of deadlines) {
    if (d.heldSince) continue;
    const rule = ruleOf(d);
    if (d.status === 'OPEN') {
      const handled = ms(d.remindersHandledUntil);
      const upcoming = reminderTimes(d, rule).find((t) => t > Math.max(handled, now));
      if (upcoming !== undefined) consider(upcoming);
      consider(ms(d.dueAt));
    } else if (escalationPending(d, rule)) {
      consider(escalationTimes(d, rule)[d.escalationsSent]);
    }
  }
  return next;
}

/** The deadline after an event was handled (the caller persists and notifies). */
export function applyDeadlineEvent(d: TrackedDeadline, event: DeadlineEvent, now: number): TrackedDeadline {
  switch (event.type) {
    case 'REMINDER':
      return { ...d, remindersSent: d.remindersSent + 1, remindersHandledUntil: iso(Math.max(now, event.at)) };
    case 'OVERDUE':
      return { ...d, status: 'MISSED', overdueAt: iso(event.at), remindersHandledUntil: d.dueAt };
    case 'ESCALATION':
      return { ...d, escalationsSent: Math.max(d.escalationsSent, event.step + 1) };
  }
}

/** True when nothing more will ever happen to this deadline by itself. */
export function isSettled(d: TrackedDeadline, ruleOf: RuleLookup): boolean {
  if (d.status === 'MET' || d.status === 'WAIVED') return true;
  if (d.status === 'OPEN') return false;
  return d.metAt !== null || !escalationPending(d, ruleOf(d));
}

// ------------------------------------------------------------------ creation

function newDeadline(rule: DeadlinePolicy, key: string, windowStart: number, due: number, cycle: number | null): TrackedDeadline {
  const title = cycle === null ? rule.title : `${rule.title} ${cycle}`;
  return {
    key,
    kind: rule.kind,
    title,
    dueAt: iso(due),
    originalDueAt: iso(due),
    status: 'OPEN',
    metAt: null,
    overdueAt: null,
    remindersSent: 0,
    escalationsSent: 0,
    statementKind: rule.statementKind,
    ruleKey: rule.key,
    windowStartAt: iso(windowStart),
    remindersHandledUntil: iso(windowStart),
    cycle,
    lastExtensionReason: null,
  };
}

export const recurringKey = (ruleKey: string, cycle: number): string => `${ruleKey}_${cycle}`;

/** The SOP deadlines that start at an anchor (declaration or closure) for a severity. */
export function deadlinesForAnchor(policy: Policy, severity: number, anchor: 'DECLARED' | 'CLOSED', anchorAt: number): TrackedDeadline[] {
  const out: TrackedDeadline[] = [];
  for (const rule of policy.deadlines) {
    if (rule.anchor !== anchor) continue;
    const after = dueAfterFor(rule, severity);
    if (after === undefined) continue;
    const due = anchorAt + durationMs(after);
    out.push(rule.repeatEvery ? newDeadline(rule, recurringKey(rule.key, 1), anchorAt, due, 1) : newDeadline(rule, rule.key, anchorAt, due, null));
  }
  return out;
}

/**
 * The next cycle of a recurring deadline once `previous` has resolved (met, or
 * missed), or null if it does not repeat or has not resolved yet.
 */
export function nextRecurringDeadline(previous: TrackedDeadline, rule: DeadlinePolicy): TrackedDeadline | null {
  if (!rule.repeatEvery || previous.cycle === null) return null;
  if (previous.status === 'OPEN' || previous.status === 'WAIVED') return null;
  const start = previous.status === 'MET' && previous.metAt ? ms(previous.metAt) : ms(previous.dueAt);
  const cycle = previous.cycle + 1;
  return newDeadline(rule, recurringKey(rule.key, cycle), start, start + durationMs(rule.repeatEvery), cycle);
}

// ------------------------------------------------------------------ human actions

/** The deliverable was published: OPEN -> MET; a MISSED deadline records late delivery. */
export function markDelivered(d: TrackedDeadline, at: number): TrackedDeadline {
  if (d.metAt !== null || d.status === 'WAIVED') return d;
  if (d.status === 'OPEN') return { ...d, status: 'MET', metAt: iso(at) };
  return { ...d, metAt: iso(at) };
}

export function waive(d: TrackedDeadline): TrackedDeadline {
  return d.status === 'OPEN' ? { ...d, status: 'WAIVED' } : d;
}

export type ExtensionProblem = 'NOT_OPEN' | 'NOT_LATER' | 'INVALID_TIME';

/** Why an extension is not allowed, or null when it is. */
export function extensionProblem(d: TrackedDeadline, newDueAt: string): ExtensionProblem | null {
  const next = ms(newDueAt);
  if (!Number.isFinite(next)) return 'INVALID_TIME';
  if (d.status !== 'OPEN') return 'NOT_OPEN';
  if (next <= ms(d.dueAt)) return 'NOT_LATER';
  return null;
}

/**
 * Moves the due time later. Reminders already handled stay handled; reminders
 * of the new window that are still ahead will fire.
 */
export function extend(d: TrackedDeadline, newDueAt: string, reason: string, now: number): TrackedDeadline {
  const handled = Math.max(ms(d.remindersHandledUntil), now);
  return { ...d, dueAt: iso(ms(newDueAt)), remindersHandledUntil: iso(handled), lastExtensionReason: reason };
}

/**
 * Which deadline a newly submitted statement of `statementKind` is meant to
 * meet: the earliest OPEN one not already claimed by another statement in
 * approval; failing that, the earliest missed-and-undelivered one; else null.
 */
export function deadlineForStatement(
  deadlines: readonly TrackedDeadline[],
  statementKind: string,
  claimedKeys: ReadonlySet<string>,
): TrackedDeadline | null {
  const candidates = deadlines
    .filter((d) => d.statementKind === statementKind && !claimedKeys.has(d.key))
    .sort((a, b) => ms(a.dueAt) - ms(b.dueAt));
  return candidates.find((d) => d.status === 'OPEN') ?? candidates.find((d) => d.status === 'MISSED' && d.metAt === null) ?? null;
}

/** The contract view (query results, API) of a tracked deadline. */
export function toDeadlineState(d: TrackedDeadline): DeadlineStateV1 {
  return {
    key: d.key,
    kind: d.kind,
    title: d.title,
    dueAt: d.dueAt,
    originalDueAt: d.originalDueAt,
    status: d.status,
    metAt: d.metAt,
    overdueAt: d.overdueAt,
    remindersSent: d.remindersSent,
    escalationsSent: d.escalationsSent,
    ...(d.heldSince ? { heldSince: d.heldSince, heldBy: d.heldBy ?? null } : {}),
  };
}
