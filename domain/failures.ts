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
