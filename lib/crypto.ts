import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Bearer and session tokens are stored only as this digest. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export type LinkTokenFailure = 'malformed' | 'bad-signature' | 'expired' | 'wrong-purpose';

export class InvalidLinkTokenError extends Error {
  constructor(readonly reason: LinkTokenFailure) {
    super(`link token is ${reason === 'wrong-purpose' ? 'not valid for this action' : reason.replace('-', ' ')}`);
    this.name = 'InvalidLinkTokenError';
  }
}

interface LinkEnvelope {
  p: string;
  exp: number; // unix seconds
  /** Issued at, unix seconds: links issued before a person's links were revoked no longer work. Absent in tokens made before it was added. */
  iat?: number;
  [key: string]: unknown;
}

const sign = (body: string, secret: string) => createHmac('sha256', secret).update(body).digest('base64url');

/**
 * Signed, expiring tokens for links in emails (acknowledge, review, progress).
 * The purpose `p` is inside the signed body so a token for one action cannot
 * be replayed against another.
 */
export function signLinkToken(
  payload: { p: string; [key: string]: unknown },
  ttlSeconds: number,
  secret: string,
  now: Date = new Date(),
): string {
  const issuedAt = Math.floor(now.getTime() / 1000);
  const envelope: LinkEnvelope = { ...payload, iat: issuedAt, exp: issuedAt + Math.floor(ttlSeconds) };
  const body = Buffer.from(JSON.stringify(envelope), 'utf8').toString('base64url');
  return `${body}.${sign(body, secret)}`;
}

export function verifyLinkToken<T extends object>(
  token: string,
  expectedPurpose: string,
  secret: string,
  now: Date = new Date(),
): T & { p: string; exp: number; iat?: number } {
  const parts = typeof token === 'string' ? token.split('.') : [];
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw new InvalidLinkTokenError('malformed');
  const [body, signature] = parts;
  const expected = Buffer.from(sign(body, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new InvalidLinkTokenError('bad-signature');
  }
  let envelope: LinkEnvelope;
  try {
    envelope = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidLinkTokenError('malformed');
  }
  if (typeof envelope !== 'object' || envelope === null || typeof envelope.exp !== 'number') {
    throw new InvalidLinkTokenError('malformed');
  }
  if (envelope.p !== expectedPurpose) throw new InvalidLinkTokenError('wrong-purpose');
  if (envelope.exp * 1000 <= now.getTime()) throw new InvalidLinkTokenError('expired');
  return envelope as T & LinkEnvelope;
}
