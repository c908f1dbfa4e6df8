import { ZodError } from 'zod';
import { WorkflowUpdateFailedError, WorkflowFailedError, ServiceError } from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import { FailureType } from '../domain/failures';

// The errors a use case answers with. Each carries the HTTP status the API
// gives it; the pages (web/) show the same errors in their own shape.

/**
 * Error body shape shared by every route (and by the web pages that show API
 * errors next to form fields):
 *   { error: { code, message, field?, details?: [{ field, message }] } }
 */
export interface ErrorDetail {
  field: string;
  message: string;
}
export interface ErrorBody {
  error: { code: string; message: string; field?: string; details?: ErrorDetail[] };
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly details?: ErrorDetail[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }

  toBody(): ErrorBody {
    const error: ErrorBody['error'] = { code: this.code, message: this.message };
    if (this.field !== undefined) error.field = this.field;
    if (this.details !== undefined && this.details.length > 0) error.details = this.details;
    return { error };
  }
}

/** The request does not match the API's document (a schema says so). */
export const badRequest = (field: string, message: string, code = 'invalid_input') =>
  new HttpError(400, code, message, field, [{ field, message }]);
/** The request matches the document but breaks a rule no schema can state: a time that has passed, a person who is not active. */
export const unprocessable = (field: string, message: string) => new HttpError(422, 'invalid_input', message, field, [{ field, message }]);
export const unauthorized = (message = 'authentication required', invalidToken = false) =>
  new HttpError(401, 'unauthenticated', message, undefined, undefined, {
    'WWW-Authenticate': invalidToken ? 'Bearer realm="common-ground", error="invalid_token"' : 'Bearer realm="common-ground"',
  });
export const forbidden = (message = 'your role does not allow this') => new HttpError(403, 'forbidden', message);
export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found`);
export const conflict = (message: string, code = 'conflict') => new HttpError(409, code, message);
/** How long a client is told to wait before trying again after a 503. */
export const RETRY_AFTER_SECONDS = 2;
export const unavailable = (message: string, retryAfterSeconds = RETRY_AFTER_SECONDS) =>
  new HttpError(503, 'unavailable', message, undefined, undefined, { 'Retry-After': String(retryAfterSeconds) });

/** Field path as clients name it: `deadlines.0.dueAt`; the root is `body`. */
export const fieldPath = (path: readonly (string | number)[]): string => (path.length === 0 ? 'body' : path.join('.'));

/** Key in a zod refinement's params marking a rule no schema can state (answered 422, not 400). */
export const UNPROCESSABLE = 'unprocessable';

export function fromZodError(err: ZodError, prefix: (string | number)[] = []): HttpError {
  const details = err.issues.map((issue) => ({ field: fieldPath([...prefix, ...issue.path]), message: issue.message }));
  const first = details[0] ?? { field: fieldPath(prefix), message: 'invalid input' };
  // Refinements marked UNPROCESSABLE state rules of the moment (a time that has passed), which no schema can.
  const onlyRules = err.issues.length > 0 && err.issues.every((issue) => issue.code === 'custom' && issue.params?.[UNPROCESSABLE] === true);
  return new HttpError(onlyRules ? 422 : 400, 'invalid_input', `${first.field}: ${first.message}`, first.field, details);
}

const FAILURE_STATUS: Record<string, { status: number; code: string }> = {
  [FailureType.InvalidState]: { status: 409, code: 'invalid_state' },
  [FailureType.NotPermitted]: { status: 403, code: 'forbidden' },
  // The API checked the input's shape before the workflow saw it: what a workflow refuses is a rule of the moment.
  [FailureType.InvalidInput]: { status: 422, code: 'invalid_input' },
  [FailureType.NotFound]: { status: 404, code: 'not_found' },
};

function fieldFromFailureDetails(details: readonly unknown[] | undefined | null): string | undefined {
  for (const d of details ?? []) {
    if (d && typeof d === 'object' && typeof (d as { field?: unknown }).field === 'string') return (d as { field: string }).field;
  }
  return undefined;
}

function fromApplicationFailure(failure: ApplicationFailure): HttpError | undefined {
  const mapped = failure.type ? FAILURE_STATUS[failure.type] : undefined;
  if (!mapped) return undefined;
  const field = mapped.code === 'invalid_input' ? fieldFromFailureDetails(failure.details) ?? 'body' : undefined;
  return new HttpError(
    mapped.status,
    mapped.code,
    failure.message,
    field,
    field ? [{ field, message: failure.message }] : undefined,
  );
}

/** Finds the typed ApplicationFailure at the root of a Temporal error chain. */
function findApplicationFailure(err: unknown): ApplicationFailure | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 8 && current; depth += 1) {
    if (current instanceof ApplicationFailure) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

const isPrismaError = (err: unknown, code: string): boolean =>
  typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code &&
  typeof (err as { clientVersion?: unknown }).clientVersion === 'string';

/**
 * Prisma's codes for "the database cannot take this request now": no
 * connection in time (pool exhausted, server unreachable, too many
 * connections), or a transaction that could not start within its wait.
 */
const DATABASE_SATURATED_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028', 'P2037']);

function isDatabaseSaturated(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && DATABASE_SATURATED_CODES.has(code)) return true;
  // node-postgres' pool when no connection frees up within connectionTimeoutMillis.
  return typeof message === 'string' && /timeout exceeded when trying to connect|Connection terminated due to connection timeout/.test(message);
}

/** The Temporal client gives up at a deadline we set (withDeadline) with gRPC DEADLINE_EXCEEDED. */
function isTemporalDeadline(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code ?? (err as { cause?: { code?: unknown } })?.cause?.code;
  return code === 4 && /deadline/i.test(String((err as Error)?.message ?? ''));
}

interface BodyParserError {
  type?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
  limit?: number;
}

/**
 * Maps anything thrown by a route to an HttpError. Client mistakes get a 4xx;
 * only genuine server faults remain 500 (the caller logs those).
 */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof ZodError) return fromZodError(err);

  const parserError = err as BodyParserError;
  if (parserError && typeof parserError === 'object' && typeof parserError.type === 'string') {
    switch (parserError.type) {
      case 'entity.parse.failed':
        return badRequest('body', 'request body is not valid JSON', 'malformed_json');
      case 'entity.too.large':
        return new HttpError(413, 'payload_too_large', `request body exceeds ${parserError.limit ?? 'the'} byte limit`, 'body');
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return new HttpError(415, 'unsupported_media_type', 'unsupported body encoding', 'body');
      case 'request.aborted':
        return new HttpError(400, 'request_aborted', 'request was aborted by the client', 'body');
      default:
        if (parserError.expose && (parserError.status ?? 500) < 500) {
          return new HttpError(parserError.status ?? 400, 'bad_request', (err as Error).message, 'body');
        }
    }
  }

  // express could not percent-decode a path segment.
  if (err instanceof URIError && (err as BodyParserError).status === 400) return badRequest('path', 'the path is not valid percent-encoded UTF-8');
  const status = (err as BodyParserError | undefined)?.status;
  if (status !== undefined && (err as BodyParserError).expose && status >= 400 && status < 500) {
    return new HttpError(status, 'bad_request', (err as Error).message);
  }

  if (err instanceof WorkflowNotFoundError) return notFound('workflow');
  if (err instanceof WorkflowExecutionAlreadyStartedError) {
    return conflict(`workflow ${err.workflowId} already exists`, 'already_exists');
  }
  if (err instanceof WorkflowUpdateFailedError || err instanceof WorkflowFailedError || err instanceof ApplicationFailure) {
    const failure = findApplicationFailure(err);
    const mapped = failure ? fromApplicationFailure(failure) : undefined;
    if (mapped) return mapped;
  }
  if (err instanceof ServiceError) {
    const grpcCode = (err.cause as { code?: number } | undefined)?.code;
    // 14 UNAVAILABLE, 4 DEADLINE_EXCEEDED, 8 RESOURCE_EXHAUSTED: the Temporal server is down, slow or saturated.
    if (grpcCode === 14 || grpcCode === 4 || grpcCode === 8) return unavailable('workflow service is unavailable; try again shortly');
  }
  if (isTemporalDeadline(err)) return unavailable('workflow service did not answer in time; try again shortly');

  // P1001 can't reach, P1002 timed out, P1017 closed the connection, P2028 no connection for a transaction
  // in time: the database is down or saturated, not the request wrong.
  if (['P1001', 'P1002', 'P1017', 'P2028'].some((code) => isPrismaError(err, code))) return unavailable('the database is unavailable or busy; try again shortly');
  if (isPrismaError(err, 'P2002')) return conflict('a record with these values already exists', 'already_exists');
  if (isPrismaError(err, 'P2025')) return notFound('record');
  if (isDatabaseSaturated(err)) return unavailable('the database is busy; try again shortly');

  return new HttpError(500, 'internal', 'internal server error');
}
