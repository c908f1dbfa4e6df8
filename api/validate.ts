import type { Request, RequestHandler } from 'express';
import type { ZodTypeAny, z } from 'zod';
import { UNSAFE_TEXT_MESSAGE, findUnsafeText } from '../domain/text';
import { badRequest, fromZodError } from '../services/errors';

/**
 * Parses a request part with its zod schema, throwing a 400 HttpError whose
 * `field` is the failing path (`severity`, `deadlines.0.dueAt`).
 * Body paths are reported bare; query and params paths too, since their names
 * are what the client typed.
 */
export function parseWith<S extends ZodTypeAny>(schema: S, value: unknown): z.output<S> {
  rejectUnsafeText(value);
  const result = schema.safeParse(value);
  if (!result.success) throw fromZodError(result.error, value);
  return result.data;
}

export const parseBody = <S extends ZodTypeAny>(schema: S, req: Request): z.output<S> =>
  // express.json leaves body undefined for requests without a JSON content type.
  parseWith(schema, req.body ?? {});

export const parseQuery = <S extends ZodTypeAny>(schema: S, req: Request): z.output<S> => parseWith(schema, req.query);

export const parseParams = <S extends ZodTypeAny>(schema: S, req: Request): z.output<S> => parseWith(schema, req.params);

/** Throws a 400 naming the first field whose text the database could not store (domain/text.ts). */
export function rejectUnsafeText(value: unknown): void {
  const field = findUnsafeText(value);
  if (field) throw badRequest(field, UNSAFE_TEXT_MESSAGE, 'invalid_input', { code: 'unsafe_text' });
}

/** Every request's body and query string, before any route sees them: forms, webhooks and CSV included. */
export const rejectUnsafeTextMiddleware: RequestHandler = (req, _res, next) => {
  try {
    rejectUnsafeText(req.query);
    rejectUnsafeText(req.body);
    next();
  } catch (err) {
    next(err);
  }
};
