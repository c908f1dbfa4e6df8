import { DefaultLogger, Runtime } from '@temporalio/worker';

let installed = false;

/**
 * Keeps the SDK's logs at ERROR so test output stays readable: tests provoke
 * activity failures on purpose, and each would print a WARN with its stack.
 * TEMPORAL_TEST_LOG_LEVEL=WARN (or DEBUG) brings them back when debugging.
 * Must run before the first environment or worker is created in the process.
 */
export function installQuietRuntime(): void {
  if (installed) return;
  installed = true;
  try {
    Runtime.install({ logger: new DefaultLogger((process.env.TEMPORAL_TEST_LOG_LEVEL as 'ERROR') || 'ERROR') });
  } catch {
    // Already instantiated by someone else in this process: keep theirs.
  }
}
