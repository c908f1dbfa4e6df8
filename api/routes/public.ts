import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Db } from '../../lib/db';
import type { Config } from '../../lib/config';
import { findIncident, type IncidentRow } from '../../services/incidentViews';
import { documentRoute } from '../openapi';
import { policyViewFor } from '../../services/policyView';
import { IncidentIdParams, PublicIncidentSchema, PublicIncidentSummarySchema } from '../schemas';
import { parseParams } from '../validate';

// Public accountability: what was promised, when it was due, whether it was
// met, and what was published. Built field by field from an allow-list so
// nothing private (names, addresses, drafts, comments, summaries) can leak in.

documentRoute({
  method: 'get',
  path: '/api/public/incidents',
  summary: 'Public list of incidents with their deadline record',
  tags: ['public'],
  access: 'public',
  responses: { 200: { description: 'Incidents', schema: z.object({ incidents: z.array(PublicIncidentSummarySchema) }) } },
});
documentRoute({
  method: 'get',
  path: '/api/public/incidents/:id',
  summary: 'Public accountability timeline: published statements and deadlines, met or missed',
  tags: ['public'],
  access: 'public',
  params: IncidentIdParams,
  responses: { 200: { description: 'The incident', schema: PublicIncidentSchema }, 404: { description: 'Unknown incident' } },
});

type PublicDeadlineStatus = 'open' | 'met' | 'missed' | 'waived';

interface DeadlineFacts {
  key: string;
  kind: string;
  title: string;
  dueAt: Date;
  originalDueAt: Date;
  status: 'OPEN' | 'MET' | 'MISSED' | 'WAIVED';
  metAt: Date | null;
}

function publicStatus(d: DeadlineFacts, now: Date): PublicDeadlineStatus {
  if (d.status === 'MET') return 'met';
  if (d.status === 'WAIVED') return 'waived';
  if (d.status === 'MISSED' || d.dueAt <= now) return 'missed';
  return 'open';
}

const publicDeadline = (d: DeadlineFacts, now: Date) => ({
  key: d.key,
  kind: d.kind,
  title: d.title,
  dueAt: d.dueAt.toISOString(),
  originalDueAt: d.originalDueAt.toISOString(),
  extended: d.dueAt.getTime() !== d.originalDueAt.getTime(),
  status: publicStatus(d, now),
  metAt: d.metAt ? d.metAt.toISOString() : null,
  metOnTime: d.metAt ? d.metAt <= d.dueAt : null,
});

function typeLabel(incident: IncidentRow): string {
  try {
    return policyViewFor(incident.policyVersion).incidentTypes.find((t) => t.key === incident.type)?.label ?? incident.type;
  } catch {
    return incident.type;
  }
}

function summarise(incident: IncidentRow, deadlines: DeadlineFacts[], publishedStatements: number, now: Date) {
  const statuses = deadlines.map((d) => publicStatus(d, now));
  return {
    number: incident.number,
    type: incident.type,
    typeLabel: typeLabel(incident),
    severity: incident.severity,
    status: incident.status,
    declaredAt: incident.declaredAt.toISOString(),
    closedAt: incident.closedAt ? incident.closedAt.toISOString() : null,
    publishedStatements,
    deadlines: {
      open: statuses.filter((s) => s === 'open').length,
      met: statuses.filter((s) => s === 'met').length,
      missed: statuses.filter((s) => s === 'missed').length,
    },
  };
}

const deadlineSelect = { incidentId: true, key: true, kind: true, title: true, dueAt: true, originalDueAt: true, status: true, metAt: true } as const;

/**
 * The public incident list, as GET /api/public/incidents returns it. Exported
 * so the web feeds (web/feeds.ts) are built from exactly the same public data.
 */
export async function loadPublicIncidentList(db: Db, now: Date) {
  const incidents = await db.incident.findMany({ orderBy: { declaredAt: 'desc' }, take: 200 });
  const ids = incidents.map((i) => i.id);
  const [deadlines, published] = await Promise.all([
    db.deadline.findMany({ where: { incidentId: { in: ids } }, select: deadlineSelect }),
    db.statement.groupBy({ by: ['incidentId'], where: { incidentId: { in: ids }, status: 'PUBLISHED' }, _count: { _all: true } }),
  ]);
  const publishedBy = new Map(published.map((p) => [p.incidentId, p._count._all]));
  return incidents.map((i) => summarise(i, deadlines.filter((d) => d.incidentId === i.id), publishedBy.get(i.id) ?? 0, now));
}

/** One incident's public record, as GET /api/public/incidents/:id returns it (404 HttpError if unknown). */
export async function loadPublicIncident(db: Db, idOrNumber: string, now: Date) {
  const incident = await findIncident(db, idOrNumber);
  const [deadlines, statements] = await Promise.all([
    db.deadline.findMany({ where: { incidentId: incident.id }, select: deadlineSelect, orderBy: { dueAt: 'asc' } }),
    db.statement.findMany({
      where: { incidentId: incident.id, status: 'PUBLISHED', publishedVersion: { not: null } },
      select: { id: true, kind: true, deadlineKey: true, publishedAt: true, publishedVersion: true, versions: { select: { version: true, title: true, body: true } } },
      orderBy: { publishedAt: 'asc' },
    }),
  ]);
  const publicStatements = statements.flatMap((s) => {
    const text = s.versions.find((v) => v.version === s.publishedVersion);
    if (!text || !s.publishedAt) return [];
    return [{ id: s.id, kind: s.kind, title: text.title, body: text.body, publishedAt: s.publishedAt.toISOString(), deadlineKey: s.deadlineKey }];
  });
  return {
    ...summarise(incident, deadlines, publicStatements.length, now),
    statements: publicStatements,
    deadlineList: deadlines.map((d) => publicDeadline(d, now)),
  };
}

export function createPublicRouter({ db }: { db: Db; temporal: Client; config: Config }): Router {
  const router = Router();

  router.get('/api/public/incidents', async (_req, res, next) => {
    try {
      res.json({ incidents: await loadPublicIncidentList(db, new Date()) });
    } catch (err) {
      next(err);
    }
  });

  router.get('/api/public/incidents/:id', async (req, res, next) => {
    try {
      const { id } = parseParams(IncidentIdParams, req);
      res.json(await loadPublicIncident(db, id, new Date()));
    } catch (err) {
      next(err);
    }
  });

  return router;
}
