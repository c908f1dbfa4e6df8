// The one rule for text that enters the system, whichever way it comes (JSON,
// forms, query strings, path segments, CSV, SMS replies, link pages):
// PostgreSQL cannot store a NUL character, and an unpaired UTF-16 surrogate is
// not text at all, so both are refused at the door with the field named,
// rather than failing later in the database or in an activity that retries
// forever.

const NUL = '\u0000';

/** A lone high surrogate (not followed by a low one) or a lone low surrogate (not preceded by a high one). */
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const UNSAFE_TEXT_MESSAGE = 'must not contain NUL characters or unpaired UTF-16 surrogates';

export function isSafeText(text: string): boolean {
  return !text.includes(NUL) && !UNPAIRED_SURROGATE.test(text);
}

/**
 * The path of the first string (object keys included) that is not safe text,
 * as clients name fields (`deadlines.0.reason`; the root is `body`), or null.
 */
export function findUnsafeText(value: unknown, path: readonly (string | number)[] = []): string | null {
  const at = (p: readonly (string | number)[]) => (p.length === 0 ? 'body' : p.join('.'));
  if (typeof value === 'string') return isSafeText(value) ? null : at(path);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const found = findUnsafeText(value[i], [...path, i]);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      if (!isSafeText(key)) return at(path);
      const found = findUnsafeText(child, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}
