// Shared set-up for the incident and statement workflow tests: a Temporal
// server (the Java time-skipping one by default, or the real dev server), a
// fresh migrated database with the demo roster, a worker running the real
// incident activities, and a recording sendNotification (our own activity
// boundary; the system tests use the real one with the sinks).
import type { WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../domain/failures';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { OutboundMessageV1, SendResultV1 } from '../../domain/contracts/notificationActivities';
import type { PublicFanOutRequestV1 } from '../../domain/contracts/publicFanOut';
import { createIncidentActivities } from '../../activities/incidents';
import type { Db } from '../../lib/db';
import { incidentWorkflowId, notificationKey } from '../../domain/ids';
import type { Person } from '../../generated/prisma/client';
import type { ActorV1 } from '../../domain/contracts/common';
import type { DeclareIncidentInputV1 } from '../../domain/contracts/incident';
import type { incidentWorkflow } from '../../workflows';
import type { IncidentRunOptionsV1 } from '../../domain/contracts/incidentRun';
import { seedDemoRoster } from '../../scripts/seed-roster';
import { createTestDatabase, type TestDatabase } from './database';
import { createLocalTemporalEnv } from './localTemporal';
import { createTimeSkippingEnv, terminateIdleWorkflow } from './timeSkipping';
import { createTestWorker } from './worker';
import { batchThrough } from './notificationBatch';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Real time for one multi-step workflow test; generous because the whole suite shares two cores. */
export const WORKFLOW_TEST_TIMEOUT_MS = 120_000;

export interface RecordedMessage extends OutboundMessageV1 {
  key: string;
}

export interface IncidentTestContext {
  env: TestWorkflowEnvironment;
  database: TestDatabase;
  db: Db;
  worker: Worker;
  people: Record<string, Person>;
  taskQueue: string;
  /** Every sendNotification call, in order (retries of the same key recorded once). */
  sent: RecordedMessage[];
  /** While true, sendNotification fails as a provider outage would (retryable). */
  providersDown: boolean;
  /** Every startPublicFanOut call (what the incident told the public), in order; the fan-out itself is not run here. */
  publicEvents: PublicFanOutRequestV1[];
  /** Messages the provider refuses for good (UndeliverableRecipient), e.g. a call to a number that cannot be called. */
  refuses: (message: OutboundMessageV1) => boolean;
  stop(): Promise<void>;
}

export interface IncidentTestContextOptions {
  /** 'time-skipping' (default): the Java test server; 'local': the real dev server (no time skipping). */
  server?: 'time-skipping' | 'local';
}

export async function startIncidentTestContext(taskQueue: string, options: IncidentTestContextOptions = {}): Promise<IncidentTestContext> {
  const env = options.server === 'local' ? await createLocalTemporalEnv() : await createTimeSkippingEnv();
  const database = await createTestDatabase();
  const { people } = await seedDemoRoster(database.db, { embeddedTokens: false });
  const sent: RecordedMessage[] = [];
  const seen = new Set<string>();
  const sendNotification = async (message: OutboundMessageV1): Promise<SendResultV1> => {
    if (ctx.providersDown) throw new Error('provider unavailable (simulated outage)');
    const key = notificationKey(message);
    if (ctx.refuses(message)) {
      throw ApplicationFailure.create({ type: FailureType.UndeliverableRecipient, message: 'refused (simulated)', nonRetryable: true, details: [{ notificationId: key }] });
    }
    if (seen.has(key)) return { notificationId: key, idempotencyKey: key, status: 'ALREADY_SENT', providerMessageId: null };
    seen.add(key);
    sent.push({ ...message, key });
    return { notificationId: key, idempotencyKey: key, status: 'SENT', providerMessageId: null };
  };
  const publicEvents: PublicFanOutRequestV1[] = [];
  const startPublicFanOut = async (request: PublicFanOutRequestV1) => {
    publicEvents.push(request);
    return { workflowId: 'public-fan-out-recorded' };
  };
  const worker = await createTestWorker(env, null, {
    taskQueue,
    activities: {
      ...(createIncidentActivities({ db: database.db, config: { POLICY_FILE: undefined } }) as unknown as Record<
        string,
        (...args: any[]) => Promise<unknown>
      >),
      sendNotification,
      sendNotificationBatch: batchThrough(sendNotification),
      startPublicFanOut,
    },
  });
  const running = worker.run();
  const ctx: IncidentTestContext = {
    providersDown: false,
    refuses: () => false,
    env,
    database,
    db: database.db,
    worker,
    people,
    taskQueue,
    sent,
    publicEvents,
    async stop() {
      worker.shutdown();
      await running.catch(() => undefined);
      await env.teardown();
      await database.drop();
    },
  };
  return ctx;
}

/**
 * One incident test context for the whole test file: started in beforeAll,
 * stopped in afterAll. The returned object stands for the context once
 * beforeAll has run (reads and writes go through to it).
 */
export function useIncidentTestContext(taskQueue: string, options: IncidentTestContextOptions = {}): IncidentTestContext {
  let current: IncidentTestContext | undefined;
  beforeAll(async () => {
    current = await startIncidentTestContext(taskQueue, options);
  }, 120_000);
  afterAll(async () => {
    await current?.stop();
  });
  const started = (): IncidentTestContext => {
    if (!current) throw new Error('the incident test context is used before beforeAll started it');
    return current;
  };
  return new Proxy({} as IncidentTestContext, {
    get: (_target, key) => Reflect.get(started(), key),
    set: (_target, key, value) => Reflect.set(started(), key, value),
  });
}

export const actor = (person: Person): ActorV1 => ({ personId: person.id, name: person.name, roles: [...person.roles] as ActorV1['roles'] });

let sequence = 0;

/** Writes the Incident row as the API does, without starting its workflow; returns the workflow's input. */
export async function recordIncident(
  ctx: IncidentTestContext,
  options: { severity: 1 | 2 | 3; type?: string; title?: string; policyVersion?: string },
): Promise<{ input: DeclareIncidentInputV1; workflowId: string; declaredAt: number }> {
  // clayton-2026.1 unless a test asks for another: the tests written for it keep testing it.
  const policyVersion = options.policyVersion ?? 'clayton-2026.1';
  sequence += 1;
  const number = `CI-2026-${String(9000 + sequence)}`;
  const declaredAt = await ctx.env.currentTimeMs();
  const declarer = ctx.people.cityManager;
  const row = await ctx.db.incident.create({
    data: {
      number,
      workflowId: incidentWorkflowId(number),
      type: options.type ?? 'OFFICER_INVOLVED_SHOOTING',
      severity: options.severity,
      title: options.title ?? `Test incident ${number}`,
      summary: 'Officers responded to a call on Forsyth Boulevard.',
      policyVersion,
      declaredById: declarer.id,
      declaredAt: new Date(declaredAt),
    },
  });
  const input: DeclareIncidentInputV1 = {
    version: 1,
    incidentId: row.id,
    incidentNumber: number,
    type: row.type,
    severity: options.severity,
    title: row.title,
    summary: row.summary,
    declaredBy: actor(declarer),
    declaredAt: new Date(declaredAt).toISOString(),
    policyVersion,
  };
  return { input, workflowId: row.workflowId, declaredAt };
}

/** Writes the Incident row (as the API does) and starts its workflow. */
export async function declareIncident(
  ctx: IncidentTestContext,
  options: { severity: 1 | 2 | 3; type?: string; title?: string; policyVersion?: string; runOptions?: IncidentRunOptionsV1 },
): Promise<{ handle: WorkflowHandleWithFirstExecutionRunId<typeof incidentWorkflow>; input: DeclareIncidentInputV1; declaredAt: number }> {
  const { input, workflowId, declaredAt } = await recordIncident(ctx, options);
  const handle = await ctx.env.client.workflow.start<typeof incidentWorkflow>('incidentWorkflow', {
    taskQueue: ctx.taskQueue,
    workflowId,
    args: options.runOptions ? [input, options.runOptions] : [input],
  });
  return { handle, input, declaredAt };
}

/** Polls (in real time, which the test server does not skip) until `check` stops throwing. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 30_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() - started > timeoutMs) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

export const messagesFor = (ctx: IncidentTestContext, workflowId: string, purpose?: string) =>
  ctx.sent.filter((m) => m.workflowId === workflowId && (purpose === undefined || m.purpose === purpose));

/** Person ids that got `purpose` from `workflowId`, on both channels, sorted. */
export function recipientsOf(ctx: IncidentTestContext, workflowId: string, purpose: string, attemptGroup?: string): string[] {
  const messages = messagesFor(ctx, workflowId, purpose).filter((m) => attemptGroup === undefined || m.attemptGroup === attemptGroup);
  const byPerson = new Map<string, Set<string>>();
  for (const m of messages) byPerson.set(m.personId, (byPerson.get(m.personId) ?? new Set()).add(m.channel));
  for (const [personId, channels] of byPerson) {
    if (!channels.has('EMAIL') || !channels.has('SMS')) throw new Error(`${purpose} reached ${personId} on ${[...channels].join('+')} only`);
  }
  return [...byPerson.keys()].sort();
}

export const ids = (...people: Person[]) => people.map((p) => p.id).sort();

/** Terminates a workflow once it has nothing in flight (see terminateIdleWorkflow: the test server's lock quirk). */
export async function terminateWhenIdle(ctx: IncidentTestContext, workflowId: string): Promise<void> {
  await terminateIdleWorkflow(ctx.env, workflowId);
}

/** Moves the test server's clock to `at` (ms since epoch); never backwards. */
export async function skipTo(ctx: IncidentTestContext, at: number): Promise<void> {
  const now = await ctx.env.currentTimeMs();
  if (at > now) await ctx.env.sleep(at - now);
}

/** The failure type of a rejected update (WorkflowUpdateFailedError -> ApplicationFailure). */
export async function failureTypeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (err) {
    const cause = (err as { cause?: { type?: string } }).cause;
    return cause?.type ?? (err as { type?: string }).type ?? `untyped: ${String(err)}`;
  }
  throw new Error('expected the update to be rejected');
}
