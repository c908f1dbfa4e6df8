import { DEFAULT_POLICY } from '../../policy/index';
import type { ItemLadderV1 } from '../../domain/contracts/plan';
import { dutyPeriod, planMonthSchedule } from '../../domain/time/planCalendar';
import { itemLadderFromPolicy, itemStartDelay, ladderEvents, nextLadderEvent } from '../../domain/planLadder';

const CHICAGO = 'America/Chicago';

describe('itemLadderFromPolicy', () => {
  it('turns the policy ladder into day-based steps', () => {
    expect(itemLadderFromPolicy(DEFAULT_POLICY)).toEqual({
      reminderLocalTime: '09:00',
      reminders: [
        { key: 'reminder-14d', daysBefore: 14 },
        { key: 'reminder-3d', daysBefore: 3 },
        { key: 'reminder-1d', daysBefore: 1 },
      ],
      overdue: [
        { key: 'overdue-0d-owner', daysAfter: 0, notify: 'OWNER' },
        { key: 'overdue-3d-sponsor', daysAfter: 3, notify: 'SPONSOR' },
        { key: 'overdue-7d-city_manager', daysAfter: 7, notify: 'CITY_MANAGER' },
        { key: 'overdue-14d-board_digest', daysAfter: 14, notify: 'BOARD_DIGEST' },
      ],
    });
  });

  it('keeps sub-day policy durations in seconds', () => {
    const policy = {
      ...DEFAULT_POLICY,
      actionPlan: { ...DEFAULT_POLICY.actionPlan, reminders: [{ before: '90m' }], overdueLadder: [{ after: '2h', notify: 'OWNER' as const }] },
    };
    expect(itemLadderFromPolicy(policy)).toMatchObject({
      reminders: [{ key: 'reminder-90m', secondsBefore: 5400 }],
      overdue: [{ key: 'overdue-2h-owner', secondsAfter: 7200, notify: 'OWNER' }],
    });
  });
});

describe('ladderEvents', () => {
  const ladder = itemLadderFromPolicy(DEFAULT_POLICY);

  it('places reminders at 09:00 local and escalations at the due wall time, across fall-back', () => {
    // Due Monday 8 Nov 2027 at 12:00 CST; 7 November is the change back to standard time.
    const events = ladderEvents('2027-11-08T18:00:00Z', ladder, CHICAGO);
    expect(events.map((e) => [e.stepKey, e.at])).toEqual([
      ['reminder-14d', '2027-10-25T14:00:00.000Z'],
      ['reminder-3d', '2027-11-05T14:00:00.000Z'],
      ['reminder-1d', '2027-11-07T15:00:00.000Z'], // Sunday, the day of the change: 09:00 CST
      ['overdue-0d-owner', '2027-11-08T18:00:00.000Z'],
      ['overdue-3d-sponsor', '2027-11-11T18:00:00.000Z'],
      ['overdue-7d-city_manager', '2027-11-15T18:00:00.000Z'],
      ['overdue-14d-board_digest', '2027-11-22T18:00:00.000Z'],
    ]);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(events.every((e) => e.id.endsWith('@2027-11-08T18:00:00.000Z'))).toBe(true);
  });

  it('drops a reminder that would not come before the due time', () => {
    // Due at 08:00 local: a "0 days before" reminder at 09:00 would be after it.
    const early: ItemLadderV1 = { ...ladder, reminders: [{ key: 'same-day', daysBefore: 0 }, { key: 'day-before', daysBefore: 1 }] };
    const events = ladderEvents('2027-06-10T13:00:00Z', early, CHICAGO);
    expect(events.filter((e) => e.kind === 'REMINDER').map((e) => e.stepKey)).toEqual(['day-before']);
  });

  it('supports second-based test ladders', () => {
    const fast: ItemLadderV1 = {
      reminderLocalTime: '09:00',
      reminders: [{ key: 'r-60s', secondsBefore: 60 }],
      overdue: [{ key: 'o-30s', secondsAfter: 30, notify: 'SPONSOR' }],
    };
    expect(ladderEvents('2027-01-01T00:00:00Z', fast, CHICAGO).map((e) => [e.stepKey, e.at, e.notify])).toEqual([
      ['r-60s', '2026-12-31T23:59:00.000Z', 'OWNER'],
      ['o-30s', '2027-01-01T00:00:30.000Z', 'SPONSOR'],
    ]);
  });
});

describe('nextLadderEvent and itemStartDelay', () => {
  const ladder = itemLadderFromPolicy(DEFAULT_POLICY);
  const due = '2027-11-08T18:00:00Z';
  const item = { dueAt: due, ladder, timeZone: CHICAGO };
  const DAY = 86_400_000;

  it('skips handled steps and reminders already past when the due date was set, never escalations', () => {
    const created = Date.parse('2027-11-01T12:00:00Z'); // after the 14-day reminder, before the 3-day one
    expect(nextLadderEvent(due, ladder, CHICAGO, created)?.stepKey).toBe('reminder-3d');
    const handled = new Set(ladderEvents(due, ladder, CHICAGO).slice(1, 3).map((e) => e.id));
    expect(nextLadderEvent(due, ladder, CHICAGO, created, handled)?.stepKey).toBe('overdue-0d-owner');
    // Set after the due time: no reminder, the first escalation still comes.
    expect(nextLadderEvent(due, ladder, CHICAGO, Date.parse('2027-11-09T00:00:00Z'))?.stepKey).toBe('overdue-0d-owner');
    expect(nextLadderEvent(due, { ...ladder, overdue: [] }, CHICAGO, Date.parse('2027-11-09T00:00:00Z'))).toBeNull();
  });

  it('lets an item sleep until the lead before its first step, and not at all when that step is nearer', () => {
    const created = Date.parse('2027-09-01T12:00:00Z');
    // First step: the 14-day reminder, 2027-10-25 09:00 CDT.
    expect(itemStartDelay(item, created, DAY).delayMs).toBe(Date.parse('2027-10-25T14:00:00Z') - DAY - created);
    expect(itemStartDelay(item, created, DAY).firstStep?.stepKey).toBe('reminder-14d');
    expect(itemStartDelay(item, created, 0).delayMs).toBe(Date.parse('2027-10-25T14:00:00Z') - created);
    expect(itemStartDelay(item, Date.parse('2027-10-24T15:00:00Z'), DAY).delayMs).toBe(0);
    // Created between reminders: it sleeps until a day before the next one, not the passed one.
    expect(itemStartDelay(item, Date.parse('2027-11-01T12:00:00Z'), DAY).delayMs).toBe(Date.parse('2027-11-05T14:00:00Z') - DAY - Date.parse('2027-11-01T12:00:00Z'));
    expect(itemStartDelay({ ...item, ladder: { ...ladder, overdue: [] } }, Date.parse('2027-11-09T00:00:00Z'), DAY).delayMs).toBe(0);
  });
});

describe('planCalendar', () => {
  const plan = { startDate: '2027-01-01', timeZone: CHICAGO, snapshotLocalTime: '09:00', holidayCalendar: 'US_FEDERAL' as const };

  it('month k reports on the k-th calendar month and is taken on the next first business day', () => {
    expect(planMonthSchedule(plan, 1)).toEqual({ period: '2027-01', snapshotAt: new Date('2027-02-01T15:00:00Z') });
    expect(planMonthSchedule(plan, 4)).toEqual({ period: '2027-04', snapshotAt: new Date('2027-05-03T14:00:00Z') });
    expect(planMonthSchedule(plan, 12)).toEqual({ period: '2027-12', snapshotAt: new Date('2028-01-03T15:00:00Z') });
  });

  it('gives monthly and quarterly duty periods, due on their last business day', () => {
    expect(dutyPeriod('MONTHLY', { year: 2027, month: 10, day: 1 }, CHICAGO, '17:00', 'US_FEDERAL')).toEqual({
      key: '2027-10',
      dueAt: '2027-10-29T22:00:00.000Z', // 31 Oct is a Sunday
    });
    expect(dutyPeriod('QUARTERLY', { year: 2027, month: 11, day: 1 }, CHICAGO, '17:00', 'US_FEDERAL')).toEqual({
      key: '2027-Q4',
      dueAt: '2027-12-30T23:00:00.000Z', // 31 Dec is the observed New Year holiday
    });
  });
});
