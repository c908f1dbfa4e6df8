// The actor claim's rules (domain/actorClaim.ts), signed the way the API
// signs (lib/actorClaims.ts, node:crypto) and checked the way the workflows
// check (the pure HMAC).
import { createHmac } from 'node:crypto';
import {
  ACTOR_CLAIM_MAX_AGE_MS,
  ACTOR_CLAIM_MAX_SKEW_MS,
  actorOfUpdateArgs,
  checkActorClaim,
  signActorClaim,
  type ClaimedUpdate,
} from '../../domain/actorClaim';
import { hmacKey } from '../../domain/hmacSha256';

const SECRET = 'a-test-secret-of-at-least-32-characters';
const key = hmacKey(SECRET);
const nodeMac = (secret: string) => (message: string) => createHmac('sha256', secret).update(message, 'utf8').digest('hex');

const cityManager = { personId: 'p-cm', name: 'City Manager', roles: ['CITY_MANAGER'] };
const update: ClaimedUpdate = {
  workflowId: 'statement-s1',
  updateName: 'decide',
  updateId: 'u-1',
  args: [{ version: 1, decision: 'APPROVE', approver: cityManager }],
};
const NOW = Date.parse('2026-11-30T12:00:00Z');
const sign = (u: ClaimedUpdate = update, at = NOW, secret = SECRET) => signActorClaim(u, at, nodeMac(secret));
// What the workflow receives: the arguments after the payload converter's JSON round trip.
const received = (u: ClaimedUpdate): ClaimedUpdate => ({ ...u, args: JSON.parse(JSON.stringify(u.args)) });

describe('actor claims', () => {
  it('accepts a claim signed for exactly this update', () => {
    expect(checkActorClaim(sign(), received(update), key, NOW + 1_000)).toBeNull();
  });

  it('survives the JSON round trip of dates, undefined fields and non-ASCII text', () => {
    const withOddities: ClaimedUpdate = {
      ...update,
      updateName: 'revise',
      args: [{ title: 'Déclaration 😀', body: 'x', comment: undefined, at: new Date(NOW), author: cityManager }],
    };
    expect(checkActorClaim(sign(withOddities), received(withOddities), key, NOW)).toBeNull();
  });

  it('refuses a missing, malformed or differently keyed claim', () => {
    expect(checkActorClaim(undefined, update, key, NOW)).toBe('missing');
    expect(checkActorClaim({ v: 1, personId: 'p-cm' }, update, key, NOW)).toBe('malformed');
    expect(checkActorClaim(sign(update, NOW, 'another-secret-also-32-characters-long'), update, key, NOW)).toBe('bad-signature');
  });

  it('refuses a claim moved to another workflow, update, update id or request', () => {
    const claim = sign();
    expect(checkActorClaim(claim, { ...update, workflowId: 'statement-s2' }, key, NOW)).toBe('bad-signature');
    expect(checkActorClaim(claim, { ...update, updateName: 'revise' }, key, NOW)).toBe('bad-signature');
    expect(checkActorClaim(claim, { ...update, updateId: 'u-2' }, key, NOW)).toBe('bad-signature');
    expect(checkActorClaim(claim, { ...update, args: [{ version: 1, decision: 'REJECT', comment: 'no', approver: cityManager }] }, key, NOW)).toBe(
      'bad-signature',
    );
  });

  it('refuses a request whose actor is not the one claimed (another person, or more roles)', () => {
    const claim = sign();
    const otherPerson = { ...update, args: [{ version: 1, decision: 'APPROVE', approver: { ...cityManager, personId: 'p-alderman' } }] };
    const moreRoles = { ...update, args: [{ version: 1, decision: 'APPROVE', approver: { ...cityManager, roles: ['CITY_MANAGER', 'POLICE_CHIEF'] } }] };
    expect(checkActorClaim(claim, otherPerson, key, NOW)).toBe('actor-mismatch');
    expect(checkActorClaim(claim, moreRoles, key, NOW)).toBe('actor-mismatch');
  });

  it('refuses a claim older than the maximum age or too far in the future', () => {
    expect(checkActorClaim(sign(), update, key, NOW + ACTOR_CLAIM_MAX_AGE_MS + 1)).toBe('expired');
    expect(checkActorClaim(sign(), update, key, NOW - ACTOR_CLAIM_MAX_SKEW_MS - 1)).toBe('not-yet-valid');
  });

  it('finds the actor of every request shape the workflows take', () => {
    expect(actorOfUpdateArgs([{ by: cityManager }])).toEqual({ personId: 'p-cm', roles: ['CITY_MANAGER'] });
    expect(actorOfUpdateArgs([{ author: cityManager }])).toEqual({ personId: 'p-cm', roles: ['CITY_MANAGER'] });
    expect(actorOfUpdateArgs([{ personId: 'p-mayor', via: 'SMS' }])).toEqual({ personId: 'p-mayor', roles: [] });
    expect(actorOfUpdateArgs([{ decision: 'APPROVE' }])).toBeNull();
    expect(signActorClaim({ ...update, args: [{}] }, NOW, nodeMac(SECRET))).toBeNull();
  });
});
