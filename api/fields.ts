// The field types requests are built from, each written so that what the zod
// check accepts is exactly what its OpenAPI schema says: lengths in code points
// (as JSON Schema counts them, not UTF-16 units), "not blank" as a pattern over
// the characters String.prototype.trim removes, dates and date-times as
// patterns that admit only real calendar dates, ids as the characters ids are
// made of. Rules no schema can state (a time that has passed, a person who is
// not active) are refused with 422 by the services, never with 400.
import { z } from 'zod';
import { MAX_LINK_TOKEN_LENGTH } from '../lib/links';
import { languages } from '../lib/i18n';
import { refusalParams, type RefusalCode } from '../services/errors';
import './openapi';

/** What String.prototype.trim removes: ECMAScript WhiteSpace and LineTerminator. */
const TRIMMED = '\\t\\n\\x0b\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';
/** Any text the database can store (domain/text.ts refuses NUL for every string). */
const SAFE = '[^\\u0000]';
/** Safe text with at least one character trim would keep. */
export const NON_BLANK_PATTERN = `^${SAFE}*[^\\u0000${TRIMMED}]${SAFE}*$`;

/** Safe text that keeps at least `min` code points once trimmed. */
const keepsAtLeast = (min: number): string =>
  min <= 1 ? NON_BLANK_PATTERN : `^[${TRIMMED}]*[^\\u0000${TRIMMED}]${SAFE}{${min - 2},}[^\\u0000${TRIMMED}][${TRIMMED}]*$`;

const codePoints = (text: string): number => [...text].length;

/**
 * Free text of at most `max` code points (and at least `min` once trimmed), trimmed; blank is refused.
 * `missing` replaces the refusal of a blank value, and the message of an absent one, where the rule has
 * words of its own (e.g. "a rejection needs a comment").
 */
export const nonBlankText = (max: number, min = 1, missing?: { message: string; code: RefusalCode }) => {
  const pattern = keepsAtLeast(min);
  const regex = new RegExp(pattern, 'u');
  return z
    .string(missing ? { required_error: missing.message } : undefined)
    .refine((s) => codePoints(s) <= max, { message: `must be at most ${max} characters`, params: refusalParams({ code: 'too_long', params: { max } }) })
    .refine((s) => regex.test(s), {
      message: missing?.message ?? (min <= 1 ? 'must not be empty' : `must have at least ${min} characters`),
      params: refusalParams(missing ? { code: missing.code } : min <= 1 ? { code: 'required' } : { code: 'too_short', params: { min } }),
    })
    .transform((s) => s.trim())
    .openapi({ maxLength: max, minLength: min, pattern });
};

/** Text taken as it is (a password), `min` to `max` code points. */
export const boundedText = (min: number, max: number) =>
  z
    .string()
    .refine((s) => codePoints(s) >= min && codePoints(s) <= max, { message: `must be ${min} to ${max} characters`, params: refusalParams({ code: 'length_between', params: { min, max } }) })
    .openapi({ minLength: min, maxLength: max });

/** Optional free text of at most `max` code points, trimmed (may be empty). */
export const plainText = (max: number) =>
  z
    .string()
    .refine((s) => codePoints(s) <= max, { message: `must be at most ${max} characters`, params: refusalParams({ code: 'too_long', params: { max } }) })
    .transform((s) => s.trim())
    .openapi({ maxLength: max });

/** Database ids (cuid), incident numbers (CI-2026-0007), keys: letters, digits, `_` and `-`. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const idField = () => z.string().regex(ID_PATTERN, 'must be an id (letters, digits, _ and -, at most 64)');

// Gregorian calendar dates, leap days included, as one pattern. Years 1000-9999: JavaScript's
// Date reads years below 100 as 19xx, and no date of this system's is older than that.
const YEAR = '[1-9]\\d{3}';
const LEAP_YEAR = '(?:[1-9]\\d(?:0[48]|[2468][048]|[13579][26])|(?:[2468][048]|[13579][26])00)';
const MONTH_DAY = '(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|02-(?:0[1-9]|1\\d|2[0-8]))';
const CALENDAR_DATE = `(?:${YEAR}-${MONTH_DAY}|${LEAP_YEAR}-02-29)`;
const TIME = '(?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:\\.\\d{1,3})?)?';
const OFFSET = '(?:Z|[+-](?:[01]\\d|2[0-3]):[0-5]\\d)';
const DATE_TIME = `${CALENDAR_DATE}T${TIME}${OFFSET}`;

export const DATE_PATTERN = new RegExp(`^${CALENDAR_DATE}$`);
export const DATE_TIME_PATTERN = new RegExp(`^${DATE_TIME}$`);
export const DUE_PATTERN = new RegExp(`^(?:${CALENDAR_DATE}|${DATE_TIME})$`);

/** A calendar date, YYYY-MM-DD. */
export const calendarDate = () => z.string().regex(DATE_PATTERN, 'must be a calendar date YYYY-MM-DD').openapi({ example: '2027-01-01' });

/** An ISO 8601 date-time with a time zone offset (or Z), to the millisecond. */
export const offsetDateTime = () =>
  z
    .string()
    .regex(DATE_TIME_PATTERN, 'must be an ISO 8601 date-time with a time zone, e.g. 2026-11-21T18:00:00-06:00')
    .openapi({ example: '2026-11-21T18:00:00-06:00' });

/** A due date: a calendar date (17:00 city time that day) or a date-time with offset. */
export const dueInput = () =>
  z
    .string()
    .regex(DUE_PATTERN, 'must be a date (YYYY-MM-DD) or an ISO date-time with a time zone offset')
    .openapi({ example: '2027-03-16' });

/** The IANA time zone names this runtime knows (and UTC). */
export const IANA_TIME_ZONES = [...new Set([...Intl.supportedValuesOf('timeZone'), 'UTC'])].sort() as [string, ...string[]];
export const ianaTimeZone = () => z.enum(IANA_TIME_ZONES).openapi({ description: 'An IANA time zone name, e.g. America/Chicago' });

/** Email addresses as sign-in takes them: ASCII, dot-separated local part, a domain with a top-level label. */
export const EMAIL_PATTERN = /^[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;
export const emailAddress = (max = 320) =>
  z.string().max(max).regex(EMAIL_PATTERN, 'must be an email address').openapi({ example: 'city.manager@example.org' });

/** A signed link token (lib/links.ts): base64url body, a dot, base64url signature. */
export const LINK_TOKEN_PATTERN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
export const linkToken = () =>
  z
    .string()
    .max(MAX_LINK_TOKEN_LENGTH)
    .regex(LINK_TOKEN_PATTERN, 'must be a link token from one of our messages')
    .openapi({ description: 'The signed token from the message: base64url body, a dot, base64url signature' });

/** One of the languages the site has (a folder under locales/). */
export const supportedLanguage = () => {
  const codes = languages() as [string, ...string[]];
  return z.enum(codes, { errorMap: () => ({ message: `must be one of: ${codes.join(', ')}` }) });
};

/**
 * A language asked for in a query (?lang=): any well-formed tag is taken, and
 * one the site does not have reads as the default language, as for a browser.
 */
export const languageTag = () =>
  z
    .string()
    .regex(/^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8}){0,3}$/, 'must be a language tag such as es or es-US')
    .openapi({ description: 'A language tag (e.g. es); one the site does not have reads as the default' });
