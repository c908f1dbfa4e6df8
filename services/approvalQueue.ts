// The approval queue: statements in approval across every incident, each with
// the deadline it answers, the time left, the approvals given and still to
// come, and what the reader may do with it. Whose turn it is comes from each
// statement's running workflow; the rule for "may I decide" is the one the
// workflow enforces (domain/statementTurn.ts). Need to know: everyone who
// reads incidents sees where each statement stands, but only those who may
// read drafts (services/incidentViews.ts mayReadDrafts) see its text.
import type { Client } from '@temporalio/client';
import type { Db } from '../lib/db';
import type { Role } from '../domain/roles';
import { statementStateQuery, type StatementStateV1 } from '../domain/contracts/statement';
import { isDeadlineOverdue } from '../domain/overdue';
import { awaitedStepOf, decidersOf, refusalToDecide, revisionIsDecidableByOthers, type Decider } from '../domain/statementTurn';
import { approvalSteps, currentPolicy, durationMs, getPolicy, localiseDeadlineTitle, localisePolicy, statementKindPolicy, type Policy } from '../policy';
import { DEFAULT_LANGUAGE } from '../lib/i18n';
import { readTranslations } from '../domain/statementText';
import { mayReadDrafts, personNames } from './incidentViews';
import { tryQuery } from './temporal';

/** `me`: what the reader may decide now. `anyone`: everything in approval, with whose turn it is. */
export type QueueScope = 'me' | 'anyone';

const iso = (at: number | Date): string => new Date(at).toISOString();

function pinnedPolicy(version: string): Policy | undefined {
  try {
    return getPolicy(version);
  } catch {
    return undefined;
  }
}

export async function approvalQueue(
  { db, temporal }: { db: Db; temporal: Client },
  { reader, scope, language = DEFAULT_LANGUAGE }: { reader: Decider; scope: QueueScope; language?: string },
  now = new Date(),
) {
  const rows = await db.statement.findMany({
    where: { status: 'PENDING_APPROVAL' },
    include: {
      versions: { orderBy: { version: 'asc' } },
      incident: { select: { id: true, number: true, title: true, severity: true, policyVersion: true } },
    },
    orderBy: { createdAt: 'asc' },
  });
  const live = await Promise.all(rows.map((row) => tryQuery(temporal, row.workflowId, statementStateQuery)));
  const answered = rows
    .map((row, i) => ({ row, state: live[i] }))
    .filter((x): x is { row: (typeof rows)[number]; state: StatementStateV1 } => x.state?.status === 'PENDING_APPROVAL');

  const deadlineKeys = answered.filter(({ row }) => row.deadlineKey).map(({ row }) => ({ incidentId: row.incidentId, key: row.deadlineKey as string }));
  const [deadlines, names] = await Promise.all([
    deadlineKeys.length ? db.deadline.findMany({ where: { OR: deadlineKeys } }) : Promise.resolve([]),
    personNames(db, [
      ...answered.flatMap(({ row }) => row.versions.map((v) => v.authorId)),
      ...answered.flatMap(({ state }) => state.chain.flatMap((s) => [s.approverId, s.revisedBy].filter((id): id is string => !!id))),
    ]),
  ]);
  const nameOf = (id: string | null | undefined) => (id ? (names.get(id) ?? null) : null);

  const items = answered.flatMap(({ row, state }) => {
    const step = awaitedStepOf(state);
    // The saved row catches up with a new version a moment after the workflow: show only text people can read.
    const version = row.versions.find((v) => v.version === state.currentVersion);
    if (!step || !version) return [];
    const mine = refusalToDecide({ ...state, authorId: state.authorId ?? version.authorId }, reader) === null;
    if (scope === 'me' && !mine) return [];
    const policy = pinnedPolicy(row.incident.policyVersion);
    const words = policy && language !== DEFAULT_LANGUAGE ? localisePolicy(policy, language, currentPolicy()) : policy;
    const deadline = row.deadlineKey ? deadlines.find((d) => d.incidentId === row.incidentId && d.key === row.deadlineKey) : undefined;
    const since = state.awaitingSince ? Date.parse(state.awaitingSince) : null;
    const statement = { kind: row.kind, severity: row.incident.severity };
    const stepJson = (s: StatementStateV1['chain'][number]) => ({ role: s.role, roles: decidersOf(s), standIn: s.standIn ?? false });
    const readsDraft = mayReadDrafts({ personId: reader.id, roles: reader.roles }, row);
    const canReviseAndApprove = mine && policy !== undefined && revisionIsDecidableByOthers(policy.approval, statement, step.role, reader.roles);
    return [
      {
        statementId: row.id,
        kind: row.kind,
        kindLabel: (words && statementKindPolicy(words, row.kind)?.label) ?? row.kind,
        incident: { number: row.incident.number, title: row.incident.title, severity: row.incident.severity },
        version: version.version,
        title: readsDraft ? version.title : null,
        body: readsDraft ? version.body : null,
        translations: readsDraft ? readTranslations(version.translations) : null,
        author: { id: version.authorId, name: nameOf(version.authorId) },
        writtenAt: version.createdAt.toISOString(),
        awaiting: { ...stepJson(step), since: state.awaitingSince ?? null, revisedBy: step.revisedBy ? { id: step.revisedBy, name: nameOf(step.revisedBy) } : null },
        escalatesAt: policy && since !== null ? iso(since + durationMs(policy.approval.escalationAfter)) : null,
        approved: state.chain
          .filter((s) => s.decision === 'APPROVED')
          .map((s) => ({ role: s.role, decidedAs: (s.decidedAs ?? s.role) as Role, approverName: nameOf(s.approverId), decidedAt: s.decidedAt })),
        stillToCome: state.chain.filter((s) => s.decision === null && s !== step).map(stepJson),
        deadline: deadline
          ? {
              key: deadline.key,
              title: policy && words ? localiseDeadlineTitle(policy, words, deadline) : deadline.title,
              dueAt: deadline.dueAt.toISOString(),
              status: deadline.status,
              overdue: isDeadlineOverdue(deadline, now),
              timeLeftSeconds: Math.round((deadline.dueAt.getTime() - now.getTime()) / 1000),
            }
          : null,
        mine,
        canReviseAndApprove,
        // Who would approve the reader's revision at this step in their place.
        revisionApprovedBy: canReviseAndApprove && policy
          ? (approvalSteps(policy.approval, { ...statement, authorRoles: reader.roles }).find((s) => s.role === step.role)?.deciders ?? [])
          : [],
      },
    ];
  });

  // Soonest deadline first; statements that answer no deadline after them, oldest request first.
  items.sort((a, b) => {
    const due = (x: (typeof items)[number]) => (x.deadline ? Date.parse(x.deadline.dueAt) : Number.POSITIVE_INFINITY);
    return due(a) - due(b) || (a.awaiting.since ?? '').localeCompare(b.awaiting.since ?? '');
  });
  return { statements: items, unavailable: rows.length - live.filter((s) => s !== undefined).length };
}
