// How a worker process uses its memory and cores: one place, so the worker
// (worker/main.ts) and the benchmarks that measure it run the same settings.
import type { WorkerOptions } from '@temporalio/worker';
import type { Config } from '../lib/config';

export function workerTuning(cfg: Pick<Config, 'WORKER_MAX_CACHED_WORKFLOWS'>): Pick<WorkerOptions, 'maxCachedWorkflows'> {
  // The SDK's default grows with the heap (about 600 workflows per GB), so a
  // large plan filled the cache and the worker's memory with it.
  return { maxCachedWorkflows: cfg.WORKER_MAX_CACHED_WORKFLOWS };
}
