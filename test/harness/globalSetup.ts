import { ADMIN_URL_ENV, startTestCluster, type TestCluster } from './pgCluster';

declare global {
  // eslint-disable-next-line no-var
  var __commonGroundTestCluster: TestCluster | undefined;
}

/**
 * Jest global setup: one throwaway PostgreSQL cluster for the whole run, whose
 * admin URL the workers inherit. A URL already in the environment (an existing
 * server) is used as is.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env[ADMIN_URL_ENV]) return;
  const cluster = await startTestCluster();
  globalThis.__commonGroundTestCluster = cluster;
  process.env[ADMIN_URL_ENV] = cluster.adminUrl;
}
