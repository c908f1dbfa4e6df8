// When plan things happen, in city time: each plan month's snapshot and each
// recurring duty's period. Pure and deterministic (workflow-safe).
import type { ActionPlanInputV1, DutyCadenceV1, HolidayCalendarV1 } from '../contracts/plan';
import {
  addMonths,
  firstBusinessDayAt,
  formatYearMonth,
  lastBusinessDayOfMonth,
  parseCivilDate,
  parseWallTime,
  zonedTimeToInstant,
  type CivilDate,
} from './cityTime';

/**
 * Plan month `month` (1-based) covers the calendar month `month - 1` after the
 * start date's month; its snapshot is taken at the snapshot time on the first
 * business day of the following month.
 */
export function planMonthSchedule(
  input: Pick<ActionPlanInputV1, 'startDate' | 'timeZone' | 'snapshotLocalTime' | 'holidayCalendar'>,
  month: number,
): { period: string; snapshotAt: Date } {
  const start = parseCivilDate(input.startDate);
  const covered = addMonths(start.year, start.month, month - 1);
  const following = addMonths(start.year, start.month, month);
  return {
    period: formatYearMonth(covered.year, covered.month),
    snapshotAt: firstBusinessDayAt(following.year, following.month, parseWallTime(input.snapshotLocalTime), input.timeZone, input.holidayCalendar),
  };
}

/** The first and last plan month as calendar months: [first, last] inclusive. */
export function planCalendarSpan(startDate: string, months: number): { first: { year: number; month: number }; last: { year: number; month: number } } {
  const start = parseCivilDate(startDate);
  return { first: { year: start.year, month: start.month }, last: addMonths(start.year, start.month, months - 1) };
}

export interface DutyPeriod {
  /** "2027-03" for a monthly duty, "2027-Q1" for a quarterly one. */
  key: string;
  /** The duty's item falls due on the period's last business day at the duty's local time. */
  dueAt: string;
}

/** The period a duty fire (or any local date) belongs to. */
export function dutyPeriod(
  cadence: DutyCadenceV1,
  localDate: CivilDate,
  timeZone: string,
  dueLocalTime: string,
  calendar: HolidayCalendarV1,
): DutyPeriod {
  const quarter = Math.floor((localDate.month - 1) / 3) + 1;
  const lastMonth = cadence === 'MONTHLY' ? localDate.month : quarter * 3;
  const dueDate = lastBusinessDayOfMonth(localDate.year, lastMonth, calendar);
  return {
    key: cadence === 'MONTHLY' ? formatYearMonth(localDate.year, localDate.month) : `${localDate.year}-Q${quarter}`,
    dueAt: zonedTimeToInstant(dueDate, parseWallTime(dueLocalTime), timeZone).toISOString(),
  };
}

/** Calendar months (1..12) on which a duty's schedule fires. */
export function dutyMonths(cadence: DutyCadenceV1): number[] {
  return cadence === 'MONTHLY' ? [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] : [1, 4, 7, 10];
}
