// The API's last middleware: every error becomes the one JSON error shape.
import type { ErrorRequestHandler, Response } from 'express';
import { HttpError, RETRY_AFTER_SECONDS, toHttpError } from '../services/errors';

export function sendError(res: Response, err: unknown): void {
  const httpError = toHttpError(err);
  if (httpError.status >= 500 && httpError.status !== 503) {
    console.error('[api] unhandled error', err);
  } else if (httpError.status === 503) {
    // Expected under saturation, and worth a line: which resource ran out.
    console.warn(`[api] 503: ${httpError.message}${err instanceof HttpError ? '' : ` (${(err as Error)?.message?.split('\n').filter(Boolean).pop() ?? String(err)})`}`);
  }
  for (const [name, value] of Object.entries(httpError.headers)) res.setHeader(name, value);
  // Every 503 says when to come back.
  if (httpError.status === 503 && !res.hasHeader('Retry-After')) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
  res.status(httpError.status).json(httpError.toBody());
}

/** Last middleware of the app: everything thrown or passed to next(err) ends here. */
export const errorHandler: ErrorRequestHandler = (err, _req, res, next) => {
  if (res.headersSent) return next(err);
  sendError(res, err);
};
