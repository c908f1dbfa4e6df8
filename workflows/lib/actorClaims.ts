// The workflows' side of the actor claim (domain/actorClaim.ts): every update
// is refused in validation unless it carries a claim the API signed for
// exactly this workflow, update, person and request. This module is bundled
// as a workflow interceptor (worker/workflowBundle.ts), and the signing key is
// compiled into the bundle there; it is never in workflow input, an activity
// result or anything else Temporal records.
//
// Only `validateUpdate` is intercepted: Temporal runs validators when an
// update first arrives and never on replay, and a validator issues no
// commands, so the check changes no history and no saved history stops
// replaying. Temporal also runs validation interceptors only for updates that
// have a validator; every update of ours has one (test/integration/security-trust.test.ts
// sends a forged update of each kind).
import {
  defaultPayloadConverter,
  workflowInfo,
  type Next,
  type UpdateInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptorsFactory,
} from '@temporalio/workflow';
import { ACTOR_CLAIM_HEADER, checkActorClaim } from '../../domain/actorClaim';
import { hmacKey, type HmacKey } from '../../domain/hmacSha256';
import { notPermitted } from './failures';

/** Replaced by the bundler (worker/workflowBundle.ts) with the worker's ACTOR_CLAIM_SECRET. */
declare const __COMMON_GROUND_ACTOR_CLAIM_SECRET__: string | undefined;

const compiledSecret = typeof __COMMON_GROUND_ACTOR_CLAIM_SECRET__ === 'string' ? __COMMON_GROUND_ACTOR_CLAIM_SECRET__ : '';
/** Null when the bundle was built without a key: then every update is refused. */
const key: HmacKey | null = compiledSecret ? hmacKey(compiledSecret) : null;

let installed = false;

/**
 * True once this interceptor runs in the bundle. validateActor (./requests.ts)
 * refuses to go on without it, so a worker bundled without the check fails
 * closed instead of trusting whatever an update says.
 */
export const actorClaimsChecked = (): boolean => installed;

function decodedClaim(input: UpdateInput): unknown {
  const payload = input.headers[ACTOR_CLAIM_HEADER];
  if (!payload) return undefined;
  try {
    return defaultPayloadConverter.fromPayload(payload);
  } catch {
    return null;
  }
}

class ActorClaimCheck implements WorkflowInboundCallsInterceptor {
  validateUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'validateUpdate'>): void {
    const refusal = key
      ? checkActorClaim(decodedClaim(input), { workflowId: workflowInfo().workflowId, updateName: input.name, updateId: input.updateId, args: input.args }, key, Date.now())
      : 'no key in this worker';
    if (refusal) {
      throw notPermitted(`the request carries no valid actor claim (${refusal}); act through the Common Ground API or its signed links`);
    }
    next(input);
  }
}

export const interceptors: WorkflowInterceptorsFactory = () => {
  installed = true;
  return { inbound: [new ActorClaimCheck()] };
};
