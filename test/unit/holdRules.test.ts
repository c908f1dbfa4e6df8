// The pure rules of counsel's holds (domain/holds.ts) and how the deadline
// engine treats a held deadline: what a hold covers, its reminders and lapse,
// and how a stopped clock starts again under RESUME and RESTART.
import type { HoldStateV1 } from '../../domain/contracts/holds';
import { deadlinesForAnchor, dueDeadlineEvents, escalationTimes, nextDeadlineWakeAt, ruleLookupFor, type TrackedDeadline } from '../../domain/deadlines';
import { dueHoldEvents, holdCoveringDeadline, holdReminderTimes, nextHoldWakeAt, restartClock, sameScope, scopeCovers, stopClock } from '../../domain/holds';
import { isDeadlineOverdue } from '../../domain/overdue';
import { DEFAULT_POLICY } from '../../policy';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-12-01T15:00:00Z');
const iso = (t: number) => new Date(t).toISOString();
const holds = DEFAULT_POLICY.holds!;
const ruleOf = ruleLookupFor(DEFAULT_POLICY);

const hold = (over: Partial<HoldStateV1> = {}): HoldStateV1 => ({
  holdId: 'h1',
  scope: { kind: 'ALL' },
  category: 'LITIGATION',
  status: 'ACTIVE',
  placedAt: iso(T0),
  placedById: 'attorney',
  lapsesAt: iso(T0 + 14 * DAY),
  remindersSent: 0,
  endedAt: null,
  endedById: null,
  ...over,
});

/** Severity 2: holding statement due at 4 h, press conference none, public update at 7 d, reports at 30 and 90 d. */
const sev2 = (): TrackedDeadline[] => deadlinesForAnchor(DEFAULT_POLICY, 2, 'DECLARED', T0);
const byKey = (ds: TrackedDeadline[], key: string) => ds.find((d) => d.key === key)!;

describe('what a hold covers', () => {
  it('everything, every statement of a kind, or one statement and the deadline it answers', () => {
    expect(scopeCovers({ kind: 'ALL' }, { statementKind: 'FINAL_REPORT' })).toBe(true);
    expect(scopeCovers({ kind: 'STATEMENT_KIND', statementKind: 'FINAL_REPORT' }, { statementKind: 'FINAL_REPORT', statementId: 's1' })).toBe(true);
    expect(scopeCovers({ kind: 'STATEMENT_KIND', statementKind: 'FINAL_REPORT' }, { statementKind: 'PUBLIC_UPDATE' })).toBe(false);
    expect(scopeCovers({ kind: 'STATEMENT', statementId: 's1' }, { statementKind: 'PUBLIC_UPDATE', statementId: 's1' })).toBe(true);
    expect(scopeCovers({ kind: 'STATEMENT', statementId: 's1' }, { statementKind: 'PUBLIC_UPDATE', statementId: 's2' })).toBe(false);

    const deadlines = sev2();
    const one = hold({ holdId: 'one', scope: { kind: 'STATEMENT', statementId: 's1' } });
    const statements = [{ statementId: 's1', deadlineKey: 'holding_statement' }];
    expect(holdCoveringDeadline(byKey(deadlines, 'holding_statement'), [one], statements)?.holdId).toBe('one');
    expect(holdCoveringDeadline(byKey(deadlines, 'final_report'), [one], statements)).toBeUndefined();
    const reports = hold({ holdId: 'reports', scope: { kind: 'STATEMENT_KIND', statementKind: 'FINAL_REPORT' } });
    expect(holdCoveringDeadline(byKey(deadlines, 'final_report'), [one, reports], statements)?.holdId).toBe('reports');
    // Ended holds cover nothing; of two, the earliest placed is named.
    expect(holdCoveringDeadline(byKey(deadlines, 'final_report'), [{ ...reports, status: 'RELEASED' }], [])).toBeUndefined();
    const later = hold({ holdId: 'later', placedAt: iso(T0 + HOUR) });
    expect(holdCoveringDeadline(byKey(deadlines, 'final_report'), [later, hold({ holdId: 'first' })], [])?.holdId).toBe('first');
    expect(sameScope({ kind: 'STATEMENT_KIND', statementKind: 'A' }, { kind: 'STATEMENT_KIND', statementKind: 'A' })).toBe(true);
    expect(sameScope({ kind: 'STATEMENT_KIND', statementKind: 'A' }, { kind: 'ALL' })).toBe(false);
  });
});

describe("a held deadline's clock", () => {
  it('has no events and wakes nobody while held; is not overdue past its due time', () => {
    const held = sev2().map((d) => stopClock(d, 'h1', T0 + HOUR));
    expect(dueDeadlineEvents(held, ruleOf, T0 + 40 * DAY)).toEqual([]);
    expect(nextDeadlineWakeAt(held, ruleOf, T0 + HOUR)).toBeNull();
    const holding = byKey(held, 'holding_statement');
    expect(isDeadlineOverdue({ status: holding.status, dueAt: holding.dueAt, heldSince: holding.heldSince }, T0 + DAY)).toBe(false);
    expect(isDeadlineOverdue({ status: holding.status, dueAt: holding.dueAt }, T0 + DAY)).toBe(true);
    // Held twice: the first instant stays, the hold named is the latest covering one.
    expect(stopClock(holding, 'h2', T0 + 2 * HOUR)).toMatchObject({ heldSince: iso(T0 + HOUR), heldBy: 'h2' });
  });

  it('RESUME gives back the time left when the hold began, never less than atLeast', () => {
    const holding = stopClock(byKey(sev2(), 'holding_statement'), 'h1', T0 + HOUR); // 3 h were left
    const released = T0 + 2 * DAY;
    const resumed = restartClock(holding, { clock: 'RESUME', atLeast: '1h' }, released);
    expect(resumed).toMatchObject({ dueAt: iso(released + 3 * HOUR), heldSince: null, heldBy: null, originalDueAt: iso(T0 + 4 * HOUR) });
    // The window moves with it: the 50% and 90% reminders fall in the new window's proportions.
    expect(Date.parse(resumed.windowStartAt)).toBe(T0 + 2 * DAY - HOUR);
    expect(restartClock(holding, { clock: 'RESUME', atLeast: '4h' }, released).dueAt).toBe(iso(released + 4 * HOUR));
    // Past due when held (a pass had not yet marked it): at least atLeast.
    const late = stopClock(byKey(sev2(), 'holding_statement'), 'h1', T0 + 5 * HOUR);
    expect(restartClock(late, { clock: 'RESUME', atLeast: '4h' }, released).dueAt).toBe(iso(released + 4 * HOUR));
  });

  it('RESTART gives the whole window again from the release', () => {
    const update = stopClock(byKey(sev2(), 'public_update_1'), 'h1', T0 + 6 * DAY);
    const released = T0 + 10 * DAY;
    const restarted = restartClock(update, { clock: 'RESTART', atLeast: '4h' }, released);
    expect(restarted).toMatchObject({ dueAt: iso(released + 7 * DAY), windowStartAt: iso(released), remindersHandledUntil: iso(released) });
  });

  it("a missed deadline stays missed; its ladder resumes shifted by the time it was held", () => {
    const holding = { ...byKey(sev2(), 'holding_statement'), status: 'MISSED' as const, overdueAt: iso(T0 + 4 * HOUR), escalationsSent: 1 };
    const rule = ruleOf(holding);
    const before = escalationTimes(holding, rule);
    const held = stopClock(holding, 'h1', T0 + 5 * HOUR);
    expect(dueDeadlineEvents([held], ruleOf, T0 + 3 * DAY)).toEqual([]);
    const resumed = restartClock(held, holds.onRelease, T0 + 2 * DAY + 5 * HOUR);
    expect(resumed.status).toBe('MISSED');
    expect(resumed.dueAt).toBe(holding.dueAt);
    expect(escalationTimes(resumed, rule)).toEqual(before.map((t) => t + 2 * DAY));
  });
});

describe("a hold's own clock", () => {
  it('reminds before the lapse (3 days and 1 day), sends only the latest of those that fell due together, then lapses', () => {
    const h = hold();
    expect(holdReminderTimes(h, holds)).toEqual([T0 + 11 * DAY, T0 + 13 * DAY]);
    expect(nextHoldWakeAt([h], holds, T0)).toBe(T0 + 11 * DAY);
    expect(dueHoldEvents([h], holds, T0 + 11 * DAY)).toEqual([{ type: 'REMINDER', holdId: 'h1', at: T0 + 11 * DAY, number: 1, handled: 1 }]);
    // A worker outage over both reminder times: one reminder (the latest), both dealt with.
    expect(dueHoldEvents([h], holds, T0 + 13 * DAY + HOUR)).toEqual([{ type: 'REMINDER', holdId: 'h1', at: T0 + 13 * DAY, number: 1, handled: 2 }]);
    expect(nextHoldWakeAt([{ ...h, remindersSent: 2 }], holds, T0 + 13 * DAY + HOUR)).toBe(T0 + 14 * DAY);
    expect(dueHoldEvents([h], holds, T0 + 14 * DAY)).toEqual([{ type: 'LAPSE', holdId: 'h1', at: T0 + 14 * DAY }]);
    expect(dueHoldEvents([{ ...h, status: 'RELEASED' }], holds, T0 + 14 * DAY)).toEqual([]);
    expect(nextHoldWakeAt([{ ...h, status: 'RELEASED' }], holds, T0)).toBeNull();
  });
});
