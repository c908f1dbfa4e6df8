// Goal 1's engagement sessions, the write side: staff (the policy's
// engagement.scheduleBy) schedule a session of a plan, change or cancel it,
// record its attendance by stakeholder group once it has started (counts
// only), and turn its follow-ups into action items through the plan's own item
// service. Every change is written with its audit event, then told to the
// session's reminder workflow (workflows/engagementSession.ts); a change the
// workflow service cannot take is written back, so nothing half-done stays.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Config } from '../lib/config';
import type { Db } from '../lib/db';
import { appendAudit } from '../lib/audit';
import { tellSessionWorkflow } from '../lib/temporalStart';
import { engagementSessionWorkflowId } from '../domain/ids';
import { isInFuture } from '../domain/overdue';
import type { EngagementPolicy } from '../domain/policy/schema';
import type { EngagementSession, SessionAttendance } from '../generated/prisma/client';
import { currentPolicy } from '../policy/index';
import { addItem, type ItemRequest } from './actionItems';
import { conflict, notFound, unavailable, unprocessable } from './errors';
import { assertPlanActive, type Actor } from './planService';
import { findPlan } from './planViews';

export interface SessionServiceDeps {
  db: Db;
  temporal: Client;
  config: Pick<Config, 'TEMPORAL_TASK_QUEUE' | 'CITY_TIME_ZONE' | 'PUBLIC_BASE_URL' | 'ITEM_WORKFLOW_WAKE_LEAD_SECONDS'>;
}

export interface SessionFields {
  title: string;
  description: string;
  startsAt: string;
  endsAt: string;
  place?: string | null;
  onlineUrl?: string | null;
  languages: string[];
  accessibilityNotes: string;
}

export type SessionChange = Partial<SessionFields>;

export interface AttendanceRequest {
  counts: { group: string; count: number }[];
  notes: string;
}

type SessionRow = EngagementSession & { attendance: SessionAttendance[]; followUps?: { id: string; title: string; dueAt: Date; status: string }[] };

/** The policy's engagement section; a policy without one schedules no sessions. */
export function engagementPolicy(): EngagementPolicy {
  const engagement = currentPolicy().engagement;
  if (!engagement) throw conflict('the policy in force has no engagement section: sessions cannot be scheduled', 'no_engagement_policy');
  return engagement;
}

/** The rules a schema cannot state, on the session as it would be after the change: 422 naming the field. */
function checkSession(fields: SessionFields, now: Date, startsAtChanged: boolean): { startsAt: Date; endsAt: Date } {
  const startsAt = new Date(fields.startsAt);
  const endsAt = new Date(fields.endsAt);
  if (Number.isNaN(startsAt.getTime())) throw unprocessable('startsAt', 'is not a real date and time', { code: 'invalid_date' });
  if (Number.isNaN(endsAt.getTime())) throw unprocessable('endsAt', 'is not a real date and time', { code: 'invalid_date' });
  if (startsAtChanged && !isInFuture(startsAt, now)) throw unprocessable('startsAt', 'must be in the future', { code: 'in_past' });
  if (endsAt.getTime() <= startsAt.getTime()) throw unprocessable('endsAt', 'must be later than startsAt', { code: 'ends_before_start' });
  if (!fields.place && !fields.onlineUrl) throw unprocessable('place', 'give a place, an online link (onlineUrl), or both', { code: 'place_or_link' });
  if (fields.onlineUrl) {
    let url: URL;
    try {
      url = new URL(fields.onlineUrl);
    } catch {
      throw unprocessable('onlineUrl', 'must be a web address such as https://meet.example.org/session', { code: 'invalid_url' });
    }
    if (url.protocol !== 'https:') throw unprocessable('onlineUrl', 'must be an https:// link', { code: 'https_only' });
  }
  if (new Set(fields.languages).size !== fields.languages.length) throw unprocessable('languages', 'names a language twice', { code: 'duplicate' });
  return { startsAt, endsAt };
}

/** Tells the reminder workflow of the session as it now is (lib/temporalStart.ts). */
const tellWorkflow = (deps: SessionServiceDeps, row: EngagementSession, announce: boolean) =>
  tellSessionWorkflow(deps.temporal, deps.config, row, engagementPolicy, announce);

const sessionInclude = {
  attendance: true,
  followUps: { select: { id: true, title: true, dueAt: true, status: true }, orderBy: { createdAt: 'asc' as const } },
};

async function findSession(db: Db, sessionId: string): Promise<SessionRow> {
  const row = await db.engagementSession.findUnique({ where: { id: sessionId }, include: sessionInclude });
  if (!row) throw notFound('engagement session');
  return row;
}

/** A session as staff see it: everything, the notes and follow-ups included. */
export function sessionJson(row: SessionRow) {
  return {
    id: row.id,
    planId: row.planId,
    title: row.title,
    description: row.description,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    place: row.place,
    onlineUrl: row.onlineUrl,
    languages: row.languages,
    accessibilityNotes: row.accessibilityNotes,
    status: row.status,
    notes: row.notes,
    attendance: Object.fromEntries(row.attendance.map((a) => [a.group, a.count])),
    heldAt: row.heldAt?.toISOString() ?? null,
    cancelledAt: row.cancelledAt?.toISOString() ?? null,
    followUps: (row.followUps ?? []).map((i) => ({ id: i.id, title: i.title, dueAt: i.dueAt.toISOString(), status: i.status })),
  };
}

export async function scheduleSession(deps: SessionServiceDeps, planId: string, fields: SessionFields, actor: Actor) {
  engagementPolicy();
  const plan = await findPlan(deps.db, planId);
  const { startsAt, endsAt } = checkSession(fields, new Date(), true);
  assertPlanActive(plan);
  const id = randomUUID();
  const row = await deps.db.$transaction(async (tx) => {
    const created = await tx.engagementSession.create({
      data: {
        id,
        planId,
        title: fields.title,
        description: fields.description,
        startsAt,
        endsAt,
        place: fields.place ?? null,
        onlineUrl: fields.onlineUrl ?? null,
        languages: fields.languages,
        accessibilityNotes: fields.accessibilityNotes,
        workflowId: engagementSessionWorkflowId(id),
        createdById: actor.id,
      },
    });
    await appendAudit(tx, {
      actorId: actor.id,
      actorLabel: actor.name,
      action: 'session.scheduled',
      entityType: 'EngagementSession',
      entityId: id,
      planId,
      data: { title: fields.title, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString() },
    });
    return created;
  });
  try {
    await tellWorkflow(deps, row, true);
  } catch {
    await deps.db.$transaction(async (tx) => {
      await tx.engagementSession.delete({ where: { id } });
      await appendAudit(tx, { actorId: actor.id, actorLabel: actor.name, action: 'session.scheduling_rolled_back', entityType: 'EngagementSession', entityId: id, planId });
    });
    throw unavailable('could not start the session reminders; nothing was recorded, try again');
  }
  return sessionJson(await findSession(deps.db, id));
}

/** Writes a change, then tells the workflow; when it cannot be told, the row goes back to what it was. */
async function changeSession(
  deps: SessionServiceDeps,
  before: SessionRow,
  data: Parameters<Db['engagementSession']['update']>[0]['data'],
  audit: { action: string; data?: object },
  actor: Actor,
): Promise<void> {
  const row = await deps.db.$transaction(async (tx) => {
    const updated = await tx.engagementSession.update({ where: { id: before.id }, data });
    await appendAudit(tx, { actorId: actor.id, actorLabel: actor.name, action: audit.action, entityType: 'EngagementSession', entityId: before.id, planId: before.planId, data: audit.data });
    return updated;
  });
  try {
    await tellWorkflow(deps, row, false);
  } catch {
    const { attendance: _attendance, followUps: _followUps, id: _id, planId: _planId, createdAt: _createdAt, updatedAt: _updatedAt, ...previous } = before;
    const restored = await deps.db.$transaction(async (tx) => {
      const back = await tx.engagementSession.update({ where: { id: before.id }, data: previous });
      await appendAudit(tx, { actorId: actor.id, actorLabel: actor.name, action: `${audit.action}_rolled_back`, entityType: 'EngagementSession', entityId: before.id, planId: before.planId });
      return back;
    });
    // The failed call may have reached the workflow all the same (an answer lost, a deadline passed after
    // the signal landed): the restored row, a newer revision, puts it back. If this call fails too, the
    // first one most likely never arrived either.
    await tellWorkflow(deps, restored, false).catch(() => undefined);
    throw unavailable('could not update the session reminders; nothing was changed, try again');
  }
}

/** Changes a scheduled session; a new time restarts its reminders. */
export async function updateSession(deps: SessionServiceDeps, sessionId: string, change: SessionChange, actor: Actor) {
  const before = await findSession(deps.db, sessionId);
  if (before.status !== 'SCHEDULED') throw conflict(`the session is ${before.status.toLowerCase()}; only a scheduled session can change`, 'session_not_scheduled');
  const fields: SessionFields = {
    title: change.title ?? before.title,
    description: change.description ?? before.description,
    startsAt: change.startsAt ?? before.startsAt.toISOString(),
    endsAt: change.endsAt ?? before.endsAt.toISOString(),
    place: change.place === undefined ? before.place : change.place,
    onlineUrl: change.onlineUrl === undefined ? before.onlineUrl : change.onlineUrl,
    languages: change.languages ?? before.languages,
    accessibilityNotes: change.accessibilityNotes ?? before.accessibilityNotes,
  };
  const { startsAt, endsAt } = checkSession(fields, new Date(), change.startsAt !== undefined);
  await changeSession(
    deps,
    before,
    {
      title: fields.title,
      description: fields.description,
      startsAt,
      endsAt,
      place: fields.place ?? null,
      onlineUrl: fields.onlineUrl ?? null,
      languages: fields.languages,
      accessibilityNotes: fields.accessibilityNotes,
    },
    { action: 'session.changed', data: { fields: Object.keys(change), startsAt: startsAt.toISOString() } },
    actor,
  );
  return sessionJson(await findSession(deps.db, sessionId));
}

export async function cancelSession(deps: SessionServiceDeps, sessionId: string, reason: string, actor: Actor) {
  const before = await findSession(deps.db, sessionId);
  if (before.status !== 'SCHEDULED') throw conflict(`the session is ${before.status.toLowerCase()}; only a scheduled session can be cancelled`, 'session_not_scheduled');
  await changeSession(deps, before, { status: 'CANCELLED', cancelledAt: new Date() }, { action: 'session.cancelled', data: { reason } }, actor);
  return sessionJson(await findSession(deps.db, sessionId));
}

/**
 * Records who came, by stakeholder group (counts only), and the staff's
 * notes; the session is then HELD. Only once it has started (409 before);
 * recording again corrects the counts.
 */
export async function recordAttendance(deps: SessionServiceDeps, sessionId: string, request: AttendanceRequest, actor: Actor) {
  const groups = new Set(engagementPolicy().groups.map((g) => g.key));
  const before = await findSession(deps.db, sessionId);
  if (request.counts.length === 0) throw unprocessable('counts', 'count at least one stakeholder group', { code: 'min_items', params: { min: 1 } });
  request.counts.forEach(({ group }, i) => {
    if (!groups.has(group)) throw unprocessable(`counts.${i}.group`, `is not a stakeholder group of the policy (${[...groups].join(', ')})`, { code: 'unknown' });
    if (request.counts.findIndex((c) => c.group === group) !== i) throw unprocessable(`counts.${i}.group`, `${group} is counted twice`, { code: 'duplicate' });
  });
  const counts = Object.fromEntries(request.counts.map((c) => [c.group, c.count]));
  if (before.status === 'CANCELLED') throw conflict('the session was cancelled; it has no attendance', 'session_cancelled');
  if (before.startsAt.getTime() > Date.now()) throw conflict('the session has not started yet; record its attendance once it has', 'session_not_started');
  const data = {
    status: 'HELD' as const,
    heldAt: before.heldAt ?? new Date(),
    notes: request.notes,
    attendance: {
      deleteMany: {},
      create: request.counts.map(({ group, count }) => ({ group, count })),
    },
  };
  // The reminder workflow is not told: it ends by itself when the session starts, which has happened.
  await deps.db.$transaction(async (tx) => {
    await tx.engagementSession.update({ where: { id: before.id }, data });
    await appendAudit(tx, {
      actorId: actor.id,
      actorLabel: actor.name,
      action: 'session.attendance_recorded',
      entityType: 'EngagementSession',
      entityId: before.id,
      planId: before.planId,
      data: { counts },
    });
  });
  return sessionJson(await findSession(deps.db, sessionId));
}

/** A follow-up of a held session becomes an action item of its plan, by the plan's own item service (and its workflow). */
export async function addFollowUp(deps: SessionServiceDeps, sessionId: string, request: ItemRequest, actor: Actor) {
  const session = await findSession(deps.db, sessionId);
  if (session.status !== 'HELD') throw conflict('follow-ups come after the session: record its attendance first', 'session_not_held');
  return addItem(deps, session.planId, request, actor, { engagementSessionId: session.id });
}

/** Staff's list of a plan's sessions, soonest first. */
export async function listPlanSessions(db: Db, planId: string) {
  await findPlan(db, planId);
  const rows = await db.engagementSession.findMany({ where: { planId }, include: sessionInclude, orderBy: { startsAt: 'asc' } });
  return { sessions: rows.map(sessionJson) };
}

export async function sessionDetail(db: Db, sessionId: string) {
  return sessionJson(await findSession(db, sessionId));
}
