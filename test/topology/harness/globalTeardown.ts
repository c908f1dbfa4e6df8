import { runScript, scriptEnv, TOPOLOGY_ENV, topologyInfo } from './infra';

export default async function globalTeardown(): Promise<void> {
  if (!process.env[TOPOLOGY_ENV]) return;
  const { dataDir, ports } = topologyInfo();
  runScript('scripts/down.sh', ['--topology', 'production', '--destroy'], scriptEnv(dataDir, ports));
  delete process.env[TOPOLOGY_ENV];
}
