import fs from 'node:fs';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { actorClaimSigner } from '../../lib/actorClaims';
import { createTestConfig } from './config';
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
    // The environment's client is the API's: it signs every update with the test config's ACTOR_CLAIM_SECRET.
    client: { interceptors: { workflow: [actorClaimSigner(createTestConfig().ACTOR_CLAIM_SECRET)] } },
    server: {
      executable: { type: 'existing-path', path: TEMPORAL_CLI_PATH },
      ip: '127.0.0.1',
      log: { format: 'pretty', level: 'error' },
    },
  });
}
