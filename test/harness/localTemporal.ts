import fs from 'node:fs';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { TEMPORAL_CLI_PATH } from './paths';
import { installQuietRuntime } from './runtime';

/**
 * A real Temporal dev server (the pinned CLI built by
 * scripts/ensure-temporal-cli.sh), in memory, on a free port. No time skipping.
 */
export async function createLocalTemporalEnv(): Promise<TestWorkflowEnvironment> {
  if (!fs.existsSync(TEMPORAL_CLI_PATH)) {
    throw new Error(`Temporal CLI not found at ${TEMPORAL_CLI_PATH}; run: bash scripts/ensure-temporal-cli.sh`);
  }
  installQuietRuntime();
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: TEMPORAL_CLI_PATH },
      ip: '127.0.0.1',
      log: { format: 'pretty', level: 'error' },
    },
  });
}
