import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { Prisma } from '../../generated/prisma/client';
import { HttpError, toHttpError } from '../../services/errors';
import { parseWith } from '../../api/validate';
import { DecisionRequest, DeclareIncidentRequest, ExtendDeadlineRequest, CloseIncidentRequest } from '../../api/schemas';
import { FailureType } from '../../domain/failures';

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
