// The API's last middleware: every error becomes the one JSON error shape.
import type { ErrorRequestHandler, Response } from 'express';
import { toHttpError } from '../services/errors';

export function sendError(res: Response, err: unknown): void {
  const httpError = toHttpError(err);
  if (httpError.status >= 500 && httpError.status !== 503) {
    console.error('[api] unhandled error', err);
  }
  for (const [name, value] of Object.entries(httpError.headers)) res.setHeader(name, value);
  res.status(httpError.status).json(httpError.toBody());
}

/** Last middleware of the app: everything thrown or passed to next(err) ends here. */
export const errorHandler: ErrorRequestHandler = (err, _req, res, next) => {
  if (res.headersSent) return next(err);
  sendError(res, err);
};
