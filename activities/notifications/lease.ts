// Who is talking to the provider for a Notification row right now. The row's
// providerStatus holds a lease naming the activity attempt that claimed it.
// Temporal schedules attempt N+1 of an activity only once attempt N has
// failed or timed out (a worker killed mid-send stops heart-beating and times
// out within the heartbeat timeout), so a later attempt of the same activity
// may take the lease over at once instead of waiting out a wall clock.
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';

/** providerStatus while an attempt is talking to the provider (a bare value is a lease from before holders were named). */
export const IN_FLIGHT = 'in-flight';
/** providerStatus after a provider call whose outcome we could not see (timeout, lost answer, 5xx). */
export const UNCONFIRMED = 'unconfirmed';

/**
 * How long a lease held by someone else blocks other attempts: longer than
 * the activity's start-to-close timeout (60 s), so an attempt of another
 * activity that may still be running cannot overlap. A later attempt of the
 * same activity does not wait for it.
 */
export const LEASE_MS = 2 * 60_000;

export interface AttemptIdentity {
  /** The activity across its attempts: `${runId}/${activityId}`. */
  activity: string;
  attempt: number;
}

/** The running activity attempt; outside an activity (scripts, tests) a one-off identity. */
export function currentAttempt(): AttemptIdentity {
  try {
    const info = Context.current().info;
    return { activity: `${info.workflowExecution?.runId ?? info.workflowExecution?.workflowId ?? 'standalone'}/${info.activityId}`, attempt: info.attempt };
  } catch {
    return { activity: `local/${randomUUID()}`, attempt: 1 };
  }
}

export const leaseFor = (me: AttemptIdentity): string => `${IN_FLIGHT} ${me.activity} #${me.attempt}`;

/** The attempt holding a lease; `holder` null for a bare legacy lease; null when providerStatus is no lease. */
export function parseLease(providerStatus: string | null): { holder: AttemptIdentity | null } | null {
  if (providerStatus === IN_FLIGHT) return { holder: null };
  const match = providerStatus ? /^in-flight (\S+) #(\d+)$/.exec(providerStatus) : null;
  if (!match) return null;
  return { holder: { activity: match[1], attempt: Number(match[2]) } };
}

export type LeaseDecision =
  /** Nobody holds it: claim it. `interrupted` when the last call's outcome is unknown. */
  | { claim: true; interrupted: boolean }
  | { claim: false };

/**
 * May `me` claim the row? Yes when it holds no lease, when an earlier attempt
 * of the same activity held it (that attempt is over: Temporal says so by
 * scheduling this one), or when the lease is older than LEASE_MS.
 */
export function leaseDecision(row: { providerStatus: string | null; updatedAt: Date }, me: AttemptIdentity, now: number): LeaseDecision {
  const lease = parseLease(row.providerStatus);
  if (!lease) return { claim: true, interrupted: row.providerStatus === UNCONFIRMED };
  const earlierAttemptOfMine = lease.holder !== null && lease.holder.activity === me.activity && lease.holder.attempt < me.attempt;
  const expired = row.updatedAt.getTime() < now - LEASE_MS;
  return earlierAttemptOfMine || expired ? { claim: true, interrupted: true } : { claim: false };
}
