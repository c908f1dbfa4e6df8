// How the incident's updates that change it are handled: checked by the
// validator, then again under the lock, where the state may have moved.
import type { UpdateDefinition } from '@temporalio/common';
import { setHandler } from '@temporalio/workflow';
import { afterSetUp } from '../lib/setUp';
import { hasStarted, started, type IncidentContext, type RunningIncident } from './context';

/**
 * `validate` is the update's validator; `apply` runs under the lock and checks
 * again first (the state may have moved while it waited). An update that
 * arrives before the incident has started is not refused: its handler waits
 * for the start, and `apply` then checks it in full.
 */
export function setLockedUpdateHandler<Ret, Req>(
  ctx: IncidentContext,
  update: UpdateDefinition<Ret, [Req]>,
  validate: (run: RunningIncident, req: Req) => unknown,
  apply: (run: RunningIncident, req: Req) => Promise<Ret>,
): void {
  setHandler(
    update,
    (req: Req) =>
      afterSetUp(
        () => hasStarted(ctx),
        () => ctx.lock.runExclusive(() => apply(started(ctx), req)),
      ),
    {
      validator: (req: Req) => {
        if (hasStarted(ctx)) validate(ctx, req);
      },
    },
  );
}
