// The time-skipping setup the action-item tests share: one environment per
// file, and per test fresh fakes and a worker on a queue of its own, so a
// finished worker's last polls never take the next test's tasks.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createTimeSkippingEnv } from '../harness/timeSkipping';
import { createTestWorker } from '../harness/worker';
import { createPlanFakes, type PlanFakes } from './planFakes';

export interface PlanTestWorker {
  env: TestWorkflowEnvironment;
  fakes: PlanFakes;
  worker: Worker;
  taskQueue: string;
}

/** Registers the jest hooks; the returned object holds the current test's parts. */
export function planWorkerPerTest(queuePrefix: string): PlanTestWorker {
  const current = {} as PlanTestWorker;
  let seq = 0;
  beforeAll(async () => {
    current.env = await createTimeSkippingEnv();
  });
  afterAll(async () => {
    await current.env?.teardown();
  });
  beforeEach(async () => {
    current.fakes = createPlanFakes();
    current.taskQueue = `${queuePrefix}-${++seq}`;
    current.worker = await createTestWorker(current.env, null, { taskQueue: current.taskQueue, activities: current.fakes.activities });
  });
  return current;
}
