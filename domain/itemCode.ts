// An action item's short code, e.g. "K7Q2M": what an owner types in a text
// message to say which item a reply is about ("DONE K7Q2M"). Derived from the
// item's id, so every item has one without storing it, and the reminder that
// shows it and the inbound handler that reads it always agree. Letters and
// digits of Crockford's base 32 (no I, L, O or U, so nothing is misread); the
// first is always a letter, so a code never looks like a percentage.
import { sha256, utf8Bytes } from './hmacSha256';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const LETTERS = 'ABCDEFGHJKMNPQRSTVWXYZ';
export const ITEM_CODE_LENGTH = 5;

export function itemShortCode(itemId: string): string {
  const digest = sha256(utf8Bytes(`action-item:${itemId}`));
  let code = LETTERS[digest[0] % LETTERS.length];
  for (let i = 1; i < ITEM_CODE_LENGTH; i++) code += ALPHABET[digest[i] % ALPHABET.length];
  return code;
}

/** A code as someone typed it, in canonical form (upper case; I and L read as 1, O as 0); null if it cannot be one. */
export function readItemCode(typed: string): string | null {
  const code = typed.trim().toUpperCase().replace(/[IL]/g, '1').replace(/O/g, '0');
  if (code.length !== ITEM_CODE_LENGTH || ![...code].every((c) => ALPHABET.includes(c)) || !LETTERS.includes(code[0])) return null;
  return code;
}
