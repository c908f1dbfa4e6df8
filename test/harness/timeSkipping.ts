import fs from 'node:fs';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { actorClaimSigner } from '../../lib/actorClaims';
import { createTestConfig } from './config';
import { TEST_SERVER_WRAPPER } from './paths';
import { installQuietRuntime } from './runtime';

/**
 * Temporal's Java time-skipping test server, started through
 * scripts/temporal-test-server.sh (jars cached under ~/.cache, never
 * downloaded by the SDK). One environment per test file: time skipping is
 * global to the environment.
 */
const START_ATTEMPTS = 3;

export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  if (!fs.existsSync(TEST_SERVER_WRAPPER)) throw new Error(`missing ${TEST_SERVER_WRAPPER}`);
  installQuietRuntime();
  // Core gives the server 5 s to listen. Two JVMs starting at once on a loaded
  // 2-core CI machine can miss that, so a start that timed out is tried again
  // (on a fresh port) before the test file fails.
  for (let attempt = 1; ; attempt++) {
    // The environment's client signs updates as the API does, by the test server's (skipped) clock.
    let env: TestWorkflowEnvironment | undefined;
    const now = async () => (env ? Number(await env.currentTimeMs()) : Date.now());
    try {
      env = await TestWorkflowEnvironment.createTimeSkipping({
        client: { interceptors: { workflow: [actorClaimSigner(createTestConfig().ACTOR_CLAIM_SECRET, { now })] } },
        // No --enable-time-skipping: that flag starts the server with skipping
        // unlocked, while the SDK expects it locked and unlocks it itself around
        // result() and sleep() (with the flag, the first sleep() overshoots and the
        // server logs "Unbalanced lock and unlock calls").
        server: { executable: { type: 'existing-path', path: TEST_SERVER_WRAPPER } },
      });
      return env;
    } catch (err) {
      const slowStart = /did not start within/.test(String((err as Error)?.message ?? err));
      if (!slowStart || attempt >= START_ATTEMPTS) throw err;
    }
  }
}
