// A plan start for tests on the running system (no time skipping there) that
// want the plan workflow's monthly snapshot, and what follows it, at once.
import { currentPolicy } from '../../policy';
import { planMonthSchedule } from '../../domain/time/planCalendar';

/**
 * A plan start ("YYYY-MM-01") whose first monthly snapshot time has passed and
 * whose second has not, so the plan workflow publishes exactly one snapshot at
 * start. Usually last month; early on a month's first business day, the month before.
 */
export function startWithOneSnapshotDue(timeZone: string): string {
  const [year, month] = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).format(new Date()).split('-').map(Number);
  const monthsBack = (n: number) => {
    const index = year * 12 + (month - 1) - n;
    return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`;
  };
  const schedule = (startDate: string, m: number) =>
    planMonthSchedule({ startDate, timeZone, snapshotLocalTime: currentPolicy().actionPlan.dashboard.time, holidayCalendar: 'US_FEDERAL' }, m).snapshotAt.getTime();
  const now = Date.now();
  const startDate = [1, 2].map(monthsBack).find((d) => schedule(d, 1) <= now && schedule(d, 2) > now + 5 * 60_000);
  if (!startDate) throw new Error('no plan start with exactly one snapshot due; the test clock is unusual');
  return startDate;
}
