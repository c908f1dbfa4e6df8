// The action-item ladder: reminders before the due date and escalations after
// it, resolved to instants in the city's time zone. Pure and deterministic, so
// the item workflow, the API (to show what is coming) and tests share it.
import { durationMs, type Policy } from './policy/schema';
import type { ItemLadderV1, LadderEventV1, OverdueStepV1, ReminderStepV1 } from './contracts/plan';
import { addDays, localDateOf, parseWallTime, shiftLocalDays, zonedTimeToInstant } from './time/cityTime';

const DAY_MS = 86_400_000;

/** Whole days for day-sized policy durations ("14d", "2w"); anything finer stays in seconds. */
function toDaysOrSeconds(duration: string): { days: number } | { seconds: number } {
  const ms = durationMs(duration);
  return ms % DAY_MS === 0 ? { days: ms / DAY_MS } : { seconds: ms / 1000 };
}

/** The ladder a new item pins, from the action-plan section of a policy version. */
export function itemLadderFromPolicy(policy: Policy): ItemLadderV1 {
  const plan = policy.actionPlan;
  const reminders: ReminderStepV1[] = plan.reminders.map((r) => {
    const d = toDaysOrSeconds(r.before);
    return 'days' in d ? { key: `reminder-${r.before}`, daysBefore: d.days } : { key: `reminder-${r.before}`, secondsBefore: d.seconds };
  });
  const overdue: OverdueStepV1[] = plan.overdueLadder.map((step) => {
    const d = toDaysOrSeconds(step.after);
    const key = `overdue-${step.after}-${step.notify.toLowerCase()}`;
    return 'days' in d ? { key, daysAfter: d.days, notify: step.notify } : { key, secondsAfter: d.seconds, notify: step.notify };
  });
  return { reminderLocalTime: plan.reminderTime, reminders, overdue };
}

/**
 * Every ladder event for one due date, in firing order. Reminders fire at the
 * ladder's local time on the local calendar day `daysBefore` before the due
 * date (so 09:00 stays 09:00 across DST); reminders that would not come before
 * the due time are dropped. Overdue steps keep the due time's local wall-clock
 * time, `daysAfter` calendar days later.
 */
export function ladderEvents(dueAtIso: string, ladder: ItemLadderV1, timeZone: string): LadderEventV1[] {
  const dueMs = Date.parse(dueAtIso);
  if (Number.isNaN(dueMs)) throw new RangeError(`not an instant: ${dueAtIso}`);
  const dueAt = new Date(dueMs).toISOString();
  const reminderTime = parseWallTime(ladder.reminderLocalTime);
  const dueDate = localDateOf(dueMs, timeZone);

  const events: (LadderEventV1 & { order: number })[] = [];
  ladder.reminders.forEach((step, order) => {
    const atMs =
      'daysBefore' in step
        ? zonedTimeToInstant(addDays(dueDate, -step.daysBefore), reminderTime, timeZone).getTime()
        : dueMs - step.secondsBefore * 1000;
    if (atMs >= dueMs) return;
    events.push({ id: `${step.key}@${dueAt}`, stepKey: step.key, kind: 'REMINDER', notify: 'OWNER', at: new Date(atMs).toISOString(), dueAt, order });
  });
  ladder.overdue.forEach((step, i) => {
    const atMs = 'daysAfter' in step ? shiftLocalDays(dueMs, step.daysAfter, timeZone).getTime() : dueMs + step.secondsAfter * 1000;
    events.push({
      id: `${step.key}@${dueAt}`,
      stepKey: step.key,
      kind: 'OVERDUE',
      notify: step.notify,
      at: new Date(atMs).toISOString(),
      dueAt,
      order: ladder.reminders.length + i,
    });
  });
  return events
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.order - b.order)
    .map(({ order: _order, ...event }) => event);
}

/** Whole calendar days between two instants' local dates (b - a). */
export function localDaysBetween(aMs: number, bMs: number, timeZone: string): number {
  const a = localDateOf(aMs, timeZone);
  const b = localDateOf(bMs, timeZone);
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / DAY_MS);
}

/** How many local calendar days past its due time something is at `atMs` (0 on the day it falls due, and before). */
export const daysOverdue = (dueMs: number, atMs: number, timeZone: string): number => Math.max(0, localDaysBetween(dueMs, atMs, timeZone));

/**
 * The next ladder event still to handle for an item: the first one not in
 * `handled`, leaving out reminders whose time had already passed when the
 * due date was set (`baselineMs`), which would only be noise.
 */
export function nextLadderEvent(dueAtIso: string, ladder: ItemLadderV1, timeZone: string, baselineMs: number, handled: ReadonlySet<string> = new Set()): LadderEventV1 | null {
  for (const event of ladderEvents(dueAtIso, ladder, timeZone)) {
    if (handled.has(event.id)) continue;
    if (event.kind === 'REMINDER' && Date.parse(event.at) < baselineMs) continue;
    return event;
  }
  return null;
}

/**
 * A new item's first ladder step, and how long its workflow may wait before
 * its first task runs: until `leadMs` before that step. A plan of thousands
 * of items then costs the server one durable timer each and the worker
 * nothing until an item's first reminder comes near; anyone acting on the
 * item (progress, a reschedule) sends an update, which runs the workflow at
 * once. No wait when the first step is nearer than the lead, or there is none.
 */
export function itemStartDelay(
  item: { dueAt: string; ladder: ItemLadderV1; timeZone: string },
  createdAtMs: number,
  leadMs: number,
): { firstStep: LadderEventV1 | null; delayMs: number } {
  const firstStep = nextLadderEvent(item.dueAt, item.ladder, item.timeZone, createdAtMs);
  return { firstStep, delayMs: firstStep ? Math.max(0, Date.parse(firstStep.at) - leadMs - createdAtMs) : 0 };
}
