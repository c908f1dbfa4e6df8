import { DefaultLogger, Runtime } from '@temporalio/worker';

let installed = false;

/**
 * Keeps the SDK's core logs at WARN so test output stays readable. Must run
 * before the first environment or worker is created in the process.
 */
export function installQuietRuntime(): void {
  if (installed) return;
  installed = true;
  try {
    Runtime.install({ logger: new DefaultLogger((process.env.TEMPORAL_TEST_LOG_LEVEL as 'WARN') || 'WARN') });
  } catch {
    // Already instantiated by someone else in this process: keep theirs.
  }
}
