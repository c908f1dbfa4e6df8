// One JSON log line per API request, carrying the workflow ids the request
// touched. Routes do not pass ids around for this: the API's Temporal client
// has an interceptor (workflowIdRecorder) that notes the workflow id of every
// start, signal, update and query into the request's context.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import { createJsonLogger, type JsonLogger } from '../lib/jsonLog';

interface RequestContext {
  workflowIds: Set<string>;
}

const requestContext = new AsyncLocalStorage<RequestContext>();

function noteWorkflowId(workflowId: string | undefined): void {
  if (workflowId) requestContext.getStore()?.workflowIds.add(workflowId);
}

/** For the API's Temporal Client: `interceptors: { workflow: [workflowIdRecorder] }`. */
export const workflowIdRecorder: WorkflowClientInterceptor = {
  start: (input, next) => (noteWorkflowId(input.options.workflowId), next(input)),
  startWithDetails: (input, next) => (noteWorkflowId(input.options.workflowId), next(input)),
  signalWithStart: (input, next) => (noteWorkflowId(input.options.workflowId), next(input)),
  startUpdateWithStart: (input, next) => (noteWorkflowId(input.workflowStartOptions.workflowId), next(input)),
  startUpdate: (input, next) => (noteWorkflowId(input.workflowExecution.workflowId), next(input)),
  signal: (input, next) => (noteWorkflowId(input.workflowExecution.workflowId), next(input)),
  query: (input, next) => (noteWorkflowId(input.workflowExecution.workflowId), next(input)),
  cancel: (input, next) => (noteWorkflowId(input.workflowExecution.workflowId), next(input)),
  terminate: (input, next) => (noteWorkflowId(input.workflowExecution.workflowId), next(input)),
  describe: (input, next) => (noteWorkflowId(input.workflowExecution.workflowId), next(input)),
};

/**
 * The matched route's pattern (/api/incidents/:number, /ack/:token), never
 * the raw path: paths carry signed-link tokens, and a pattern keeps metric
 * labels few.
 */
export function routeOf(req: Request): string {
  return req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
}

/** Logs each finished request; `level` filters as LOG_LEVEL does (server errors are always logged). */
export function requestLogger(options: { level?: 'debug' | 'info' | 'warn' | 'error'; log?: JsonLogger } = {}): RequestHandler {
  const log = options.log ?? createJsonLogger('api', { level: options.level });
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const requestId = (req.get('x-request-id') ?? '').slice(0, 100) || randomUUID();
    res.setHeader('X-Request-Id', requestId);
    const context: RequestContext = { workflowIds: new Set() };
    res.on('finish', () => {
      const status = res.statusCode;
      log(status >= 500 ? 'error' : 'info', 'request', {
        requestId,
        method: req.method,
        route: routeOf(req),
        status,
        durationMs: Number((process.hrtime.bigint() - started) / 1_000_000n),
        personId: req.auth?.person.id,
        workflowIds: context.workflowIds.size ? [...context.workflowIds] : undefined,
      });
    });
    requestContext.run(context, () => next());
  };
}
