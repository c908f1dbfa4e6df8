// Upgrading Temporal from the previous pinned release (v1.28.1, schema 1.17)
// to this one (v1.29.1, schema 1.18) with live workflows, the way README
// "Deploying" tells an operator to: a cluster of its own is created at the old
// schema version and run on the old server; a workflow starts and makes
// progress; the server stops; temporal-sql-tool upgrades both schemas; the new
// server starts on them and the same workflow runs to its end.
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Worker } from '@temporalio/worker';
import { Client as PgClient } from 'pg';
import { temporalConnectionOptions } from '../../lib/temporalConnection';
import { installQuietRuntime } from '../harness/runtime';
import { allocatePorts, readEnvFile, runScript, scriptEnv, topologyInfo, type TopologyPorts } from './harness/infra';
import { eventually } from './harness/incidents';

const PREVIOUS = { server: '1.28.1', schema: '1.17' };
const CURRENT = { server: '1.29.1', schema: '1.18' };

let dataDir: string;
let ports: TopologyPorts;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dataDir = path.join(topologyInfo().dataDir, 'upgrade');
  ports = await allocatePorts();
  env = scriptEnv(dataDir, ports);
});

afterAll(() => {
  if (env) runScript('scripts/down.sh', ['--topology', 'production', '--destroy'], env);
});

async function schemaVersion(database: 'temporal' | 'temporal_visibility'): Promise<string> {
  const secrets = readEnvFile(path.join(dataDir, 'secrets.env'));
  const pg = new PgClient({ connectionString: `postgresql://commonground:${secrets.PG_ADMIN_PASSWORD}@127.0.0.1:${ports.pg}/${database}` });
  await pg.connect();
  try {
    return (await pg.query<{ curr_version: string }>('SELECT curr_version FROM schema_version')).rows[0].curr_version;
  } finally {
    await pg.end();
  }
}

test('a cluster made by the previous release is upgraded with temporal-sql-tool and its workflows run on', async () => {
  const certDir = path.join(dataDir, 'certs');
  runScript('scripts/make-certs.sh', [certDir], env);
  runScript('scripts/topology/postgres.sh', [], env);
  runScript('scripts/topology/temporal-schema.sh', ['--version', PREVIOUS.schema], env);
  expect(await schemaVersion('temporal')).toBe(PREVIOUS.schema);
  runScript('scripts/topology/temporal-server.sh', ['start', '--previous'], env);

  const options = (cert: string) =>
    temporalConnectionOptions({
      TEMPORAL_ADDRESS: `127.0.0.1:${ports.temporal}`,
      TEMPORAL_TLS_CA_FILE: path.join(certDir, 'ca.pem'),
      TEMPORAL_TLS_CERT_FILE: path.join(certDir, `${cert}.pem`),
      TEMPORAL_TLS_KEY_FILE: path.join(certDir, `${cert}-key.pem`),
      TEMPORAL_TLS_SERVER_NAME: 'temporal',
    });
  const connection = await Connection.connect(options('cli'));
  const client = new Client({ connection, namespace: 'default' });
  installQuietRuntime();
  const nativeConnection = await NativeConnection.connect(options('worker'));
  try {
    expect((await client.workflowService.getSystemInfo({})).serverVersion).toBe(PREVIOUS.server);
    await client.workflowService.registerNamespace({ namespace: 'default', workflowExecutionRetentionPeriod: msToTs('72h') });

    const taskQueue = 'schema-upgrade';
    const { code } = await bundleWorkflowCode({
      workflowsPath: require.resolve('./fixtures/rollout-v1/workflows'),
      logger: new DefaultLogger('WARN'),
    });
    const worker = await Worker.create({ connection: nativeConnection, namespace: 'default', taskQueue, workflowBundle: { code } });
    const running = worker.run();
    try {
      // The namespace may take a moment to reach every service of a fresh cluster.
      const handle = await eventually(
        () => client.workflow.start('rolloutFixture', { taskQueue, workflowId: 'upgrade-across-releases' }),
        'the namespace to accept a workflow',
        30_000,
        500,
      );
      await handle.signal('step');
      await eventually(async () => JSON.stringify(await handle.query('handled')) === '["old"]', 'step 1 on the previous release');

      runScript('scripts/topology/temporal-server.sh', ['stop'], env);
      runScript('scripts/topology/temporal-schema.sh', [], env);
      expect(await schemaVersion('temporal')).toBe(CURRENT.schema);
      runScript('scripts/topology/temporal-server.sh', ['start'], env);
      expect((await client.workflowService.getSystemInfo({})).serverVersion).toBe(CURRENT.server);

      // The worker reconnected by itself; the workflow carries on where it was.
      await handle.signal('step');
      expect(await handle.result()).toEqual(['old', 'old']);
      const history = await handle.fetchHistory();
      expect(history.events!.filter((event) => event.workflowTaskFailedEventAttributes)).toEqual([]);
    } finally {
      worker.shutdown();
      await running;
    }
  } finally {
    await nativeConnection.close();
    await connection.close();
  }
});
