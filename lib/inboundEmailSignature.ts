// The signature on an inbound-email webhook (a reply to an incident email,
// delivered by the city's inbound-parse relay or, in embedded mode, by the
// local mail sink):
//   X-Common-Ground-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">
// keyed with INBOUND_EMAIL_SECRET. The timestamp is signed too, so a captured
// request cannot be replayed after the tolerance.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const INBOUND_SIGNATURE_HEADER = 'X-Common-Ground-Signature';
/** How far a signature's time may be from ours (seconds). */
export const INBOUND_SIGNATURE_TOLERANCE_SECONDS = 300;

const mac = (secret: string, timestamp: number, body: string | Buffer) =>
  createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');

export function signInboundEmail(body: string | Buffer, secret: string, now: Date = new Date()): string {
  const t = Math.floor(now.getTime() / 1000);
  return `t=${t},v1=${mac(secret, t, body)}`;
}

export type InboundSignatureProblem = 'missing' | 'malformed' | 'stale' | 'bad-signature';

/** Why a signature does not hold for this body, or null when it does. */
export function inboundSignatureProblem(header: string | undefined, body: Buffer, secret: string, now: Date = new Date()): InboundSignatureProblem | null {
  if (!header) return 'missing';
  const parts = new Map(header.split(',').map((part) => part.trim().split('=') as [string, string]));
  const t = Number(parts.get('t'));
  const given = parts.get('v1');
  if (!Number.isInteger(t) || !given || !/^[0-9a-f]{64}$/.test(given)) return 'malformed';
  if (Math.abs(now.getTime() / 1000 - t) > INBOUND_SIGNATURE_TOLERANCE_SECONDS) return 'stale';
  const expected = Buffer.from(mac(secret, t, body), 'hex');
  return timingSafeEqual(expected, Buffer.from(given, 'hex')) ? null : 'bad-signature';
}
