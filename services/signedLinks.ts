// What makes a signed link usable beyond its signature and expiry (checked in
// lib/links.ts): a link that acts (acknowledge, review decision, progress)
// acts once, and works only for a person who is still active and whose links
// have not been revoked since it was sent (services/people.ts deactivatePerson).
// A used link is recorded by the digest of its token, never the token.
import type { Db } from '../lib/db';
import { hashToken } from '../lib/crypto';
import type { LinkPurpose } from '../domain/links';

export type LinkStanding =
  | { usable: true }
  | { usable: false; why: 'used'; usedAt: Date }
  | { usable: false; why: 'revoked' | 'inactive' | 'unknown-person' };

/** Whether the link signed for `personId` at `issuedAt` may still be used, and why not. */
export async function linkStanding(db: Db, token: string, link: { personId: string; issuedAt: Date | null }): Promise<LinkStanding> {
  const [person, revocation, used] = await Promise.all([
    db.person.findUnique({ where: { id: link.personId }, select: { active: true } }),
    db.linkRevocation.findUnique({ where: { personId: link.personId } }),
    db.usedLinkToken.findUnique({ where: { tokenHash: hashToken(token) }, select: { usedAt: true } }),
  ]);
  if (!person) return { usable: false, why: 'unknown-person' };
  if (!person.active) return { usable: false, why: 'inactive' };
  // A token from before issue times were recorded counts as older than any revocation.
  if (revocation && (!link.issuedAt || link.issuedAt <= revocation.revokedAt)) return { usable: false, why: 'revoked' };
  if (used) return { usable: false, why: 'used', usedAt: used.usedAt };
  return { usable: true };
}

const isUniqueViolation = (err: unknown) => (err as { code?: unknown })?.code === 'P2002';

/**
 * Claims the link's one use before it acts: true when this request may act,
 * false when another request already used (or is using) it. Call
 * releaseLinkUse when the action did not happen, so the person can try again.
 */
export async function claimLinkUse(db: Db, token: string, purpose: LinkPurpose, personId: string): Promise<boolean> {
  try {
    await db.usedLinkToken.create({ data: { tokenHash: hashToken(token), purpose, personId } });
    return true;
  } catch (err) {
    if (isUniqueViolation(err)) return false;
    throw err;
  }
}

export async function releaseLinkUse(db: Db, token: string): Promise<void> {
  await db.usedLinkToken.deleteMany({ where: { tokenHash: hashToken(token) } });
}

/**
 * Runs `act` as the link's one use. `act` answers whether it acted (a refusal
 * by the rules, e.g. "not your turn", acted on nothing and releases the link);
 * a thrown error also releases it. Returns null when the link was already used.
 */
export async function useLinkOnce<T>(
  db: Db,
  token: string,
  link: { purpose: LinkPurpose; personId: string },
  act: () => Promise<{ acted: boolean; result: T }>,
): Promise<T | null> {
  if (!(await claimLinkUse(db, token, link.purpose, link.personId))) return null;
  let outcome: { acted: boolean; result: T };
  try {
    outcome = await act();
  } catch (err) {
    await releaseLinkUse(db, token);
    throw err;
  }
  if (!outcome.acted) await releaseLinkUse(db, token);
  return outcome.result;
}
