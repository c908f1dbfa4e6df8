// The after-action report: what was promised, when it was due, whether it was
// met, who acknowledged and how fast, and the full audited timeline. Built
// from the database only, so it can be re-rendered at any time with the same
// answer for the same records.
import type { TxClient } from '../lib/audit';
import type { Db } from '../lib/db';

export type DeadlineOutcome = 'met on time' | 'missed' | 'delivered late' | 'waived' | 'open';

export interface AfterActionReportV1 {
  version: 1;
  generatedAt: string;
  /** False while the after-action review deadline is still running. */
  final: boolean;
  incident: {
    id: string;
    number: string;
    title: string;
    type: string;
    severity: number;
    policyVersion: string;
    declaredAt: string;
    closedAt: string | null;
    closureSummary: string | null;
    openForHours: number | null;
  };
  acknowledgements: {
    recipients: number;
    acknowledged: number;
    /** Acknowledged within the policy's window (before backups were called). */
    withinWindow: number | null;
    medianMinutesToAcknowledge: number | null;
    escalatedToBackup: number;
    reportedSilent: number;
    people: {
      personId: string;
      name: string;
      role: string;
      kind: string;
      standsInForId: string | null;
      notifiedAt: string;
      acknowledgedAt: string | null;
      acknowledgedVia: string | null;
      minutesToAcknowledge: number | null;
      escalatedToBackupAt: string | null;
      reportedSilentAt: string | null;
    }[];
  };
  deadlines: {
    key: string;
    kind: string;
    title: string;
    dueAt: string;
    originalDueAt: string;
    status: string;
    metAt: string | null;
    overdueAt: string | null;
    outcome: DeadlineOutcome;
    extensions: { fromDueAt: string; toDueAt: string; reason: string; byId: string; at: string }[];
  }[];
  deadlineSummary: { metOnTime: number; missed: number; deliveredLate: number; waived: number; open: number };
  statements: {
    id: string;
    kind: string;
    deadlineKey: string | null;
    status: string;
    versions: number;
    title: string | null;
    publishedAt: string | null;
    /** Set when a published statement was withdrawn, with its public note. */
    withdrawnAt?: string | null;
    withdrawalNote?: string | null;
    approvals: { version: number; role: string; decision: string; comment: string | null; decidedAt: string }[];
  }[];
  /** Counsel's holds on publication: what, why (category), from when to when, and how they ended. */
  holds?: {
    holdId: string;
    scope: string;
    statementKind: string | null;
    statementId: string | null;
    category: string;
    status: string;
    placedAt: string;
    lapsesAt: string;
    endedAt: string | null;
    heldHours: number | null;
  }[];
  notifications: { total: number; byChannel: Record<string, number>; byStatus: Record<string, number>; fallbacks: number };
  timeline: { at: string; action: string; actor: string; entityType: string; data: unknown }[];
}

const minutesBetween = (a: Date, b: Date) => Math.round(((b.getTime() - a.getTime()) / 60_000) * 10) / 10;

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : Math.round(((sorted[mid - 1] + sorted[mid]) / 2) * 10) / 10;
}

function outcomeOf(d: { status: string; metAt: Date | null }): DeadlineOutcome {
  if (d.status === 'MET') return 'met on time';
  if (d.status === 'WAIVED') return 'waived';
  if (d.status === 'MISSED') return d.metAt ? 'delivered late' : 'missed';
  return 'open';
}

/** Builds the report; null when the incident does not exist. */
export async function renderAfterActionReport(
  db: Db | TxClient,
  incidentId: string,
  generatedAt: Date,
  final: boolean,
  ackWindowMsForPolicy: (policyVersion: string) => number | null,
): Promise<AfterActionReportV1 | null> {
  const incident = await db.incident.findUnique({
    where: { id: incidentId },
    include: {
      recipients: { include: { person: { select: { name: true } } }, orderBy: [{ notifiedAt: 'asc' }, { id: 'asc' }] },
      deadlines: { include: { extensions: { orderBy: { at: 'asc' } } }, orderBy: [{ originalDueAt: 'asc' }, { key: 'asc' }] },
      statements: {
        include: { versions: { orderBy: { version: 'asc' } }, approvals: { orderBy: [{ decidedAt: 'asc' }, { id: 'asc' }] } },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      },
      holds: { orderBy: [{ placedAt: 'asc' }, { id: 'asc' }] },
    },
  });
  if (!incident) return null;

  const ackWindowMs = ackWindowMsForPolicy(incident.policyVersion);
  const people = incident.recipients.map((r) => ({
    personId: r.personId,
    name: r.person.name,
    role: r.role,
    kind: r.kind,
    standsInForId: r.standsInForId,
    notifiedAt: r.notifiedAt.toISOString(),
    acknowledgedAt: r.acknowledgedAt?.toISOString() ?? null,
    acknowledgedVia: r.acknowledgedVia,
    minutesToAcknowledge: r.acknowledgedAt ? minutesBetween(r.notifiedAt, r.acknowledgedAt) : null,
    escalatedToBackupAt: r.escalatedToBackupAt?.toISOString() ?? null,
    reportedSilentAt: r.reportedSilentAt?.toISOString() ?? null,
  }));
  const primaries = incident.recipients.filter((r) => r.kind === 'PRIMARY');

  const deadlines = incident.deadlines.map((d) => ({
    key: d.key,
    kind: d.kind,
    title: d.title,
    dueAt: d.dueAt.toISOString(),
    originalDueAt: d.originalDueAt.toISOString(),
    status: d.status,
    metAt: d.metAt?.toISOString() ?? null,
    overdueAt: d.overdueAt?.toISOString() ?? null,
    outcome: outcomeOf(d),
    extensions: d.extensions.map((e) => ({
      fromDueAt: e.fromDueAt.toISOString(),
      toDueAt: e.toDueAt.toISOString(),
      reason: e.reason,
      byId: e.byId,
      at: e.at.toISOString(),
    })),
  }));
  const count = (o: DeadlineOutcome) => deadlines.filter((d) => d.outcome === o).length;

  const notifications = await db.notification.findMany({ where: { incidentId }, select: { channel: true, status: true, fallbackForId: true } });
  const tally = (values: string[]) => values.reduce<Record<string, number>>((acc, v) => ({ ...acc, [v]: (acc[v] ?? 0) + 1 }), {});

  const audit = await db.auditEvent.findMany({ where: { incidentId }, orderBy: { seq: 'asc' } });

  return {
    version: 1,
    generatedAt: generatedAt.toISOString(),
    final,
    incident: {
      id: incident.id,
      number: incident.number,
      title: incident.title,
      type: incident.type,
      severity: incident.severity,
      policyVersion: incident.policyVersion,
      declaredAt: incident.declaredAt.toISOString(),
      closedAt: incident.closedAt?.toISOString() ?? null,
      closureSummary: incident.closureSummary,
      openForHours: incident.closedAt ? Math.round(((incident.closedAt.getTime() - incident.declaredAt.getTime()) / 3_600_000) * 10) / 10 : null,
    },
    acknowledgements: {
      recipients: incident.recipients.length,
      acknowledged: incident.recipients.filter((r) => r.acknowledgedAt).length,
      withinWindow:
        ackWindowMs === null
          ? null
          : primaries.filter((r) => r.acknowledgedAt && r.acknowledgedAt.getTime() - r.notifiedAt.getTime() <= ackWindowMs).length,
      medianMinutesToAcknowledge: median(people.filter((p) => p.minutesToAcknowledge !== null).map((p) => p.minutesToAcknowledge as number)),
      escalatedToBackup: incident.recipients.filter((r) => r.escalatedToBackupAt).length,
      reportedSilent: incident.recipients.filter((r) => r.reportedSilentAt).length,
      people,
    },
    deadlines,
    deadlineSummary: {
      metOnTime: count('met on time'),
      missed: count('missed'),
      deliveredLate: count('delivered late'),
      waived: count('waived'),
      open: count('open'),
    },
    statements: incident.statements.map((s) => {
      const shown = s.versions.find((v) => v.version === (s.publishedVersion ?? s.currentVersion));
      return {
        id: s.id,
        kind: s.kind,
        deadlineKey: s.deadlineKey,
        status: s.status,
        versions: s.versions.length,
        title: shown?.title ?? null,
        publishedAt: s.publishedAt?.toISOString() ?? null,
        ...(s.withdrawnAt ? { withdrawnAt: s.withdrawnAt.toISOString(), withdrawalNote: s.withdrawalNote } : {}),
        approvals: s.approvals.map((a) => ({
          version: a.version,
          role: a.role,
          decision: a.decision,
          comment: a.comment,
          decidedAt: a.decidedAt.toISOString(),
        })),
      };
    }),
    holds: incident.holds.map((h) => ({
      holdId: h.id,
      scope: h.scope,
      statementKind: h.statementKind,
      statementId: h.statementId,
      category: h.category,
      status: h.status,
      placedAt: h.placedAt.toISOString(),
      lapsesAt: h.lapsesAt.toISOString(),
      endedAt: h.endedAt?.toISOString() ?? null,
      heldHours: h.endedAt ? Math.round(((h.endedAt.getTime() - h.placedAt.getTime()) / 3_600_000) * 10) / 10 : null,
    })),
    notifications: {
      total: notifications.length,
      byChannel: tally(notifications.map((n) => n.channel)),
      byStatus: tally(notifications.map((n) => n.status)),
      fallbacks: notifications.filter((n) => n.fallbackForId).length,
    },
    timeline: audit.map((e) => ({ at: e.at.toISOString(), action: e.action, actor: e.actorLabel, entityType: e.entityType, data: e.data })),
  };
}
