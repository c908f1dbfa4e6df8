import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { Prisma } from '../../generated/prisma/client';
import { HttpError, REFUSAL_CODES, badRequest, toHttpError, unprocessable } from '../../services/errors';
import { DEFAULT_LANGUAGE, catalogue, languages } from '../../lib/i18n';
import { ErrorBodySchema } from '../../api/openapi';
import { parseWith } from '../../api/validate';
import { DecisionRequest, DeclareIncidentRequest, ExtendDeadlineRequest, CloseIncidentRequest } from '../../api/schemas';
import { FailureType, CONFLICTS } from '../../domain/failures';

const updateFailed = (type: string, details: unknown[] = []) =>
  new WorkflowUpdateFailedError('update failed', ApplicationFailure.create({ message: `${type} happened`, type, nonRetryable: true, details }));

function validationError(fn: () => unknown): HttpError {
  try {
    fn();
  } catch (err) {
    return toHttpError(err);
  }
  throw new Error('expected a validation error');
}

describe('toHttpError: workflow failures by FailureType', () => {
  it.each([
    [FailureType.InvalidState, 409],
    [FailureType.NotPermitted, 403],
    // The API checked the shape first: what a workflow refuses is a rule of the moment.
    [FailureType.InvalidInput, 422],
    [FailureType.NotFound, 404],
  ])('%s -> %d', (type, status) => {
    const mapped = toHttpError(updateFailed(type));
    expect(mapped.status).toBe(status);
    expect(mapped.message).toBe(`${type} happened`);
  });

  it('InvalidInput carries the field named in the failure details', () => {
    const mapped = toHttpError(updateFailed(FailureType.InvalidInput, [{ field: 'newDueAt' }]));
    expect(mapped.toBody().error).toMatchObject({ code: 'invalid_input', field: 'newDueAt' });
  });

  it('an ApplicationFailure nested deeper in the cause chain is still found', () => {
    const inner = ApplicationFailure.create({ message: 'published already', type: FailureType.InvalidState });
    const wrapped = new WorkflowUpdateFailedError('update failed', Object.assign(new Error('wrapper'), { cause: inner }));
    expect(toHttpError(wrapped).status).toBe(409);
  });

  it('an untyped workflow failure is a server fault, not a client one', () => {
    expect(toHttpError(updateFailed('SomethingElse')).status).toBe(500);
  });
});

describe('toHttpError: other errors', () => {
  it('WorkflowNotFoundError -> 404', () => {
    expect(toHttpError(new WorkflowNotFoundError('gone', 'incident-CI-2026-0001', undefined)).status).toBe(404);
  });

  it('WorkflowExecutionAlreadyStartedError -> 409', () => {
    const err = new WorkflowExecutionAlreadyStartedError('exists', 'incident-CI-2026-0001', 'incidentWorkflow');
    expect(toHttpError(err)).toMatchObject({ status: 409, code: 'already_exists' });
  });

  it('an unreachable database -> 503, which the client may retry', () => {
    const down = new Prisma.PrismaClientKnownRequestError("Can't reach database server", { code: 'P1001', clientVersion: '6.19.3' });
    expect(toHttpError(down)).toMatchObject({ status: 503, code: 'unavailable' });
    const saturated = new Prisma.PrismaClientKnownRequestError('Unable to start a transaction in the given time', { code: 'P2028', clientVersion: '6.19.3' });
    expect(toHttpError(saturated).status).toBe(503);
  });

  it('Prisma unique violation -> 409, missing record -> 404', () => {
    const unique = new Prisma.PrismaClientKnownRequestError('Unique constraint failed', { code: 'P2002', clientVersion: '6.19.3' });
    const missing = new Prisma.PrismaClientKnownRequestError('Record not found', { code: 'P2025', clientVersion: '6.19.3' });
    expect(toHttpError(unique).status).toBe(409);
    expect(toHttpError(missing).status).toBe(404);
  });

  it('body-parser failures: malformed JSON 400 on field body, oversize 413', () => {
    expect(toHttpError(Object.assign(new SyntaxError('Unexpected token'), { type: 'entity.parse.failed', status: 400 }))).toMatchObject({
      status: 400,
      field: 'body',
    });
    expect(toHttpError(Object.assign(new Error('too large'), { type: 'entity.too.large', status: 413, limit: 1024 })).status).toBe(413);
  });

  it('anything unknown -> 500 without leaking the message', () => {
    const mapped = toHttpError(new Error('connection string with password=hunter2'));
    expect(mapped.status).toBe(500);
    expect(JSON.stringify(mapped.toBody())).not.toContain('hunter2');
  });
});

describe('request schemas name the failing field', () => {
  const validDeclaration = { type: 'OFFICER_INVOLVED_SHOOTING', severity: 1, title: 'Shooting at Forsyth and Central', summary: 'Details' };

  it('accepts a valid declaration', () => {
    expect(parseWith(DeclareIncidentRequest, validDeclaration)).toMatchObject(validDeclaration);
  });

  it.each([
    [{ ...validDeclaration, severity: 'high' }, 'severity'],
    [{ ...validDeclaration, severity: 4 }, 'severity'],
    [{ ...validDeclaration, title: '   ' }, 'title'],
    [{ ...validDeclaration, summary: undefined }, 'summary'],
    [{ ...validDeclaration, type: '' }, 'type'],
  ])('declaration %j -> field %s', (body, field) => {
    const err = validationError(() => parseWith(DeclareIncidentRequest, body));
    expect(err.status).toBe(400);
    expect(err.field).toBe(field);
  });

  it('a body that is not an object is reported on `body`', () => {
    expect(validationError(() => parseWith(DeclareIncidentRequest, [1, 2])).field).toBe('body');
  });

  it('a blank rejection comment is refused under its own code, which pages word as "a rejection needs a comment"', () => {
    const detail = validationError(() => parseWith(DecisionRequest, { version: 1, decision: 'REJECT', comment: ' ' })).toBody().error.details![0];
    expect(detail).toMatchObject({ field: 'comment', code: 'comment_to_reject', message: 'a rejection needs a comment for the author' });
    expect((catalogue(DEFAULT_LANGUAGE, 'common').refusals as Record<string, string>).comment_to_reject).toBe('a rejection needs a comment for the author');
  });

  it('rejecting without a comment names `comment`; approving without one is fine', () => {
    expect(validationError(() => parseWith(DecisionRequest, { version: 1, decision: 'REJECT' })).field).toBe('comment');
    expect(validationError(() => parseWith(DecisionRequest, { version: 1, decision: 'REJECT', comment: '  ' })).field).toBe('comment');
    expect(parseWith(DecisionRequest, { version: 2, decision: 'APPROVE' })).toEqual({ version: 2, decision: 'APPROVE' });
    expect(validationError(() => parseWith(DecisionRequest, { version: 0, decision: 'APPROVE' })).field).toBe('version');
    expect(validationError(() => parseWith(DecisionRequest, { version: 1, decision: 'MAYBE' })).field).toBe('decision');
  });

  it('extensions need a future ISO date-time and a reason', () => {
    const future = new Date(Date.now() + 86_400_000).toISOString();
    expect(validationError(() => parseWith(ExtendDeadlineRequest, { newDueAt: 'tomorrow', reason: 'Waiting on lab results' })).field).toBe('newDueAt');
    expect(validationError(() => parseWith(ExtendDeadlineRequest, { newDueAt: '2001-01-01T00:00:00Z', reason: 'Waiting' })).field).toBe('newDueAt');
    expect(validationError(() => parseWith(ExtendDeadlineRequest, { newDueAt: future, reason: '' })).field).toBe('reason');
    expect(parseWith(ExtendDeadlineRequest, { newDueAt: future, reason: 'Waiting on lab results' }).reason).toBe('Waiting on lab results');
  });

  it('closing needs a summary', () => {
    expect(validationError(() => parseWith(CloseIncidentRequest, {})).field).toBe('summary');
  });
});

describe('each refused field carries a stable code beside its English message, for pages to word in their language', () => {
  const validDeclaration = { type: 'OFFICER_INVOLVED_SHOOTING', severity: 1, title: 'Shooting at Forsyth and Central', summary: 'Details' };
  const detailOf = (schema: Parameters<typeof parseWith>[0], body: unknown, field: string) =>
    validationError(() => parseWith(schema, body)).toBody().error.details?.find((d) => d.field === field);

  it.each([
    ['a missing field', { ...validDeclaration, summary: undefined }, 'summary', { code: 'required' }],
    ['blank text', { ...validDeclaration, title: '   ' }, 'title', { code: 'required' }],
    // An empty choice fails the enum, but what the person did was give nothing.
    ['an empty choice', { ...validDeclaration, type: '' }, 'type', { code: 'required' }],
    ['text over its bound', { ...validDeclaration, title: 'x'.repeat(201) }, 'title', { code: 'too_long', params: { max: 200 } }],
    ['a severity the policy does not have', { ...validDeclaration, severity: 4 }, 'severity', { code: 'invalid_choice' }],
    ['a word for a number', { ...validDeclaration, severity: 'high' }, 'severity', { code: 'invalid_type' }],
    ['a field the request does not take', { ...validDeclaration, colour: 'red' }, 'body', { code: 'unknown_field' }],
  ])('%s', (_what, body, field, refusal) => {
    const found = detailOf(DeclareIncidentRequest, body, field);
    expect(found).toEqual({ field, message: expect.any(String), ...refusal });
  });

  it('a text shorter than its minimum names the minimum; a time that has passed is in_past (422)', () => {
    const future = new Date(Date.now() + 86_400_000).toISOString();
    expect(detailOf(ExtendDeadlineRequest, { newDueAt: future, reason: 'ab' }, 'reason')).toMatchObject({ code: 'too_short', params: { min: 3 } });
    const past = validationError(() => parseWith(ExtendDeadlineRequest, { newDueAt: '2001-01-01T00:00:00Z', reason: 'Waiting' }));
    expect(past.status).toBe(422);
    expect(past.toBody().error.details).toEqual([{ field: 'newDueAt', message: 'must be in the future', code: 'in_past' }]);
  });

  it('a rule a service states keeps its code and bounds in the body; the English message is unchanged', () => {
    expect(unprocessable('endsAt', 'must be later than startsAt', { code: 'ends_before_start' }).toBody().error).toEqual({
      code: 'invalid_input',
      message: 'must be later than startsAt',
      field: 'endsAt',
      details: [{ field: 'endsAt', message: 'must be later than startsAt', code: 'ends_before_start' }],
    });
    expect(badRequest('kind', 'must be one of: A, B', 'invalid_input', { code: 'invalid_choice' }).toBody().error.details).toEqual([
      { field: 'kind', message: 'must be one of: A, B', code: 'invalid_choice' },
    ]);
  });

  it('every code is one the catalogues word (common refusals.<code>), with the placeholders its bounds fill', () => {
    const words = catalogue(DEFAULT_LANGUAGE, 'common').refusals as Record<string, string>;
    expect(Object.keys(words).sort()).toEqual([...REFUSAL_CODES].sort());
    expect(words.too_long).toContain('{{max}}');
    expect(words.too_short).toContain('{{min}}');
  });

  it('the OpenAPI document states the codes a detail can carry', () => {
    const detail = ErrorBodySchema.shape.error.shape.details.unwrap().element.shape;
    expect(detail.code.unwrap().options).toEqual([...REFUSAL_CODES]);
  });
});

describe('a 409 carries the code of why (domain/failures.ts CONFLICTS), for pages to word', () => {
  it('answers 409 with the code the workflow named, and invalid_state when it named none pages know', () => {
    expect(toHttpError(updateFailed(FailureType.InvalidState, [{ conflict: 'reschedule_pending' }])).toBody().error).toMatchObject({ code: 'reschedule_pending' });
    expect(toHttpError(updateFailed(FailureType.InvalidState, [{ conflict: 'reschedule_pending' }])).status).toBe(409);
    expect(toHttpError(updateFailed(FailureType.InvalidState, [{ conflict: 'no such code' }])).toBody().error.code).toBe('invalid_state');
    expect(toHttpError(updateFailed(FailureType.InvalidState)).toBody().error.code).toBe('invalid_state');
    // Only a refusal of state is renamed; another type with the same detail keeps its code.
    expect(toHttpError(updateFailed(FailureType.NotPermitted, [{ conflict: 'item_done' }])).toBody().error.code).toBe('forbidden');
  });

  it.each(languages())('every code a 409 may carry has words in %s (common conflicts.<code>), and no words are for a code nothing sends', (language) => {
    const words = catalogue(language, 'common').conflicts as Record<string, string>;
    expect(Object.keys(words).sort()).toEqual([...CONFLICTS].sort());
    for (const code of CONFLICTS) expect([code, typeof words[code]]).toEqual([code, 'string']);
  });
});
