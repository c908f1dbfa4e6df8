// Phone numbers are stored and compared in E.164 (+13145550101): Twilio
// sends the sender of an inbound text that way, so a number written any other
// way would never match its owner. The migration that added the unique index
// rewrote existing numbers with the same rules.

export const E164_PATTERN = /^\+[1-9]\d{6,14}$/;

/**
 * The E.164 form of a number as people write it: spaces, dots, dashes and
 * brackets are dropped, a leading 00 is an international prefix, and a
 * ten-digit number (or 1 + ten digits) is North American. Null when it cannot
 * be read as a number without guessing.
 */
export function toE164(written: string): string | null {
  let digits = written.trim().replace(/[\s().\-\u00a0]/g, '');
  if (digits.startsWith('00')) digits = `+${digits.slice(2)}`;
  if (/^[2-9]\d{9}$/.test(digits)) digits = `+1${digits}`;
  else if (/^1[2-9]\d{9}$/.test(digits)) digits = `+${digits}`;
  return E164_PATTERN.test(digits) ? digits : null;
}
