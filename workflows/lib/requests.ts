// Checks on the requests people send to the incident and statement workflows
// that do not depend on the workflow's state.
import type { ActorV1 } from '../../domain/contracts/common';
import { actorClaimsChecked } from './actorClaims';
import { invalidField } from './failures';

export const MAX_TITLE = 300;
export const MAX_BODY = 20_000;

export function validateActor(actor: ActorV1 | undefined, field: string): asserts actor is ActorV1 {
  // The actor is trusted only because its claim was verified (./actorClaims.ts); a worker bundled
  // without that check must not act on what an update says. Not a failure type: the task fails loudly.
  if (!actorClaimsChecked()) throw new Error('this worker was bundled without the actor-claim check (worker/workflowBundle.ts)');
  if (!actor || typeof actor.personId !== 'string' || actor.personId === '' || !Array.isArray(actor.roles)) {
    throw invalidField(field, 'the acting person is required');
  }
}

export interface Draft {
  title: string;
  body: string;
  author: ActorV1;
}

/** A statement draft: its title, its body and who wrote it. */
export function validateDraft(draft: Partial<Draft> | null | undefined): asserts draft is Draft {
  if (!draft || typeof draft.title !== 'string' || draft.title.trim() === '' || draft.title.length > MAX_TITLE) {
    throw invalidField('title', `is required (at most ${MAX_TITLE} characters)`);
  }
  if (typeof draft.body !== 'string' || draft.body.trim() === '' || draft.body.length > MAX_BODY) {
    throw invalidField('body', `is required (at most ${MAX_BODY} characters)`);
  }
  validateActor(draft.author, 'author');
}
