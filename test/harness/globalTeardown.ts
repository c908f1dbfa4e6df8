import { ADMIN_URL_ENV } from './pgCluster';

export default async function globalTeardown(): Promise<void> {
  const cluster = globalThis.__commonGroundTestCluster;
  if (!cluster) return;
  cluster.stop();
  globalThis.__commonGroundTestCluster = undefined;
  delete process.env[ADMIN_URL_ENV];
}
