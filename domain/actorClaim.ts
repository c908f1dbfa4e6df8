// The actor claim: how a workflow knows that an update came through the
// Common Ground API, which authenticated the person and read their roles from
// the roster, and not from someone who merely reached the Temporal port.
//
// The API signs, per update, an HMAC-SHA256 over everything the update says:
// the workflow id, the update's name and id, when it was signed, the acting
// person and their roles, and the update's arguments. The claim travels in an
// update header (ACTOR_CLAIM_HEADER), not in the arguments, so the recorded
// arguments keep their shape. The workflow checks it in its update validator
// (workflows/lib/actorClaims.ts), which Temporal runs only when an update
// first arrives, never on replay, and which issues no commands. See
// docs/security-temporal.md for the design and its limits.
import { constantTimeEqual, hmacSha256, toHex, utf8Bytes, type HmacKey } from './hmacSha256';

export const ACTOR_CLAIM_HEADER = 'common-ground-actor-claim';

/** A claim older than this (by the workflow's clock) is refused: a captured one cannot be used later. */
export const ACTOR_CLAIM_MAX_AGE_MS = 10 * 60_000;
/** Clocks of the API and the Temporal server may disagree by this much. */
export const ACTOR_CLAIM_MAX_SKEW_MS = 2 * 60_000;

export interface ActorClaimV1 {
  v: 1;
  personId: string;
  roles: string[];
  /** Epoch milliseconds, by the signer's clock. */
  issuedAt: number;
  /** Lower-case hex HMAC-SHA256 of actorClaimMessage(). */
  mac: string;
}

/** The update a claim speaks for. `args` as the workflow receives them (decoded JSON). */
export interface ClaimedUpdate {
  workflowId: string;
  updateName: string;
  updateId: string;
  args: readonly unknown[];
}

export interface ClaimedActor {
  personId: string;
  roles: string[];
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Who acts in an update's request: its `by`, `approver` or `author` (an
 * ActorV1), or for an acknowledgement the `personId` acknowledging. Null when
 * the request names nobody, which no update of ours does.
 */
export function actorOfUpdateArgs(args: readonly unknown[]): ClaimedActor | null {
  const request = args[0];
  if (!isRecord(request)) return null;
  for (const field of ['by', 'approver', 'author'] as const) {
    const actor = request[field];
    if (isRecord(actor) && typeof actor.personId === 'string' && Array.isArray(actor.roles) && actor.roles.every((r) => typeof r === 'string')) {
      return { personId: actor.personId, roles: actor.roles as string[] };
    }
  }
  if (typeof request.personId === 'string') return { personId: request.personId, roles: [] };
  return null;
}

/**
 * The exact text that is signed. A JSON array, so no field can run into the
 * next; the arguments as JSON text, which the Temporal payload converter
 * reproduces on the workflow's side (it encodes them with JSON.stringify and
 * the workflow decodes them with JSON.parse).
 */
export function actorClaimMessage(update: ClaimedUpdate, actor: ClaimedActor, issuedAt: number): string {
  return JSON.stringify([
    'common-ground/actor-claim/v1',
    update.workflowId,
    update.updateName,
    update.updateId,
    issuedAt,
    actor.personId,
    [...actor.roles].sort(),
    update.args,
  ]);
}

/** Signs with whatever HMAC-SHA256 the caller has (node:crypto in the API); returns null when the update names no actor. */
export function signActorClaim(update: ClaimedUpdate, issuedAt: number, macHex: (message: string) => string): ActorClaimV1 | null {
  const actor = actorOfUpdateArgs(update.args);
  if (!actor) return null;
  return { v: 1, personId: actor.personId, roles: [...actor.roles].sort(), issuedAt, mac: macHex(actorClaimMessage(update, actor, issuedAt)) };
}

export type ActorClaimRefusal = 'missing' | 'malformed' | 'no-actor' | 'actor-mismatch' | 'expired' | 'not-yet-valid' | 'bad-signature';

const sameRoles = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().every((r, i) => r === [...b].sort()[i]);

/** Null when `claim` is a valid claim for `update` at `now`; otherwise why not. */
export function checkActorClaim(claim: unknown, update: ClaimedUpdate, key: HmacKey, now: number): ActorClaimRefusal | null {
  if (claim === undefined || claim === null) return 'missing';
  if (
    !isRecord(claim) ||
    claim.v !== 1 ||
    typeof claim.personId !== 'string' ||
    !Array.isArray(claim.roles) ||
    !claim.roles.every((r) => typeof r === 'string') ||
    typeof claim.issuedAt !== 'number' ||
    !Number.isFinite(claim.issuedAt) ||
    typeof claim.mac !== 'string' ||
    !/^[0-9a-f]{64}$/.test(claim.mac)
  ) {
    return 'malformed';
  }
  const actor = actorOfUpdateArgs(update.args);
  if (!actor) return 'no-actor';
  if (actor.personId !== claim.personId || !sameRoles(actor.roles, claim.roles as string[])) return 'actor-mismatch';
  if (now - claim.issuedAt > ACTOR_CLAIM_MAX_AGE_MS) return 'expired';
  if (claim.issuedAt - now > ACTOR_CLAIM_MAX_SKEW_MS) return 'not-yet-valid';
  const expected = toHex(hmacSha256(key, utf8Bytes(actorClaimMessage(update, actor, claim.issuedAt))));
  return constantTimeEqual(expected, claim.mac) ? null : 'bad-signature';
}
