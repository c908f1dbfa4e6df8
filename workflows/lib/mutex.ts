// The one lock every workflow uses for handlers and loops that read state,
// call an activity, then write state: nothing else may interleave in between.
import { condition, patched } from '@temporalio/workflow';
import { LOCK_RECHECK_PATCH } from '../../domain/patches';

export class WorkflowMutex {
  private held = false;

  async runExclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (patched(LOCK_RECHECK_PATCH)) {
      // One activation can release several waiters at once; each re-checks, so only the first one in takes the lock.
      while (this.held) await condition(() => !this.held);
    } else {
      await condition(() => !this.held);
    }
    this.held = true;
    try {
      return await fn();
    } finally {
      this.held = false;
    }
  }

  get isLocked(): boolean {
    return this.held;
  }
}
