// Checks on the requests people send to the incident and statement workflows
// that do not depend on the workflow's state.
import type { ActorV1 } from '../../domain/contracts/common';
import { LANGUAGE_CODE_PATTERN } from '../../domain/languages';
import { MAX_STATEMENT_TRANSLATIONS, type StatementTranslationsV1 } from '../../domain/statementText';
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
  /** The same text in other languages, approved with it. */
  translations?: StatementTranslationsV1;
}

function validateText(text: { title?: unknown; body?: unknown } | null | undefined, prefix: string): void {
  if (!text || typeof text.title !== 'string' || text.title.trim() === '' || text.title.length > MAX_TITLE) {
    throw invalidField(`${prefix}title`, `is required (at most ${MAX_TITLE} characters)`);
  }
  if (typeof text.body !== 'string' || text.body.trim() === '' || text.body.length > MAX_BODY) {
    throw invalidField(`${prefix}body`, `is required (at most ${MAX_BODY} characters)`);
  }
}

/** A statement draft: its title, its body, its other languages (if any) and who wrote it. */
export function validateDraft(draft: Partial<Draft> | null | undefined): asserts draft is Draft {
  validateText(draft, '');
  const translations = (draft as Partial<Draft>).translations;
  if (translations !== undefined) {
    if (!translations || typeof translations !== 'object' || Array.isArray(translations) || Object.keys(translations).length > MAX_STATEMENT_TRANSLATIONS) {
      throw invalidField('translations', `must map at most ${MAX_STATEMENT_TRANSLATIONS} language codes to a title and a body`);
    }
    for (const [language, text] of Object.entries(translations)) {
      if (!LANGUAGE_CODE_PATTERN.test(language)) throw invalidField(`translations.${language}`, 'is not a language code');
      validateText(text, `translations.${language}.`);
    }
  }
  validateActor((draft as Draft).author, 'author');
}
