// Backpressure at the door. The API works on a bounded number of requests at
// once and queues the rest in arrival order: with hundreds of requests inside
// at once, every transaction's next statement waits behind all of them while
// it holds its locks, and a burst turns into a convoy. A request that cannot
// get in (the queue is full, or it waited too long) is answered 503 with
// Retry-After, never left to time out. Deeper down, a database or workflow
// service that cannot take a request in time is answered the same way
// (services/errors.ts).
import type { RequestHandler, Response } from 'express';
import { RETRY_AFTER_SECONDS, unavailable } from '../services/errors';

/** Health checks are answered whatever the load, so a busy API is not taken for a dead one. */
const ALWAYS_ANSWERED = new Set(['/healthz']);

export interface AdmissionLimits {
  /** Requests worked on at once. */
  concurrent: number;
  /** Requests waiting for a place; one more is answered 503 at once. */
  queued: number;
  /** A request that waited this long for a place is answered 503. */
  maxWaitMs: number;
}

function refuse(res: Response, message: string): void {
  const busy = unavailable(message);
  res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
  res.status(busy.status).json(busy.toBody());
}

export function admitRequests(limits: AdmissionLimits): RequestHandler {
  let active = 0;
  const waiting: { admit: () => void; timer: NodeJS.Timeout }[] = [];

  const leave = () => {
    active -= 1;
    const next = waiting.shift();
    if (next) {
      clearTimeout(next.timer);
      next.admit();
    }
  };

  return (req, res, next) => {
    if (ALWAYS_ANSWERED.has(req.path)) return next();
    const enter = () => {
      active += 1;
      let left = false;
      const once = () => {
        if (left) return;
        left = true;
        leave();
      };
      res.once('finish', once);
      res.once('close', once);
      next();
    };
    if (active < limits.concurrent) return enter();
    if (waiting.length >= limits.queued) return refuse(res, `the server has ${limits.queued} requests waiting; try again shortly`);
    const entry = {
      admit: enter,
      timer: setTimeout(() => {
        const index = waiting.indexOf(entry);
        if (index >= 0) waiting.splice(index, 1);
        refuse(res, 'the server is busy; try again shortly');
      }, limits.maxWaitMs),
    };
    waiting.push(entry);
    // A caller that gave up leaves the queue.
    res.once('close', () => {
      const index = waiting.indexOf(entry);
      if (index < 0) return;
      waiting.splice(index, 1);
      clearTimeout(entry.timer);
    });
  };
}
