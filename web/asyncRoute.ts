import type { Request, RequestHandler, Response } from 'express';

/** Express 4 does not see a rejected promise: hand the error to the app's error handler instead. */
export const asyncRoute =
  (handler: (req: Request, res: Response) => Promise<void>): RequestHandler =>
  (req, res, next) => {
    handler(req, res).catch(next);
  };
