import { ZodError, type ZodIssue } from 'zod';
import { WorkflowUpdateFailedError, WorkflowFailedError, ServiceError } from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import { FailureType, CONFLICTS, type Conflict } from '../domain/failures';

// The errors a use case answers with. Each carries the HTTP status the API
// gives it; the pages (web/) show the same errors in their own shape.

/**
 * Why a field was refused, as a stable code beside the English `message`:
 * pages word it in their reader's language from the catalogues (common
 * `refusals.<code>`, `params` filling its placeholders), so the API speaks one
 * language and every page its own. The first group is what a schema states
 * (fromZodError reads it from zod's issue); the others are rules a schema
 * cannot state, named by whoever refuses (badRequest, unprocessable, or a
 * refinement's `refusal` param).
 */
export const REFUSAL_CODES = [
  'required',
  'too_short',
  'too_long',
  'length_between',
  'min_items',
  'max_items',
  'too_small',
  'too_big',
  'not_integer',
  'invalid_email',
  'invalid_phone',
  'invalid_url',
  'invalid_date',
  'invalid_choice',
  'invalid_format',
  'invalid_type',
  'unknown_field',
  'unsafe_text',
  'invalid',
  'in_past',
  'in_future',
  'ends_before_start',
  'place_or_link',
  'https_only',
  'duplicate',
  'unknown',
  'inactive_person',
  'same_person',
  'invalid_csv',
  'empty_file',
  'missing_columns',
  'too_many_fields',
  'differs_from_item',
  'comment_to_reject',
  'hold_detail_required',
  'withdrawal_note_required',
  'expired',
  'too_fast',
  'wrong_answer',
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];
/** The bounds or names a refusal's words need ({ max: 200 }): numbers and codes, never English words. */
export type RefusalParams = Record<string, string | number>;
export interface Refusal {
  code: RefusalCode;
  params?: RefusalParams;
}

/**
 * Error body shape shared by every route (and by the web pages that show API
 * errors next to form fields):
 *   { error: { code, message, field?, details?: [{ field, message, code?, params? }] } }
 */
export interface ErrorDetail extends Partial<Refusal> {
  field: string;
  message: string;
}
export interface ErrorBody {
  error: { code: string; message: string; field?: string; details?: ErrorDetail[] };
}

const detail = (field: string, message: string, { code, params }: Refusal): ErrorDetail => (params ? { field, message, code, params } : { field, message, code });

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
export const badRequest = (field: string, message: string, code = 'invalid_input', why: Refusal = { code: 'invalid' }) =>
  new HttpError(400, code, message, field, [detail(field, message, why)]);
/** The request matches the document but breaks a rule no schema can state: a time that has passed, a person who is not active. */
export const unprocessable = (field: string, message: string, why: Refusal) => new HttpError(422, 'invalid_input', message, field, [detail(field, message, why)]);
export const unauthorized = (message = 'authentication required', invalidToken = false) =>
  new HttpError(401, 'unauthenticated', message, undefined, undefined, {
    'WWW-Authenticate': invalidToken ? 'Bearer realm="common-ground", error="invalid_token"' : 'Bearer realm="common-ground"',
  });
export const forbidden = (message = 'your role does not allow this') => new HttpError(403, 'forbidden', message);
export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found`);
/** 409: the action does not fit the state of things now; `code` is why, in a form pages word (domain/failures.ts CONFLICTS). */
export const conflict = (message: string, code: Conflict) => new HttpError(409, code, message);
/** How long a client is told to wait before trying again after a 503. */
export const RETRY_AFTER_SECONDS = 2;
export const unavailable = (message: string, retryAfterSeconds = RETRY_AFTER_SECONDS) =>
  new HttpError(503, 'unavailable', message, undefined, undefined, { 'Retry-After': String(retryAfterSeconds) });

/** Field path as clients name it: `deadlines.0.dueAt`; the root is `body`. */
export const fieldPath = (path: readonly (string | number)[]): string => (path.length === 0 ? 'body' : path.join('.'));

/** Key in a zod refinement's params marking a rule no schema can state (answered 422, not 400). */
export const UNPROCESSABLE = 'unprocessable';
/** Key in a zod refinement's params naming its refusal (a Refusal), which zod's issue cannot tell. */
export const REFUSAL = 'refusal';

/** A zod refinement's params: the refusal it states, and whether it is a rule of the moment (422). */
export const refusalParams = (why: Refusal, ruleOfTheMoment = false): Record<string, unknown> =>
  ruleOfTheMoment ? { [REFUSAL]: why, [UNPROCESSABLE]: true } : { [REFUSAL]: why };

const isRefusal = (value: unknown): value is Refusal =>
  typeof value === 'object' && value !== null && (REFUSAL_CODES as readonly unknown[]).includes((value as { code?: unknown }).code);

function valueAt(input: unknown, path: readonly (string | number)[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

/** Whatever check refused it, a value that is missing or blank was not given: the words say so rather than name the check. */
const notGiven = (value: unknown): boolean => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

const bound = (value: number | bigint): number => Number(value);

/** The refusal a zod issue states; `input` is what was parsed, when the caller has it. */
export function refusalOf(issue: ZodIssue, input?: unknown): Refusal {
  if (issue.code === 'custom' && isRefusal(issue.params?.[REFUSAL])) return issue.params[REFUSAL] as Refusal;
  if (issue.code === 'unrecognized_keys') return { code: 'unknown_field' };
  if ((input !== undefined && notGiven(valueAt(input, issue.path))) || (issue.code === 'invalid_type' && issue.received === 'undefined')) return { code: 'required' };
  switch (issue.code) {
    case 'invalid_type':
      return { code: issue.expected === 'integer' ? 'not_integer' : 'invalid_type' };
    case 'too_small':
      if (issue.type === 'string') return { code: 'too_short', params: { min: bound(issue.minimum) } };
      if (issue.type === 'array' || issue.type === 'set') return { code: 'min_items', params: { min: bound(issue.minimum) } };
      return issue.type === 'date' ? { code: 'invalid_date' } : { code: 'too_small', params: { min: bound(issue.minimum) } };
    case 'too_big':
      if (issue.type === 'string') return { code: 'too_long', params: { max: bound(issue.maximum) } };
      if (issue.type === 'array' || issue.type === 'set') return { code: 'max_items', params: { max: bound(issue.maximum) } };
      return issue.type === 'date' ? { code: 'invalid_date' } : { code: 'too_big', params: { max: bound(issue.maximum) } };
    case 'invalid_string':
      if (issue.validation === 'email') return { code: 'invalid_email' };
      if (issue.validation === 'url') return { code: 'invalid_url' };
      if (issue.validation === 'datetime' || issue.validation === 'date' || issue.validation === 'time') return { code: 'invalid_date' };
      return { code: 'invalid_format' };
    case 'invalid_enum_value':
    case 'invalid_literal':
    case 'invalid_union_discriminator':
      return { code: 'invalid_choice' };
    case 'invalid_date':
      return { code: 'invalid_date' };
    default:
      return { code: 'invalid' };
  }
}

const detailsOf = (issues: readonly ZodIssue[], input?: unknown): ErrorDetail[] =>
  issues.map((issue) => detail(fieldPath(issue.path), issue.message, refusalOf(issue, input)));

/** `input` is what was parsed: with it, a refused value that was not given reads as `required`. */
export function fromZodError(err: ZodError, input?: unknown): HttpError {
  const details = detailsOf(err.issues, input);
  const first = details[0] ?? { field: 'body', message: 'invalid input' };
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

/** The code a workflow named its refusal by (workflows/lib/failures.ts invalidState), if it is one pages can word. */
function conflictOf(details: unknown): Conflict | undefined {
  const named = Array.isArray(details) ? (details[0] as { conflict?: unknown } | undefined)?.conflict : undefined;
  return (CONFLICTS as readonly unknown[]).includes(named) ? (named as Conflict) : undefined;
}

function fromApplicationFailure(failure: ApplicationFailure): HttpError | undefined {
  const mapped = failure.type ? FAILURE_STATUS[failure.type] : undefined;
  if (!mapped) return undefined;
  const field = mapped.code === 'invalid_input' ? fieldFromFailureDetails(failure.details) ?? 'body' : undefined;
  return new HttpError(
    mapped.status,
    failure.type === FailureType.InvalidState ? conflictOf(failure.details) ?? mapped.code : mapped.code,
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
