// Signed reply-to addresses: the incident email's Reply-To is
// ack+<notification id>.<mac>@<reply domain>, so a reply says which message it
// answers, to whom it was sent and for which incident, and cannot be made up.
// A reply acknowledges only through this address, never by its sender alone.
//
// The local part stays within the 64 characters RFC 5321 allows and uses
// lower-case letters and digits only: mail systems may change the case of a
// local part, and cuid notification ids and base32 are both case-free.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Config } from './config';

export type ReplyAddressConfig = Pick<Config, 'LINK_SIGNING_SECRET' | 'INBOUND_EMAIL_DOMAIN'>;

export const REPLY_ACK_PREFIX = 'ack+';
const ID_PATTERN = /^[a-z0-9]{1,40}$/;
/** 80 bits of HMAC-SHA256, base32: guessing one is out of reach. */
const MAC_CHARS = 16;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

// A purpose of its own, so no other signature made with the link secret can stand in for it.
const macOf = (notificationId: string, secret: string): string =>
  base32(createHmac('sha256', secret).update(`reply-ack:${notificationId}`).digest()).slice(0, MAC_CHARS);

/** The Reply-To for an acknowledgeable email, or null when acknowledgement by reply is off. */
export function replyAddressFor(notificationId: string, config: ReplyAddressConfig): string | null {
  if (!config.INBOUND_EMAIL_DOMAIN || !ID_PATTERN.test(notificationId)) return null;
  return `${REPLY_ACK_PREFIX}${notificationId}.${macOf(notificationId, config.LINK_SIGNING_SECRET)}@${config.INBOUND_EMAIL_DOMAIN}`;
}

/** The bare address in "Name <user@host>" or "user@host", lower-cased; null when there is none. */
export function bareAddress(value: string): string | null {
  const angled = /<([^<>\s]+@[^<>\s]+)>/.exec(value);
  const candidate = (angled ? angled[1] : value).trim().toLowerCase();
  return /^[^\s@<>]+@[^\s@<>]+$/.test(candidate) ? candidate : null;
}

/**
 * The notification a reply-to address stands for, or null when the address
 * is not one of ours (another domain, another shape, a bad signature).
 */
export function readReplyAddress(address: string, config: ReplyAddressConfig): { notificationId: string } | null {
  if (!config.INBOUND_EMAIL_DOMAIN) return null;
  const bare = bareAddress(address);
  if (!bare) return null;
  const at = bare.lastIndexOf('@');
  const local = bare.slice(0, at);
  const domain = bare.slice(at + 1);
  if (domain !== config.INBOUND_EMAIL_DOMAIN.toLowerCase() || !local.startsWith(REPLY_ACK_PREFIX)) return null;
  const [notificationId, mac, ...rest] = local.slice(REPLY_ACK_PREFIX.length).split('.');
  if (rest.length > 0 || !notificationId || !mac || !ID_PATTERN.test(notificationId)) return null;
  const expected = Buffer.from(macOf(notificationId, config.LINK_SIGNING_SECRET));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  return { notificationId };
}
