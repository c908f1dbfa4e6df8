// When the database or the workflow service cannot take a request in time,
// or the API already has its fill of requests, the answer is 503 with
// Retry-After: never a 500, never an unbounded queue.
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ServiceError } from '@temporalio/client';
import { Prisma } from '../../generated/prisma/client';
import { admitRequests } from '../../api/backpressure';
import { sendError } from '../../api/errors';
import { toHttpError } from '../../services/errors';

const prismaError = (code: string, message = 'x') => new Prisma.PrismaClientKnownRequestError(message, { code, clientVersion: '6.19.3' });

describe('saturation is a 503 with Retry-After', () => {
  it.each([
    ['a transaction that could not start in time (P2028)', prismaError('P2028', 'Transaction API error: Unable to start a transaction in the given time.')],
    ['no pooled connection in time (P2024)', prismaError('P2024')],
    ['the database unreachable (P1001)', prismaError('P1001')],
    ['too many connections (P2037)', prismaError('P2037')],
    ["node-postgres' pool timing out", new Error('timeout exceeded when trying to connect')],
    ['the workflow service saturated (RESOURCE_EXHAUSTED)', new ServiceError('too busy', { cause: Object.assign(new Error('8 RESOURCE_EXHAUSTED'), { code: 8 }) })],
    ['the workflow service down (UNAVAILABLE)', new ServiceError('down', { cause: Object.assign(new Error('14 UNAVAILABLE'), { code: 14 }) })],
  ])('%s', (_what, err) => {
    const mapped = toHttpError(err);
    expect(mapped.status).toBe(503);
    expect(mapped.headers['Retry-After']).toBe('2');
    expect(mapped.toBody().error.code).toBe('unavailable');
  });

  it('a 503 built without a Retry-After still gets one on the way out', async () => {
    const app = express();
    app.get('/', (_req, res) => sendError(res, Object.assign(toHttpError(prismaError('P2028')), { headers: {} })));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('2');
    } finally {
      server.close();
    }
  });
});

describe('admitRequests', () => {
  async function serve(limits: { concurrent: number; queued: number; maxWaitMs: number }) {
    const app = express();
    app.use(admitRequests(limits));
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const order: number[] = [];
    app.get('/slow/:n', async (req, res) => {
      order.push(Number(req.params.n));
      await held;
      res.json({ ok: true });
    });
    app.get('/healthz', (_req, res) => res.json({ ok: true }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, release: () => release(), order, close: () => server.close() };
  }

  it('works on a bounded number at once and lets the rest in, in arrival order, as places free up', async () => {
    const s = await serve({ concurrent: 2, queued: 10, maxWaitMs: 5_000 });
    try {
      const answers: Promise<Response>[] = [];
      for (let n = 1; n <= 5; n += 1) {
        answers.push(fetch(`${s.base}/slow/${n}`));
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
      expect(s.order).toEqual([1, 2]);
      expect((await fetch(`${s.base}/healthz`)).status).toBe(200);
      s.release();
      expect((await Promise.all(answers)).map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect(s.order).toEqual([1, 2, 3, 4, 5]);
    } finally {
      s.close();
    }
  });

  it('a full queue, or a wait past the limit, is answered 503 with Retry-After', async () => {
    const s = await serve({ concurrent: 1, queued: 1, maxWaitMs: 300 });
    try {
      const first = fetch(`${s.base}/slow/1`);
      await new Promise((resolve) => setTimeout(resolve, 30));
      const waiting = fetch(`${s.base}/slow/2`);
      await new Promise((resolve) => setTimeout(resolve, 30));
      const overflow = await fetch(`${s.base}/slow/3`);
      expect(overflow.status).toBe(503);
      expect(overflow.headers.get('retry-after')).toBe('2');
      const timedOut = await waiting;
      expect(timedOut.status).toBe(503);
      expect((await timedOut.json()).error.code).toBe('unavailable');
      s.release();
      expect((await first).status).toBe(200);
    } finally {
      s.close();
    }
  });
});
