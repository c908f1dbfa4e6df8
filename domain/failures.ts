// The kinds of failure a workflow answers a person with. The API maps each to
// an HTTP status (api/errors.ts); activities throw them as non-retryable.
/**
 * Failure types thrown as non-retryable ApplicationFailures by workflow update
 * validators/handlers. The API maps them to HTTP statuses (see api/errors.ts).
 */
export const FailureType = {
  /** 409: the action is not allowed in the current state. */
  InvalidState: 'InvalidState',
  /** 403: the actor may not do this here (e.g. not their turn in the approval chain). */
  NotPermitted: 'NotPermitted',
  /** 400: the request is well-formed JSON but semantically wrong; details.field names the field. */
  InvalidInput: 'InvalidInput',
  /** 404: a referenced thing inside the workflow does not exist. */
  NotFound: 'NotFound',
  /** Provider refused a recipient permanently (Twilio 21211, SMTP 5xx on RCPT). Not retried. */
  UndeliverableRecipient: 'UndeliverableRecipient',
  /** The database refuses a value for good (a data exception, a NOT NULL or CHECK violation). Not retried. */
  PermanentDatabaseError: 'PermanentDatabaseError',
} as const;
export type FailureType = (typeof FailureType)[keyof typeof FailureType];

/**
 * Every code a 409 answers with: why an action does not fit the state of
 * things now. The API answers with it as the error's `code`; pages word it in
 * their reader's language (common `conflicts.<code>`), and the message says it
 * in English. A workflow names one when it refuses (invalidState), a service
 * when it does (conflict()).
 */
export const CONFLICTS = [
  // Refused by a workflow.
  'still_starting',
  'item_done',
  'reschedule_pending',
  'no_pending_reschedule',
  'statement_not_awaiting_decision',
  'statement_not_revisable',
  'statement_version_changed',
  'statement_published',
  'incident_closed',
  'deadline_not_open',
  'no_holds_in_policy',
  'already_held',
  'hold_ended',
  // Refused by the API's services.
  'already_answered',
  'already_decided',
  'already_exists',
  'already_listed',
  'comments_closed',
  'comment_not_pending',
  'comment_moderated_meanwhile',
  'comment_already_final',
  'comment_not_published',
  'idempotency_key_reused',
  'no_engagement_policy',
  'no_survey',
  'no_withdrawal_in_policy',
  'statement_not_published',
  'not_closed',
  'phone_taken',
  'plan_closed',
  'report_not_ready',
  'session_cancelled',
  'session_not_held',
  'session_not_scheduled',
  'session_not_started',
  'unsubscribed',
  'workflow_closed',
  // Refused without a more precise reason.
  'invalid_state',
] as const;
export type Conflict = (typeof CONFLICTS)[number];
