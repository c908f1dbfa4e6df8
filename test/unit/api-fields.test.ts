// The request field types say in their OpenAPI schema exactly what their zod
// check accepts: these cases sit on the edges where JavaScript and JSON Schema
// disagree unless written with care (UTF-16 units against code points, what
// trim removes, calendar dates, leap years).
import { ZodError } from 'zod';
import { DATE_PATTERN, DUE_PATTERN, IANA_TIME_ZONES, NON_BLANK_PATTERN, calendarDate, dueInput, nonBlankText, offsetDateTime } from '../../api/fields';
import { UNPROCESSABLE, fromZodError } from '../../services/errors';
import { ExtendDeadlineRequest } from '../../api/schemas';

describe('nonBlankText', () => {
  const title = nonBlankText(3);

  it('counts code points, as JSON Schema maxLength does', () => {
    expect(title.safeParse('😀😀😀').success).toBe(true);
    expect(title.safeParse('😀😀😀😀').success).toBe(false);
  });

  it('refuses what trims to nothing, by the same characters as the pattern', () => {
    for (const blank of ['', ' ', '\t\n', '\u00a0\u2028', '\ufeff']) {
      expect([JSON.stringify(blank), title.safeParse(blank).success]).toEqual([JSON.stringify(blank), false]);
      expect(new RegExp(NON_BLANK_PATTERN, 'u').test(blank)).toBe(false);
    }
    // U+0085 is whitespace to some regex engines, not to String.prototype.trim.
    expect(title.parse('\u0085')).toBe('\u0085');
    expect(nonBlankText(5).parse('  a  ')).toBe('a');
  });

  it('with a minimum, keeps at least that many code points once trimmed', () => {
    const reason = nonBlankText(100, 3);
    expect(reason.safeParse('  ab  ').success).toBe(false);
    expect(reason.safeParse(' a😀b ').success).toBe(true);
  });
});

describe('dates', () => {
  it('takes only real calendar dates, leap days by the Gregorian rule', () => {
    for (const [date, ok] of [
      ['2028-02-29', true],
      ['2027-02-29', false],
      ['2000-02-29', true],
      ['2100-02-29', false],
      ['2027-04-31', false],
      ['2027-12-31', true],
      ['0999-01-01', false],
    ] as const) {
      expect([date, calendarDate().safeParse(date).success, DATE_PATTERN.test(date)]).toEqual([date, ok, ok]);
    }
  });

  it('date-times carry an offset and stay in range', () => {
    expect(offsetDateTime().safeParse('2027-01-01T09:00:00-06:00').success).toBe(true);
    expect(offsetDateTime().safeParse('2027-01-01T09:00Z').success).toBe(true);
    expect(offsetDateTime().safeParse('2027-01-01T24:00:00Z').success).toBe(false);
    expect(offsetDateTime().safeParse('2027-01-01T09:00:00').success).toBe(false);
    expect(dueInput().safeParse('2027-03-16').success).toBe(true);
    expect(DUE_PATTERN.test('2027-03-16T17:00:00.123+05:30')).toBe(true);
  });

  it('a date-time in the past matches the document, so it is a 422, not a 400', () => {
    const result = ExtendDeadlineRequest.safeParse({ newDueAt: '2020-01-01T00:00:00Z', reason: 'too late' });
    expect(result.success).toBe(false);
    expect(fromZodError((result as { error: ZodError }).error).status).toBe(422);
    const both = ExtendDeadlineRequest.safeParse({ newDueAt: '2020-01-01T00:00:00Z', reason: '' });
    expect(fromZodError((both as { error: ZodError }).error).status).toBe(400);
    expect(UNPROCESSABLE).toBe('unprocessable');
  });
});

it('time zones are IANA names the runtime knows', () => {
  expect(IANA_TIME_ZONES).toEqual(expect.arrayContaining(['America/Chicago', 'UTC', 'Asia/Tokyo']));
  expect(IANA_TIME_ZONES).not.toContain('Mars/Base');
});
