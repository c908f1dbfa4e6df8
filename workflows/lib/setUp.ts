// Update handlers that need the workflow's set-up to have happened.
import { condition, patched } from '@temporalio/workflow';
import { UPDATES_WAIT_FOR_SET_UP_PATCH } from '../../domain/patches';

/**
 * Runs an update handler's `work` once `isSetUp()` holds. An update delivered
 * with the start runs its handler before the main function has begun set-up
 * (and so before set-up has taken the lock); it waits here instead. Once set
 * up, `work` runs at once, with no await in between, so the handler's commands
 * come exactly where they always did.
 */
export function afterSetUp<T>(isSetUp: () => boolean, work: () => Promise<T>): Promise<T> {
  if (isSetUp() || !patched(UPDATES_WAIT_FOR_SET_UP_PATCH)) return work();
  return condition(isSetUp).then(work);
}
