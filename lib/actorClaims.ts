// The API's side of the actor claim (domain/actorClaim.ts): a Temporal client
// interceptor that signs every update this client sends. The routes and
// services have already authenticated the caller and built the actor from the
// roster (services/temporal.ts actorOf); this adds the proof the workflow
// checks. A client without it (anyone else on the Temporal port) cannot make
// a workflow act.
import { createHmac, randomUUID } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import type { WorkflowClientInterceptor, WorkflowStartUpdateInput, WorkflowStartUpdateWithStartInput } from '@temporalio/client';
import { ACTOR_CLAIM_HEADER, signActorClaim, type ClaimedUpdate } from '../domain/actorClaim';

export interface ActorClaimSignerOptions {
  /**
   * The clock the workflows will compare the claim's time with; the wall
   * clock unless the Temporal server keeps its own (the time-skipping test
   * server does).
   */
  now?: () => number | Promise<number>;
}

function claimHeader(secret: string, update: ClaimedUpdate, issuedAt: number) {
  const claim = signActorClaim(update, issuedAt, (message) => createHmac('sha256', secret).update(message, 'utf8').digest('hex'));
  if (!claim) throw new Error(`update ${update.updateName} names no acting person, so it cannot be signed`);
  return { [ACTOR_CLAIM_HEADER]: defaultPayloadConverter.toPayload(claim) };
}

/** Signs updates with ACTOR_CLAIM_SECRET; give it to every Client that sends updates (the API's). */
export function actorClaimSigner(secret: string, options: ActorClaimSignerOptions = {}): WorkflowClientInterceptor {
  if (!secret) throw new Error('ACTOR_CLAIM_SECRET is required to sign updates');
  const now = options.now ?? Date.now;
  return {
    async startUpdate(input: WorkflowStartUpdateInput, next) {
      // The update id is part of what is signed, so it is fixed here rather than by the client later.
      const updateId = input.options.updateId ?? randomUUID();
      const update = { workflowId: input.workflowExecution.workflowId, updateName: input.updateName, updateId, args: input.args };
      return next({
        ...input,
        options: { ...input.options, updateId },
        headers: { ...input.headers, ...claimHeader(secret, update, await now()) },
      });
    },
    async startUpdateWithStart(input: WorkflowStartUpdateWithStartInput, next) {
      const updateId = input.updateOptions.updateId ?? randomUUID();
      const update = { workflowId: input.workflowStartOptions.workflowId, updateName: input.updateName, updateId, args: input.updateArgs };
      return next({
        ...input,
        updateOptions: { ...input.updateOptions, updateId },
        updateHeaders: { ...input.updateHeaders, ...claimHeader(secret, update, await now()) },
      });
    },
  };
}
