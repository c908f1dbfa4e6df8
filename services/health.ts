// Whether the database and the Temporal server answer, for GET /healthz.
import type { Client } from '@temporalio/client';
import type { Db } from '../lib/db';
import { withTimeout } from './timeLimit';

const HEALTH_CHECK_DEADLINE_MS = 2000;

type Reachability = 'ok' | 'down';

async function probe(check: () => Promise<unknown>): Promise<Reachability> {
  try {
    await withTimeout(check(), HEALTH_CHECK_DEADLINE_MS);
    return 'ok';
  } catch {
    return 'down';
  }
}

export async function checkHealth({ db, temporal }: { db: Db; temporal: Client }) {
  const [database, temporalStatus] = await Promise.all([
    probe(() => db.$queryRaw`SELECT 1`),
    probe(() => temporal.withDeadline(Date.now() + HEALTH_CHECK_DEADLINE_MS, () => temporal.workflowService.getSystemInfo({}))),
  ]);
  const ok = database === 'ok' && temporalStatus === 'ok';
  return { status: ok ? ('ok' as const) : ('degraded' as const), checks: { database, temporal: temporalStatus } };
}
