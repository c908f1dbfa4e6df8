import {
  addDays,
  addMonths,
  civilDate,
  firstBusinessDayAt,
  firstBusinessDayOfMonth,
  formatCivilDate,
  formatLocalIso,
  isBusinessDay,
  localDateOf,
  parseCivilDate,
  parseWallTime,
  shiftLocalDays,
  usFederalHolidays,
  utcOffsetMinutes,
  zonedParts,
  zonedTimeToInstant,
} from '../../domain/time/cityTime';

const CHICAGO = 'America/Chicago';
const nine = { hour: 9, minute: 0 };

describe('zonedTimeToInstant around the 2027 DST changes (America/Chicago)', () => {
  it('09:00 is 15:00Z in CST and 14:00Z in CDT, on each side of 14 March 2027', () => {
    expect(zonedTimeToInstant(civilDate(2027, 3, 13), nine, CHICAGO).toISOString()).toBe('2027-03-13T15:00:00.000Z');
    expect(zonedTimeToInstant(civilDate(2027, 3, 14), nine, CHICAGO).toISOString()).toBe('2027-03-14T14:00:00.000Z');
    expect(zonedTimeToInstant(civilDate(2027, 3, 15), nine, CHICAGO).toISOString()).toBe('2027-03-15T14:00:00.000Z');
  });

  it('09:00 returns to 15:00Z after 7 November 2027', () => {
    expect(zonedTimeToInstant(civilDate(2027, 11, 6), nine, CHICAGO).toISOString()).toBe('2027-11-06T14:00:00.000Z');
    expect(zonedTimeToInstant(civilDate(2027, 11, 7), nine, CHICAGO).toISOString()).toBe('2027-11-07T15:00:00.000Z');
    expect(zonedTimeToInstant(civilDate(2027, 11, 8), nine, CHICAGO).toISOString()).toBe('2027-11-08T15:00:00.000Z');
  });

  it('a wall time inside the spring-forward gap resolves to the instant after the gap', () => {
    // 02:30 on 14 March 2027 does not exist in Chicago; clocks jump 02:00 CST -> 03:00 CDT at 08:00Z.
    const instant = zonedTimeToInstant(civilDate(2027, 3, 14), { hour: 2, minute: 30 }, CHICAGO);
    expect(instant.toISOString()).toBe('2027-03-14T08:30:00.000Z');
    expect(formatLocalIso(instant, CHICAGO)).toBe('2027-03-14T03:30:00-05:00');
  });

  it('a wall time repeated by the fall-back overlap resolves to its first occurrence', () => {
    // 01:30 on 7 November 2027 happens at 06:30Z (CDT) and again at 07:30Z (CST).
    expect(zonedTimeToInstant(civilDate(2027, 11, 7), { hour: 1, minute: 30 }, CHICAGO).toISOString()).toBe(
      '2027-11-07T06:30:00.000Z',
    );
  });

  it('every 09:00 of 2027 maps to exactly one instant whose local reading is 09:00 on that day', () => {
    const seen = new Set<number>();
    let date = civilDate(2027, 1, 1);
    for (let i = 0; i < 365; i++) {
      const instant = zonedTimeToInstant(date, nine, CHICAGO);
      const back = zonedParts(instant, CHICAGO);
      expect([back.year, back.month, back.day, back.hour, back.minute]).toEqual([date.year, date.month, date.day, 9, 0]);
      seen.add(instant.getTime());
      date = addDays(date, 1);
    }
    expect(seen.size).toBe(365);
  });

  it('works for zones east of UTC and for UTC itself', () => {
    expect(zonedTimeToInstant(civilDate(2027, 3, 28), nine, 'Europe/Berlin').toISOString()).toBe('2027-03-28T07:00:00.000Z');
    expect(zonedTimeToInstant(civilDate(2027, 3, 27), nine, 'Europe/Berlin').toISOString()).toBe('2027-03-27T08:00:00.000Z');
    expect(zonedTimeToInstant(civilDate(2027, 3, 27), nine, 'UTC').toISOString()).toBe('2027-03-27T09:00:00.000Z');
  });

  it('rejects an unknown zone', () => {
    expect(() => zonedTimeToInstant(civilDate(2027, 1, 1), nine, 'Mars/Olympus_Mons')).toThrow(RangeError);
  });
});

describe('utcOffsetMinutes and zonedParts', () => {
  it('reports the offset on each side of both transitions', () => {
    expect(utcOffsetMinutes(Date.parse('2027-03-14T07:59:00Z'), CHICAGO)).toBe(-360);
    expect(utcOffsetMinutes(Date.parse('2027-03-14T08:00:00Z'), CHICAGO)).toBe(-300);
    expect(utcOffsetMinutes(Date.parse('2027-11-07T06:59:00Z'), CHICAGO)).toBe(-300);
    expect(utcOffsetMinutes(Date.parse('2027-11-07T07:00:00Z'), CHICAGO)).toBe(-360);
  });

  it('gives the local date, which differs from the UTC date late in the evening', () => {
    expect(formatCivilDate(localDateOf(Date.parse('2027-07-01T03:30:00Z'), CHICAGO))).toBe('2027-06-30');
    expect(zonedParts(Date.parse('2027-07-01T05:00:00Z'), CHICAGO)).toMatchObject({ day: 1, hour: 0, weekday: 4 });
  });
});

describe('shiftLocalDays keeps the wall-clock time across DST', () => {
  it('17:00 CST minus 1 day across spring-forward is still 17:00 local', () => {
    const due = zonedTimeToInstant(civilDate(2027, 3, 15), { hour: 17, minute: 0 }, CHICAGO);
    expect(formatLocalIso(shiftLocalDays(due, -1, CHICAGO), CHICAGO)).toBe('2027-03-14T17:00:00-05:00');
    expect(formatLocalIso(shiftLocalDays(due, -3, CHICAGO), CHICAGO)).toBe('2027-03-12T17:00:00-06:00');
    // 24-hour arithmetic would have given 16:00 CST here.
    expect(shiftLocalDays(due, -3, CHICAGO).getTime()).not.toBe(due.getTime() - 3 * 86_400_000);
  });

  it('+7 days across fall-back lands on the same local time', () => {
    const due = zonedTimeToInstant(civilDate(2027, 11, 3), { hour: 9, minute: 0 }, CHICAGO);
    expect(formatLocalIso(shiftLocalDays(due, 7, CHICAGO), CHICAGO)).toBe('2027-11-10T09:00:00-06:00');
  });
});

describe('business days', () => {
  it('knows weekends', () => {
    expect(isBusinessDay(civilDate(2027, 5, 1))).toBe(false); // Saturday
    expect(isBusinessDay(civilDate(2027, 5, 2))).toBe(false); // Sunday
    expect(isBusinessDay(civilDate(2027, 5, 3))).toBe(true); // Monday
  });

  it('lists the 2027 federal holidays as observed', () => {
    expect(usFederalHolidays(2027).map(formatCivilDate)).toEqual([
      '2027-01-01',
      '2027-01-18',
      '2027-02-15',
      '2027-05-31',
      '2027-06-18', // Juneteenth falls on a Saturday
      '2027-07-05', // the Fourth falls on a Sunday
      '2027-09-06',
      '2027-10-11',
      '2027-11-11',
      '2027-11-25',
      '2027-12-24', // Christmas falls on a Saturday
      '2027-12-31', // New Year's Day 2028 falls on a Saturday
    ]);
  });

  it('first business day of every month of 2027 (and January 2028)', () => {
    const firsts = [];
    for (let m = 1; m <= 13; m++) {
      const { year, month } = addMonths(2027, 1, m - 1);
      firsts.push(formatCivilDate(firstBusinessDayOfMonth(year, month)));
    }
    expect(firsts).toEqual([
      '2027-01-04', // Jan 1 is a holiday (Friday), then a weekend
      '2027-02-01',
      '2027-03-01',
      '2027-04-01',
      '2027-05-03', // May 1 is a Saturday
      '2027-06-01',
      '2027-07-01',
      '2027-08-02', // Aug 1 is a Sunday
      '2027-09-01',
      '2027-10-01',
      '2027-11-01',
      '2027-12-01',
      '2028-01-03', // Jan 1 2028 is a Saturday, observed the Friday before
    ]);
  });

  it('without a holiday calendar only weekends are skipped', () => {
    expect(formatCivilDate(firstBusinessDayOfMonth(2027, 1, 'NONE'))).toBe('2027-01-01');
    expect(formatCivilDate(firstBusinessDayOfMonth(2027, 8, 'NONE'))).toBe('2027-08-02');
  });

  it('09:00 on the first business day: one instant per month, local 09:00 on both sides of DST', () => {
    const instants = [];
    for (let m = 0; m < 12; m++) {
      const { year, month } = addMonths(2027, 2, m);
      instants.push(firstBusinessDayAt(year, month, nine, CHICAGO));
    }
    expect(new Set(instants.map((i) => i.getTime())).size).toBe(12);
    for (const instant of instants) expect(zonedParts(instant, CHICAGO)).toMatchObject({ hour: 9, minute: 0 });
    expect(instants.map((i) => i.toISOString())).toEqual([
      '2027-02-01T15:00:00.000Z',
      '2027-03-01T15:00:00.000Z',
      '2027-04-01T14:00:00.000Z',
      '2027-05-03T14:00:00.000Z',
      '2027-06-01T14:00:00.000Z',
      '2027-07-01T14:00:00.000Z',
      '2027-08-02T14:00:00.000Z',
      '2027-09-01T14:00:00.000Z',
      '2027-10-01T14:00:00.000Z',
      '2027-11-01T14:00:00.000Z',
      '2027-12-01T15:00:00.000Z',
      '2028-01-03T15:00:00.000Z',
    ]);
  });
});

describe('parsing and month arithmetic', () => {
  it('parses and validates', () => {
    expect(parseCivilDate('2027-02-28')).toEqual({ year: 2027, month: 2, day: 28 });
    expect(() => parseCivilDate('2027-02-29')).toThrow(RangeError);
    expect(() => parseCivilDate('2027-2-1')).toThrow(RangeError);
    expect(parseWallTime('09:00')).toEqual({ hour: 9, minute: 0 });
    expect(() => parseWallTime('24:00')).toThrow(RangeError);
  });

  it('adds months across year ends in both directions', () => {
    expect(addMonths(2027, 11, 2)).toEqual({ year: 2028, month: 1 });
    expect(addMonths(2027, 1, -1)).toEqual({ year: 2026, month: 12 });
    expect(addMonths(2027, 1, 12)).toEqual({ year: 2028, month: 1 });
  });
});
