// The typed failures that update validators and handlers throw. The API
// answers by type (domain/failures.ts): InvalidInput 400 naming the field from
// the details, NotPermitted 403, NotFound 404, InvalidState 409.
import { ApplicationFailure } from '@temporalio/workflow';
import { FailureType, type Conflict } from '../../domain/failures';

const failure = (type: FailureType, message: string, details?: unknown[]) =>
  ApplicationFailure.create({ type, message, nonRetryable: true, details });

/** A request field that is wrong; `message` is said as given. */
export function invalidInput(field: string, message: string): ApplicationFailure {
  return failure(FailureType.InvalidInput, message, [{ field }]);
}

/** The same, worded "field: problem" (the incident and statement workflows say it so). */
export function invalidField(field: string, problem: string): ApplicationFailure {
  return invalidInput(field, `${field}: ${problem}`);
}

/** An action the workflow's state does not allow; `conflict` is the code pages word it by. */
export function invalidState(message: string, conflict: Conflict): ApplicationFailure {
  return failure(FailureType.InvalidState, message, [{ conflict }]);
}

export function notPermitted(message: string): ApplicationFailure {
  return failure(FailureType.NotPermitted, message);
}

export function notFound(message: string): ApplicationFailure {
  return failure(FailureType.NotFound, message);
}
