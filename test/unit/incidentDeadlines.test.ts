import { DEFAULT_POLICY } from '../../policy';
import {
  applyDeadlineEvent,
  deadlineForStatement,
  deadlinesForAnchor,
  dueDeadlineEvents,
  extend,
  extensionProblem,
  isSettled,
  markDelivered,
  nextDeadlineWakeAt,
  nextRecurringDeadline,
  reminderTimes,
  ruleLookupFor,
  type TrackedDeadline,
} from '../../domain/deadlines';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-11-23T15:00:00.000Z');
const ruleOf = ruleLookupFor(DEFAULT_POLICY);

const byKey = (ds: TrackedDeadline[], key: string) => ds.find((d) => d.key === key)!;

/** Runs the engine the way the workflow does: wake, handle due events, sleep until the next. */
function simulate(start: TrackedDeadline[], until: number) {
  let ds = start;
  let now = T0;
  const log: { at: number; type: string; key: string; step?: number }[] = [];
  for (;;) {
    for (const e of dueDeadlineEvents(ds, ruleOf, now)) {
      log.push({ at: now, type: e.type, key: e.key, step: e.type === 'ESCALATION' ? e.step : undefined });
      ds = ds.map((d) => (d.key === e.key ? applyDeadlineEvent(d, e, now) : d));
    }
    const next = nextDeadlineWakeAt(ds, ruleOf, now);
    if (next === null || next > until) return { ds, log };
    now = next;
  }
}

describe('deadline engine', () => {
  it('creates the sev-1 SOP deadlines from the declaration', () => {
    const ds = deadlinesForAnchor(DEFAULT_POLICY, 1, 'DECLARED', T0);
    expect(ds.map((d) => [d.key, (Date.parse(d.dueAt) - T0) / HOUR])).toEqual([
      ['holding_statement', 1],
      ['press_conference', 24],
      ['public_update_1', 7 * 24],
      ['preliminary_report', 30 * 24],
      ['final_report', 90 * 24],
    ]);
    expect(deadlinesForAnchor(DEFAULT_POLICY, 3, 'DECLARED', T0).map((d) => d.key)).not.toContain('press_conference');
    expect(byKey(deadlinesForAnchor(DEFAULT_POLICY, 2, 'DECLARED', T0), 'holding_statement').dueAt).toBe(new Date(T0 + 4 * HOUR).toISOString());
    expect(deadlinesForAnchor(DEFAULT_POLICY, 1, 'CLOSED', T0).map((d) => d.key)).toEqual(['after_action_review']);
  });

  it('reminds at 50% and 90% of a 1-hour holding statement, then goes overdue and climbs the ladder', () => {
    const holding = deadlinesForAnchor(DEFAULT_POLICY, 1, 'DECLARED', T0).filter((d) => d.key === 'holding_statement');
    expect(reminderTimes(holding[0], ruleOf(holding[0])).map((t) => (t - T0) / MIN)).toEqual([30, 54]);
    const { ds, log } = simulate(holding, T0 + DAY);
    expect(log.map((l) => [(l.at - T0) / MIN, l.type, l.step])).toEqual([
      [30, 'REMINDER', undefined],
      [54, 'REMINDER', undefined],
      [60, 'OVERDUE', undefined],
      [60, 'ESCALATION', 0],
      [90, 'ESCALATION', 1],
      [180, 'ESCALATION', 2],
    ]);
    expect(ds[0]).toMatchObject({ status: 'MISSED', overdueAt: holding[0].dueAt, remindersSent: 2, escalationsSent: 3 });
    expect(isSettled(ds[0], ruleOf)).toBe(true);
  });

  it('sends only the latest reminder when several were missed, and no reminders once overdue', () => {
    const [d] = deadlinesForAnchor(DEFAULT_POLICY, 1, 'DECLARED', T0).filter((x) => x.key === 'holding_statement');
    const late = dueDeadlineEvents([d], ruleOf, T0 + 55 * MIN);
    expect(late).toEqual([expect.objectContaining({ type: 'REMINDER', at: T0 + 54 * MIN, number: 1 })]);
    const after = dueDeadlineEvents([d], ruleOf, T0 + 61 * MIN).map((e) => e.type);
    expect(after).toEqual(['OVERDUE', 'ESCALATION']);
  });

  it('stops escalating once the deliverable arrives late, and an on-time delivery is MET', () => {
    const [d] = deadlinesForAnchor(DEFAULT_POLICY, 1, 'DECLARED', T0).filter((x) => x.key === 'holding_statement');
    const missed = applyDeadlineEvent(d, { type: 'OVERDUE', key: d.key, at: T0 + HOUR }, T0 + HOUR);
    const late = markDelivered(missed, T0 + 70 * MIN);
    expect(late).toMatchObject({ status: 'MISSED', metAt: new Date(T0 + 70 * MIN).toISOString() });
    expect(nextDeadlineWakeAt([late], ruleOf, T0 + 70 * MIN)).toBeNull();
    expect(dueDeadlineEvents([late], ruleOf, T0 + 5 * HOUR)).toEqual([]);
    expect(markDelivered(d, T0 + 10 * MIN)).toMatchObject({ status: 'MET' });
  });

  it('extends only later, only while open, and re-times reminders ahead of now', () => {
    const [d] = deadlinesForAnchor(DEFAULT_POLICY, 1, 'DECLARED', T0).filter((x) => x.key === 'holding_statement');
    expect(extensionProblem(d, new Date(T0 + 30 * MIN).toISOString())).toBe('NOT_LATER');
    expect(extensionProblem(d, 'tomorrow')).toBe('INVALID_TIME');
    const afterFirst = applyDeadlineEvent(d, { type: 'REMINDER', key: d.key, at: T0 + 30 * MIN, number: 1, notify: ['PIO'] }, T0 + 30 * MIN);
    const moved = extend(afterFirst, new Date(T0 + 3 * HOUR).toISOString(), 'waiting for the county prosecutor', T0 + 40 * MIN);
    expect(moved.originalDueAt).toBe(d.dueAt);
    // New window T0..T0+3h: reminders at 90 and 162 minutes; nothing fires at the old due time.
    expect(nextDeadlineWakeAt([moved], ruleOf, T0 + 40 * MIN)).toBe(T0 + 90 * MIN);
    expect(dueDeadlineEvents([moved], ruleOf, T0 + 61 * MIN)).toEqual([]);
    const missed = applyDeadlineEvent(moved, { type: 'OVERDUE', key: d.key, at: T0 + 3 * HOUR }, T0 + 3 * HOUR);
    expect(extensionProblem(missed, new Date(T0 + 5 * HOUR).toISOString())).toBe('NOT_OPEN');
  });

  it('rolls public updates: next cycle 7 days after delivery, or after the due time if missed', () => {
    const [first] = deadlinesForAnchor(DEFAULT_POLICY, 1, 'DECLARED', T0).filter((x) => x.kind === 'PUBLIC_UPDATE');
    const rule = ruleOf(first);
    expect(nextRecurringDeadline(first, rule)).toBeNull();
    const met = markDelivered(first, T0 + 5 * DAY);
    const second = nextRecurringDeadline(met, rule)!;
    expect(second).toMatchObject({ key: 'public_update_2', cycle: 2, status: 'OPEN', title: 'Public update 2' });
    expect(Date.parse(second.dueAt)).toBe(T0 + 12 * DAY);
    const missed = applyDeadlineEvent(second, { type: 'OVERDUE', key: second.key, at: T0 + 12 * DAY }, T0 + 12 * DAY);
    expect(Date.parse(nextRecurringDeadline(missed, rule)!.dueAt)).toBe(T0 + 19 * DAY);
  });

  it('matches a statement to the open deadline of its kind not already claimed', () => {
    const ds = deadlinesForAnchor(DEFAULT_POLICY, 1, 'DECLARED', T0);
    expect(deadlineForStatement(ds, 'HOLDING_STATEMENT', new Set())?.key).toBe('holding_statement');
    expect(deadlineForStatement(ds, 'HOLDING_STATEMENT', new Set(['holding_statement']))).toBeNull();
    const missed = ds.map((d) => (d.key === 'holding_statement' ? applyDeadlineEvent(d, { type: 'OVERDUE', key: d.key, at: T0 + HOUR }, T0 + HOUR) : d));
    expect(deadlineForStatement(missed, 'HOLDING_STATEMENT', new Set())?.key).toBe('holding_statement');
    expect(deadlineForStatement(ds, 'AFTER_ACTION_REVIEW', new Set())).toBeNull();
  });

  it('wakes for the earliest event across all deadlines', () => {
    const ds = deadlinesForAnchor(DEFAULT_POLICY, 1, 'DECLARED', T0);
    expect(nextDeadlineWakeAt(ds, ruleOf, T0)).toBe(T0 + 30 * MIN);
    const { log } = simulate(ds, T0 + 31 * DAY);
    const prelim = log.filter((l) => l.key === 'preliminary_report').map((l) => [(l.at - T0) / DAY, l.type]);
    expect(prelim).toEqual([
      [23, 'REMINDER'],
      [29, 'REMINDER'],
      [30, 'OVERDUE'],
      [30, 'ESCALATION'],
      [31, 'ESCALATION'],
    ]);
  });
});
