// Prometheus metrics of an API process, served at GET /metrics (scraped per
// process; the proxy does not forward /metrics). Two kinds:
//  - this process's HTTP traffic: request count and latency by route and
//    status code (rate, latency percentiles and 5xx come from these), plus
//    Node's process metrics;
//  - what the whole system has done, read from the database at scrape time
//    (any API process reports the same figures): notifications by channel and
//    status, escalations fired, deadlines missed.
// The worker processes serve the Temporal SDK's own metrics separately
// (WORKER_METRICS_ADDRESS).
import { Router, type RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../lib/db';
import { isDeadlineOverdue } from '../domain/overdue';
import { routeOf } from './requestLog';

/** The audit actions that record an escalation, by what escalated. */
export const ESCALATION_ACTIONS = ['incident.ack-escalated-to-backup', 'deadline.overdue-escalated', 'item.escalated'] as const;

/** Figures read from the database are reused for this long, however many scrapers ask. */
const DB_FIGURES_TTL_MS = 10_000;

interface DbFigures {
  notifications: { channel: string; status: string; count: number }[];
  escalations: { action: string; count: number }[];
  missedDeadlines: Map<string, number>;
}

async function readDbFigures(db: Db, now: Date): Promise<DbFigures> {
  const [notifications, escalations, deadlines] = await Promise.all([
    db.notification.groupBy({ by: ['channel', 'status'], _count: { _all: true } }),
    db.auditEvent.groupBy({ by: ['action'], where: { action: { in: [...ESCALATION_ACTIONS] } }, _count: { _all: true } }),
    db.deadline.findMany({ where: { status: { in: ['MISSED', 'OPEN'] } }, select: { kind: true, status: true, dueAt: true } }),
  ]);
  const missedDeadlines = new Map<string, number>();
  for (const deadline of deadlines) {
    if (isDeadlineOverdue(deadline, now)) missedDeadlines.set(deadline.kind, (missedDeadlines.get(deadline.kind) ?? 0) + 1);
  }
  return {
    notifications: notifications.map((row) => ({ channel: row.channel, status: row.status, count: row._count._all })),
    escalations: escalations.map((row) => ({ action: row.action, count: row._count._all })),
    missedDeadlines,
  };
}

export interface ApiMetrics {
  registry: Registry;
  /** Counts and times every request; mount before the routes. */
  recordRequests: RequestHandler;
  /** GET /metrics */
  router: Router;
  /** The last readiness result per dependency (api/routes/readiness.ts reports here). */
  setDependencyUp(dependency: string, up: boolean): void;
}

export function createApiMetrics({ db }: { db: Db }): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'commonground_api_' });

  const requests = new Counter({
    name: 'commonground_http_requests_total',
    help: 'HTTP requests answered by this API process, by route pattern and status code',
    labelNames: ['method', 'route', 'code'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'commonground_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const dependencyUp = new Gauge({
    name: 'commonground_dependency_up',
    help: 'Result of the last readiness check of each dependency (1 up, 0 down)',
    labelNames: ['dependency'] as const,
    registers: [registry],
  });
  const dbFiguresUp = new Gauge({
    name: 'commonground_db_figures_up',
    help: '1 when the figures below were read from the database at this scrape, 0 when the read failed',
    registers: [registry],
  });

  // Every gauge below waits on the same read, so one scrape costs one round of queries.
  let cached: { at: number; figures: Promise<DbFigures> } | undefined;
  const figures = async (): Promise<DbFigures | undefined> => {
    if (!cached || Date.now() - cached.at > DB_FIGURES_TTL_MS) cached = { at: Date.now(), figures: readDbFigures(db, new Date()) };
    try {
      const result = await cached.figures;
      dbFiguresUp.set(1);
      return result;
    } catch {
      cached = undefined;
      dbFiguresUp.set(0);
      return undefined;
    }
  };

  new Gauge({
    name: 'commonground_notifications',
    help: 'Notifications recorded, by channel and current status (PENDING, SENT, DELIVERED, FAILED, UNDELIVERABLE)',
    labelNames: ['channel', 'status'] as const,
    registers: [registry],
    async collect() {
      const read = await figures();
      if (!read) return;
      this.reset();
      for (const row of read.notifications) this.set({ channel: row.channel, status: row.status }, row.count);
    },
  });
  new Gauge({
    name: 'commonground_escalations_fired',
    help: 'Escalations fired so far (audit log), by kind: silent official to backup, overdue deadline, overdue action item',
    labelNames: ['kind'] as const,
    registers: [registry],
    async collect() {
      const read = await figures();
      if (!read) return;
      for (const action of ESCALATION_ACTIONS) this.set({ kind: action }, read.escalations.find((row) => row.action === action)?.count ?? 0);
    },
  });
  new Gauge({
    name: 'commonground_deadlines_missed',
    help: 'Incident deadlines missed or open past their due time (domain/overdue), by kind',
    labelNames: ['kind'] as const,
    registers: [registry],
    async collect() {
      const read = await figures();
      if (!read) return;
      this.reset();
      for (const [kind, count] of read.missedDeadlines) this.set({ kind }, count);
    },
  });

  const recordRequests: RequestHandler = (req, res, next) => {
    const stopTimer = latency.startTimer();
    res.on('finish', () => {
      const labels = { method: req.method, route: routeOf(req) };
      stopTimer(labels);
      requests.inc({ ...labels, code: String(res.statusCode) });
    });
    next();
  };

  const router = Router();
  router.get('/metrics', async (_req, res, next) => {
    try {
      res.setHeader('Content-Type', registry.contentType);
      res.send(await registry.metrics());
    } catch (err) {
      next(err);
    }
  });

  return {
    registry,
    recordRequests,
    router,
    setDependencyUp: (dependency, up) => dependencyUp.set({ dependency }, up ? 1 : 0),
  };
}
