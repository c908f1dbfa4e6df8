// City-time arithmetic for workflows: "09:00 America/Chicago on date D",
// "first business day of month M". Pure functions over Intl and Date.UTC, so
// they are deterministic inside the workflow sandbox (no clock is read here;
// callers pass workflow time in). Calendar arithmetic is done on civil dates,
// never by adding 24-hour blocks, so a DST change cannot move 09:00 to 08:00
// or 10:00, and every local day maps to exactly one instant.

export interface CivilDate {
  year: number;
  /** 1..12 */
  month: number;
  /** 1..31 */
  day: number;
}

export interface WallTime {
  hour: number;
  minute: number;
}

export interface ZonedParts extends CivilDate, WallTime {
  second: number;
  /** 0 = Sunday .. 6 = Saturday, of the local date. */
  weekday: number;
}

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // Throws RangeError for an unknown zone, which is what callers want.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The local calendar date and wall-clock time of an instant in a zone. */
export function zonedParts(instant: Date | number, timeZone: string): ZonedParts {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const date = { year: fields.year, month: fields.month, day: fields.day };
  return {
    ...date,
    // Some ICU builds still print midnight as 24 despite h23.
    hour: fields.hour === 24 ? 0 : fields.hour,
    minute: fields.minute,
    second: fields.second,
    weekday: weekdayOf(date),
  };
}

/** Local time minus UTC, in minutes, at an instant (e.g. -300 for CDT, -360 for CST). */
export function utcOffsetMinutes(instant: Date | number, timeZone: string): number {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  const p = zonedParts(ms, timeZone);
  const asIfUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  const wholeSeconds = Math.floor(ms / 1000) * 1000;
  return Math.round((asIfUtc - wholeSeconds) / MS_PER_MINUTE);
}

/**
 * The instant at which the wall clock in `timeZone` shows `time` on `date`.
 * A wall time skipped by a spring-forward gap resolves to the instant just
 * after the gap (02:30 -> 03:30 CDT); a wall time repeated by a fall-back
 * overlap resolves to its first occurrence. Both match ISO/Temporal
 * "compatible" disambiguation, so the answer is unique and stable.
 */
export function zonedTimeToInstant(date: CivilDate, time: WallTime, timeZone: string): Date {
  const naive = Date.UTC(date.year, date.month - 1, date.day, time.hour, time.minute);
  // A zone changes offset at most once in any 48-hour window around the target.
  const offsetBefore = utcOffsetMinutes(naive - MS_PER_DAY, timeZone);
  const offsetAfter = utcOffsetMinutes(naive + MS_PER_DAY, timeZone);
  const candidates = [naive - offsetBefore * MS_PER_MINUTE, naive - offsetAfter * MS_PER_MINUTE]
    .filter((ms) => {
      const p = zonedParts(ms, timeZone);
      return p.year === date.year && p.month === date.month && p.day === date.day && p.hour === time.hour && p.minute === time.minute;
    })
    .sort((a, b) => a - b);
  if (candidates.length > 0) return new Date(candidates[0]);
  return new Date(naive - offsetBefore * MS_PER_MINUTE);
}

// ------------------------------------------------------------ civil dates

export function civilDate(year: number, month: number, day: number): CivilDate {
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) {
    throw new RangeError(`not a calendar date: ${year}-${month}-${day}`);
  }
  return { year, month, day };
}

export function addDays(date: CivilDate, days: number): CivilDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Month arithmetic on (year, month) pairs; month is 1..12. */
export function addMonths(year: number, month: number, months: number): { year: number; month: number } {
  const index = year * 12 + (month - 1) + months;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function weekdayOf(date: CivilDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

export function formatCivilDate(date: CivilDate): string {
  return `${String(date.year).padStart(4, '0')}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

/** "YYYY-MM" */
export function formatYearMonth(year: number, month: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

export function parseCivilDate(text: string): CivilDate {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) throw new RangeError(`expected YYYY-MM-DD, got ${JSON.stringify(text)}`);
  return civilDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

export function parseWallTime(text: string): WallTime {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (!m) throw new RangeError(`expected HH:MM (24-hour), got ${JSON.stringify(text)}`);
  return { hour: Number(m[1]), minute: Number(m[2]) };
}

/** The local calendar date of an instant in a zone. */
export function localDateOf(instant: Date | number, timeZone: string): CivilDate {
  const p = zonedParts(instant, timeZone);
  return { year: p.year, month: p.month, day: p.day };
}

/** The same local wall-clock time, `days` calendar days later (negative: earlier). */
export function shiftLocalDays(instant: Date | number, days: number, timeZone: string): Date {
  const p = zonedParts(instant, timeZone);
  return zonedTimeToInstant(addDays(p, days), { hour: p.hour, minute: p.minute }, timeZone);
}

// ------------------------------------------------------------ business days

export type HolidayCalendar = 'US_FEDERAL' | 'NONE';

function nthWeekdayOfMonth(year: number, month: number, weekday: number, n: number): CivilDate {
  const firstWeekday = weekdayOf({ year, month, day: 1 });
  const day = 1 + ((weekday - firstWeekday + 7) % 7) + (n - 1) * 7;
  return { year, month, day };
}

function lastWeekdayOfMonth(year: number, month: number, weekday: number): CivilDate {
  const last = daysInMonth(year, month);
  const lastWeekday = weekdayOf({ year, month, day: last });
  return { year, month, day: last - ((lastWeekday - weekday + 7) % 7) };
}

/** A fixed-date holiday falling on Saturday is observed Friday; on Sunday, Monday (5 U.S.C. 6103). */
function observed(date: CivilDate): CivilDate {
  const wd = weekdayOf(date);
  if (wd === 6) return addDays(date, -1);
  if (wd === 0) return addDays(date, 1);
  return date;
}

/** U.S. federal holidays as observed, for one calendar year. */
export function usFederalHolidays(year: number): CivilDate[] {
  const MONDAY = 1;
  const THURSDAY = 4;
  return [
    observed({ year, month: 1, day: 1 }),
    nthWeekdayOfMonth(year, 1, MONDAY, 3), // Birthday of Martin Luther King, Jr.
    nthWeekdayOfMonth(year, 2, MONDAY, 3), // Washington's Birthday
    lastWeekdayOfMonth(year, 5, MONDAY), // Memorial Day
    observed({ year, month: 6, day: 19 }), // Juneteenth
    observed({ year, month: 7, day: 4 }),
    nthWeekdayOfMonth(year, 9, MONDAY, 1), // Labor Day
    nthWeekdayOfMonth(year, 10, MONDAY, 2), // Columbus Day
    observed({ year, month: 11, day: 11 }),
    nthWeekdayOfMonth(year, 11, THURSDAY, 4), // Thanksgiving
    observed({ year, month: 12, day: 25 }),
    // New Year's Day of the next year, observed on Dec 31 when Jan 1 is a Saturday.
    observed({ year: year + 1, month: 1, day: 1 }),
  ].filter((d) => d.year === year);
}

export function isHoliday(date: CivilDate, calendar: HolidayCalendar): boolean {
  if (calendar === 'NONE') return false;
  return usFederalHolidays(date.year).some((h) => h.month === date.month && h.day === date.day);
}

export function isBusinessDay(date: CivilDate, calendar: HolidayCalendar = 'US_FEDERAL'): boolean {
  const wd = weekdayOf(date);
  return wd !== 0 && wd !== 6 && !isHoliday(date, calendar);
}

/**
 * The business day `days` business days after `date` (the day itself does not
 * count, so a Saturday plus 1 is the Monday): "within 10 business days".
 */
export function addBusinessDays(date: CivilDate, days: number, calendar: HolidayCalendar = 'US_FEDERAL'): CivilDate {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`business days must be a whole number from 0, got ${days}`);
  let result = date;
  for (let left = days; left > 0; ) {
    result = addDays(result, 1);
    if (isBusinessDay(result, calendar)) left -= 1;
  }
  return result;
}

export function firstBusinessDayOfMonth(year: number, month: number, calendar: HolidayCalendar = 'US_FEDERAL'): CivilDate {
  let date: CivilDate = { year, month, day: 1 };
  while (!isBusinessDay(date, calendar)) date = addDays(date, 1);
  return date;
}

export function lastBusinessDayOfMonth(year: number, month: number, calendar: HolidayCalendar = 'US_FEDERAL'): CivilDate {
  let date: CivilDate = { year, month, day: daysInMonth(year, month) };
  while (!isBusinessDay(date, calendar)) date = addDays(date, -1);
  return date;
}

/** "09:00 city time on the first business day of month (year, month)". */
export function firstBusinessDayAt(
  year: number,
  month: number,
  time: WallTime,
  timeZone: string,
  calendar: HolidayCalendar = 'US_FEDERAL',
): Date {
  return zonedTimeToInstant(firstBusinessDayOfMonth(year, month, calendar), time, timeZone);
}

/** ISO string with the zone's offset, for messages people read (2027-03-15T09:00:00-05:00). */
export function formatLocalIso(instant: Date | number, timeZone: string): string {
  const p = zonedParts(instant, timeZone);
  const offset = utcOffsetMinutes(instant, timeZone);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${formatCivilDate(p)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
