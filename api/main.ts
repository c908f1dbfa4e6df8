import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { actorClaimSigner } from '../lib/actorClaims';
import { config as loadConfig } from '../lib/config';
import { createDb, dbOptionsFrom, openPool } from '../lib/db';
import { refuseDemoCredentials } from '../lib/demoCredentials';
import { createJsonLogger } from '../lib/jsonLog';
import { temporalConnectionOptions } from '../lib/temporalConnection';
import { initPolicy } from '../policy/load';
import { createApp } from './app';
import { rehearseDeclarationRecord } from '../services/declareIncident';
import { workflowIdRecorder } from './requestLog';

const log = createJsonLogger('api');

/** In-flight requests get this long to finish on SIGTERM/SIGINT before we exit anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  const config = loadConfig();
  // An invalid POLICY_FILE stops start-up here, naming the bad field.
  const policy = initPolicy(config);
  const db = createDb(config.DATABASE_URL, dbOptionsFrom(config));
  // The README publishes the demo tokens and password: production does not start while one would let someone in.
  await refuseDemoCredentials(db, config.MODE);
  const connection = await Connection.connect(temporalConnectionOptions(config));
  // Every update this client sends carries the actor claim the workflows verify (docs/security-temporal.md);
  // the recorder puts the workflow ids a request touched into its log line.
  const temporal = new Client({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    interceptors: { workflow: [actorClaimSigner(config.ACTOR_CLAIM_SECRET), workflowIdRecorder] },
  });

  // Before listening: the first request (a declaration, say) should not be the one that opens the pool.
  await openPool(db, config.DATABASE_POOL_SIZE);
  await rehearseDeclarationRecord(db, config).catch((err: unknown) => log('warn', 'declaration rehearsal failed; the first declaration pays for it', { error: String(err) }));
  const app = createApp({ db, temporal, config });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.API_PORT, config.API_HOST, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.API_PORT;
  log('info', 'listening', { url: `http://${config.API_HOST}:${port}`, policy: policy.version, temporal: config.TEMPORAL_ADDRESS, pid: process.pid });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log('info', 'closing', { signal });
    const force = setTimeout(() => {
      log('error', 'requests still running after the grace period; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    server.close(async () => {
      await Promise.allSettled([db.$disconnect(), connection.close()]);
      clearTimeout(force);
      process.exit(0);
    });
    // Idle keep-alive sockets would otherwise hold close() open until they time out.
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  log('error', 'failed to start', { error: err });
  process.exit(1);
});
