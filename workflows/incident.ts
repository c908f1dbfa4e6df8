// One critical incident, from declaration to the after-action report.
//
// declare -> notify every primary recipient (email + SMS) -> acknowledgements
// (backups called at 15 min, the city manager told who is silent at 30 min)
// -> SOP deadlines on the clock (reminders before, escalation after) ->
// statements through their own approval workflows -> close -> after-action
// review deadline -> final after-action report.
//
// Time is handled in exactly one place: the main loop asks the pure deadline
// engine (lib/deadlines.ts) and the acknowledgement rules what is due now and
// when to wake next, and sleeps in `condition(() => dirty, untilNextEvent)`.
// Human actions arrive as updates (validated, answered synchronously) and set
// `dirty` so the loop re-plans.
//
// The workflow ends once the incident is closed, every deadline has settled
// (met, waived, or missed with its escalation ladder finished) and no
// statement is still in approval; it then writes the final after-action report.
import type { WorkflowSignatures } from '../domain/workflows';
import {
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  setHandler,
  startChild,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { PersonRefV1, ResolvedRecipientV1 } from '../domain/contracts/incidentActivities';
import { statementWorkflowId } from '../domain/ids';
import { INCIDENT_NOTIFY_IN_BACKGROUND_PATCH } from '../domain/patches';
import { incidentTypePolicy, severityPolicy, statementKindPolicy } from '../domain/policy/lookups';
import { durationMs, type Policy } from '../domain/policy/schema';
import { ROLE_TITLES, type Role } from '../domain/roles';
import {
  acknowledgeUpdate,
  closeIncidentUpdate,
  extendDeadlineUpdate,
  incidentStateQuery,
  statementPublishedSignal,
  submitStatementUpdate,
  type AcknowledgeRequestV1,
  type CloseIncidentRequestV1,
  type DeclareIncidentInputV1,
  type ExtendDeadlineRequestV1,
  type IncidentStateV1,
  type RecipientStateV1,
  type StatementPublishedV1,
  type StatementRefV1,
  type SubmitStatementRequestV1,
} from '../domain/contracts/incident';
import type { StatementWorkflowInputV1 } from '../domain/contracts/statement';
import {
  applyDeadlineEvent,
  deadlineForStatement,
  deadlinesForAnchor,
  dueDeadlineEvents,
  extend,
  extensionProblem,
  isSettled,
  markDelivered,
  nextDeadlineWakeAt,
  nextRecurringDeadline,
  ruleLookupFor,
  toDeadlineState,
  waive,
  type DeadlineEvent,
  type TrackedDeadline,
} from '../domain/deadlines';
import {
  Deliveries,
  announce,
  incidentActivities as acts,
  invalidInput,
  invalidState,
  notFound,
  notPermitted,
  validateActor,
} from './lib/incidentMessages';
import { WorkflowMutex } from './lib/mutex';
import { afterSetUp } from './lib/setUp';
import type { IncidentCarriedStateV1, IncidentRunOptionsV1, RecipientRuntimeV1 } from '../domain/contracts/incidentRun';
import { statementApprovalWorkflow } from './statement';

const MAX_TITLE = 300;
const MAX_BODY = 20_000;
const MAX_REASON = 2_000;

export async function incidentWorkflow(input: DeclareIncidentInputV1, options: IncidentRunOptionsV1 = {}): Promise<IncidentStateV1> {
  const workflowId = workflowInfo().workflowId;
  const lock = new WorkflowMutex();
  const deliveries = new Deliveries(INCIDENT_NOTIFY_IN_BACKGROUND_PATCH);
  let state: IncidentCarriedStateV1 | null = options.carried ?? null;
  let dirty = false;

  const incidentData = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    incidentId: input.incidentId,
    incidentNumber: input.incidentNumber,
    title: input.title,
    severity: input.severity,
    ...extra,
  });

  // ---------------------------------------------------------------- queries

  const view = (): IncidentStateV1 => ({
    version: 1,
    incidentId: input.incidentId,
    incidentNumber: input.incidentNumber,
    status: state?.status ?? 'ACTIVE',
    severity: input.severity,
    policyVersion: input.policyVersion,
    recipients: (state?.recipients ?? []).map(({ backup: _backup, standsInFor: _standsInFor, ...r }) => ({ ...r })),
    deadlines: (state?.deadlines ?? []).map(toDeadlineState),
    statements: (state?.statements ?? []).map((s) => ({ ...s })),
    closedAt: state?.closedAt ?? null,
  });
  setHandler(incidentStateQuery, view);

  const isStarted = () => state !== null;
  const started = (): IncidentCarriedStateV1 => {
    if (!state) throw invalidState(`incident ${input.incidentNumber} is still starting; try again in a moment`);
    return state;
  };
  /**
   * A validator for updates that may arrive before the incident has started:
   * until then nothing is refused, and the handler, which waits for the start,
   * checks the request in full.
   */
  const onceStarted =
    <R>(validate: (s: IncidentCarriedStateV1, req: R) => unknown) =>
    (req: R): void => {
      if (state) validate(state, req);
    };

  // ---------------------------------------------------------------- acknowledge

  setHandler(
    acknowledgeUpdate,
    (req: AcknowledgeRequestV1) => afterSetUp(isStarted, async () => {
      const s = started();
      const recipient = s.recipients.find((r) => r.personId === req.personId);
      if (!recipient) throw notNotified(req.personId);
      if (recipient.acknowledgedAt) {
        return { personId: req.personId, acknowledgedAt: recipient.acknowledgedAt, alreadyAcknowledged: true };
      }
      // Recorded in state first, so a main-loop pass running meanwhile does not call this person's backup.
      const at = new Date().toISOString();
      recipient.acknowledgedAt = at;
      dirty = true;
      let result: { acknowledgedAt: string; alreadyAcknowledged: boolean };
      try {
        result = await acts.recordAcknowledgement({ incidentId: input.incidentId, personId: req.personId, via: req.via, at });
      } catch (err) {
        recipient.acknowledgedAt = null;
        throw err;
      }
      recipient.acknowledgedAt = result.acknowledgedAt;
      return { personId: req.personId, acknowledgedAt: result.acknowledgedAt, alreadyAcknowledged: result.alreadyAcknowledged };
    }),
    {
      validator: (req: AcknowledgeRequestV1) => {
        if (!req || typeof req.personId !== 'string' || req.personId === '') throw invalidInput('personId', 'is required');
        if (!['API', 'WEB', 'EMAIL_LINK', 'SMS'].includes(req.via)) throw invalidInput('via', 'must be API, WEB, EMAIL_LINK or SMS');
        if (state && !state.recipients.some((r) => r.personId === req.personId)) throw notNotified(req.personId);
      },
    },
  );

  function notNotified(personId: string) {
    return notFound(`person ${personId} was not notified of incident ${input.incidentNumber}`);
  }

  // ---------------------------------------------------------------- statements

  const claimedDeadlineKeys = (s: IncidentCarriedStateV1) =>
    new Set(s.statements.filter((x) => !x.published && x.deadlineKey).map((x) => x.deadlineKey as string));

  function validateSubmission(s: IncidentCarriedStateV1, req: SubmitStatementRequestV1): void {
    if (!req || typeof req.kind !== 'string' || !statementKindPolicy(s.policy, req.kind)) {
      throw invalidInput('kind', `must be one of: ${s.policy.statementKinds.map((k) => k.key).join(', ')}`);
    }
    if (typeof req.title !== 'string' || req.title.trim() === '' || req.title.length > MAX_TITLE) {
      throw invalidInput('title', `is required (at most ${MAX_TITLE} characters)`);
    }
    if (typeof req.body !== 'string' || req.body.trim() === '' || req.body.length > MAX_BODY) {
      throw invalidInput('body', `is required (at most ${MAX_BODY} characters)`);
    }
    validateActor(req.author, 'author');
    if (!req.author.roles.includes(s.policy.approval.drafter)) {
      throw notPermitted(`only the ${ROLE_TITLES[s.policy.approval.drafter]} drafts statements`);
    }
    if (s.status === 'CLOSED' && !deadlineForStatement(s.deadlines, req.kind, claimedDeadlineKeys(s))) {
      throw invalidState(`incident ${input.incidentNumber} is closed and no ${req.kind} is still owed`);
    }
  }

  setHandler(
    submitStatementUpdate,
    (req: SubmitStatementRequestV1) =>
      afterSetUp(isStarted, () => lock.runExclusive(async () => {
        const s = started();
        validateSubmission(s, req); // again: state may have moved while we waited for the lock
        const statementId = uuid4();
        const childId = statementWorkflowId(statementId);
        const deadline = deadlineForStatement(s.deadlines, req.kind, claimedDeadlineKeys(s));
        const deadlineKey = deadline?.key ?? null;
        await acts.createStatementDraft({
          statementId,
          incidentId: input.incidentId,
          workflowId: childId,
          kind: req.kind,
          deadlineKey,
          title: req.title,
          body: req.body,
          author: req.author,
          at: new Date().toISOString(),
        });
        s.statements.push({ statementId, kind: req.kind, deadlineKey, workflowId: childId, published: false });
        const childInput: StatementWorkflowInputV1 = {
          version: 1,
          statementId,
          incidentId: input.incidentId,
          incidentNumber: input.incidentNumber,
          incidentWorkflowId: workflowId,
          kind: req.kind,
          deadlineKey,
          policyVersion: input.policyVersion,
          firstDraft: { title: req.title, body: req.body, author: req.author },
        };
        // ABANDON: the approval outlives this run when the incident continues as new.
        await startChild(statementApprovalWorkflow, {
          workflowId: childId,
          args: [childInput],
          parentClosePolicy: ParentClosePolicy.ABANDON,
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        });
        dirty = true;
        return { statementId, workflowId: childId, deadlineKey };
      })),
    { validator: onceStarted(validateSubmission) },
  );

  setHandler(statementPublishedSignal, (published: StatementPublishedV1) => {
    if (!state) return; // cannot happen: statements are submitted only after start
    state.pendingPublications.push(published);
    dirty = true;
  });

  // ---------------------------------------------------------------- extensions

  function findDeadline(s: IncidentCarriedStateV1, keyOrKind: string): TrackedDeadline | undefined {
    const exact = s.deadlines.find((d) => d.key === keyOrKind);
    if (exact) return exact;
    // "holding_statement" or "HOLDING_STATEMENT" for a kind: its open deadline.
    const kind = keyOrKind.toUpperCase();
    return s.deadlines.filter((d) => d.kind === kind && d.status === 'OPEN').sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt))[0];
  }

  function validateExtension(s: IncidentCarriedStateV1, req: ExtendDeadlineRequestV1): TrackedDeadline {
    if (!req || typeof req.deadlineKey !== 'string' || req.deadlineKey === '') throw invalidInput('deadlineKey', 'is required');
    if (typeof req.reason !== 'string' || req.reason.trim() === '') throw invalidInput('reason', 'an extension needs a reason');
    if (req.reason.length > MAX_REASON) throw invalidInput('reason', `must be at most ${MAX_REASON} characters`);
    validateActor(req.by, 'by');
    if (!req.by.roles.some((r) => s.policy.extension.allowedRoles.includes(r))) {
      throw notPermitted(`only ${s.policy.extension.allowedRoles.map((r) => ROLE_TITLES[r]).join(' or ')} may extend a deadline`);
    }
    const deadline = findDeadline(s, req.deadlineKey);
    if (!deadline) throw notFound(`incident ${input.incidentNumber} has no deadline ${req.deadlineKey}`);
    const problem = extensionProblem(deadline, req.newDueAt);
    if (problem === 'INVALID_TIME') throw invalidInput('newDueAt', 'must be an ISO date-time');
    if (problem === 'NOT_LATER') throw invalidInput('newDueAt', `must be later than the current due time ${deadline.dueAt}`);
    if (problem === 'NOT_OPEN') throw invalidState(`deadline ${deadline.key} is ${deadline.status}; only an open deadline can be extended`);
    return deadline;
  }

  setHandler(
    extendDeadlineUpdate,
    (req: ExtendDeadlineRequestV1) =>
      afterSetUp(isStarted, () => lock.runExclusive(async () => {
        const s = started();
        const deadline = validateExtension(s, req);
        const at = Date.now();
        const toDueAt = new Date(Date.parse(req.newDueAt)).toISOString();
        await acts.extendDeadline({
          incidentId: input.incidentId,
          key: deadline.key,
          fromDueAt: deadline.dueAt,
          toDueAt,
          reason: req.reason.trim(),
          by: req.by,
          at: new Date(at).toISOString(),
        });
        const extended = extend(deadline, toDueAt, req.reason.trim(), at);
        replaceDeadline(s, extended);
        dirty = true;
        return toDeadlineState(extended);
      })),
    { validator: onceStarted(validateExtension) },
  );

  // ---------------------------------------------------------------- close

  function validateClose(s: IncidentCarriedStateV1, req: CloseIncidentRequestV1): void {
    if (s.status === 'CLOSED') throw invalidState(`incident ${input.incidentNumber} is already closed`);
    if (!req || typeof req.summary !== 'string' || req.summary.trim() === '') throw invalidInput('summary', 'a closing summary is required');
    if (req.summary.length > MAX_BODY) throw invalidInput('summary', `must be at most ${MAX_BODY} characters`);
    validateActor(req.by, 'by');
  }

  setHandler(
    closeIncidentUpdate,
    (req: CloseIncidentRequestV1) =>
      afterSetUp(isStarted, () => lock.runExclusive(async () => {
        const s = started();
        validateClose(s, req);
        const now = Date.now();
        const at = new Date(now).toISOString();
        await acts.closeIncident({ incidentId: input.incidentId, summary: req.summary.trim(), by: req.by, at });
        s.status = 'CLOSED';
        s.closedAt = at;
        // "While the investigation is open" ends here; one-off deliverables stay owed.
        for (const d of s.deadlines) {
          if (d.status === 'OPEN' && d.cycle !== null) {
            replaceDeadline(s, waive(d));
            await acts.updateDeadlineStatus({
              incidentId: input.incidentId,
              key: d.key,
              status: 'WAIVED',
              metAt: null,
              overdueAt: null,
              reason: 'incident closed',
              at,
            });
          }
        }
        const afterClose = deadlinesForAnchor(s.policy, input.severity, 'CLOSED', now).filter(
          (d) => !s.deadlines.some((x) => x.key === d.key),
        );
        await persistNewDeadlines(afterClose, at);
        s.deadlines.push(...afterClose);
        await acts.renderAfterActionReport({ incidentId: input.incidentId, at, final: false });
        dirty = true;
        return view();
      })),
    { validator: onceStarted(validateClose) },
  );

  // ---------------------------------------------------------------- helpers

  function replaceDeadline(s: IncidentCarriedStateV1, d: TrackedDeadline): void {
    s.deadlines = s.deadlines.map((x) => (x.key === d.key ? d : x));
  }

  async function persistNewDeadlines(deadlines: TrackedDeadline[], at: string): Promise<void> {
    if (deadlines.length === 0) return;
    await acts.createDeadlines({
      incidentId: input.incidentId,
      at,
      deadlines: deadlines.map((d) => ({
        key: d.key,
        kind: d.kind,
        title: d.title,
        dueAt: d.dueAt,
        originalDueAt: d.originalDueAt,
        status: d.status,
        metAt: d.metAt,
        overdueAt: d.overdueAt,
      })),
    });
  }

  async function peopleWithRoles(roles: Role[]): Promise<PersonRefV1[]> {
    return (await acts.listPeopleByRoles({ roles })).map(({ personId, name }) => ({ personId, name }));
  }

  /** After a recurring deadline resolves, the next cycle starts (only while the incident is open). */
  async function rollRecurring(s: IncidentCarriedStateV1, resolved: TrackedDeadline, at: string): Promise<void> {
    if (s.status !== 'ACTIVE' || resolved.cycle === null) return;
    const next = nextRecurringDeadline(resolved, ruleLookupFor(s.policy)(resolved));
    if (!next || s.deadlines.some((d) => d.key === next.key)) return;
    await persistNewDeadlines([next], at);
    s.deadlines.push(next);
  }

  // ---------------------------------------------------------------- start

  // Held while starting, so a statement submitted in the first instant finds its deadline already recorded.
  const startLock = options.carried ? null : lock.runExclusive(async () => startIncident());
  async function startIncident(): Promise<void> {
    const policy = await acts.loadIncidentPolicy({ version: input.policyVersion });
    const severity = severityPolicy(policy, input.severity);
    const startedAt = new Date().toISOString();
    const declaredAtMs = Number.isFinite(Date.parse(input.declaredAt)) ? Date.parse(input.declaredAt) : Date.now();
    const resolved: ResolvedRecipientV1[] = await acts.resolveIncidentRecipients({
      incidentId: input.incidentId,
      roles: severity.recipients,
      at: startedAt,
    });
    // In state before anyone is told, so the very first query already shows the clock.
    const sop = deadlinesForAnchor(policy, input.severity, 'DECLARED', declaredAtMs);
    state = {
      version: 1,
      policy,
      status: 'ACTIVE',
      recipients: resolved.map((r) => ({
        personId: r.personId,
        name: r.name,
        role: r.role,
        kind: 'PRIMARY',
        standsInForId: null,
        notifiedAt: startedAt,
        acknowledgedAt: null,
        escalatedToBackupAt: null,
        reportedSilentAt: null,
        backup: r.backup,
        standsInFor: [],
      })),
      notifiedAt: startedAt,
      backupEscalationDone: false,
      silentReportDone: false,
      deadlines: sop,
      statements: [],
      pendingPublications: [],
      closedAt: null,
      finalReportRendered: false,
      generation: 0,
    };
    const typeLabel = incidentTypePolicy(policy, input.type)?.label ?? input.type;
    await deliveries.send(() =>
      announce(resolved, {
        workflowId,
        purpose: 'incident.declared',
        attemptGroup: '1',
        template: 'incident.declared',
        incidentId: input.incidentId,
        data: incidentData({
          type: input.type,
          typeLabel,
          summary: input.summary,
          declaredByName: input.declaredBy.name,
          declaredAt: input.declaredAt,
          ackWindowMinutes: Math.round(durationMs(policy.acknowledgement.backupAfter) / 60_000),
        }),
      }),
    );
    await persistNewDeadlines(sop, new Date().toISOString());
  }
  if (startLock) await startLock;
  else state!.generation += 1;

  // ---------------------------------------------------------------- the clock

  const s: IncidentCarriedStateV1 = state!;
  const ruleOf = ruleLookupFor(s.policy);
  const backupAt = () => Date.parse(s.notifiedAt) + durationMs(s.policy.acknowledgement.backupAfter);
  const silentReportAt = () => Date.parse(s.notifiedAt) + durationMs(s.policy.acknowledgement.reportSilentAfter);

  /** A primary is covered when they, or someone standing in for them, acknowledged. */
  const isCovered = (primary: RecipientRuntimeV1) =>
    primary.acknowledgedAt !== null || s.recipients.some((r) => r.acknowledgedAt !== null && r.standsInFor.includes(primary.personId));

  async function escalateSilentToBackups(now: number): Promise<void> {
    const at = new Date(now).toISOString();
    const silent = s.recipients.filter((r) => r.kind === 'PRIMARY' && r.acknowledgedAt === null && r.backup !== null);
    if (silent.length > 0) {
      await acts.recordBackupEscalations({
        incidentId: input.incidentId,
        at,
        assignments: silent.map((p) => ({ primaryId: p.personId, backupId: p.backup!.personId, role: p.role })),
      });
    }
    for (const primary of silent) {
      const backup = primary.backup!;
      primary.escalatedToBackupAt = at;
      const existing = s.recipients.find((r) => r.personId === backup.personId);
      if (existing) {
        if (!existing.standsInFor.includes(primary.personId)) existing.standsInFor.push(primary.personId);
        existing.standsInForId ??= primary.personId;
      } else {
        s.recipients.push({
          personId: backup.personId,
          name: backup.name,
          role: primary.role,
          kind: 'BACKUP',
          standsInForId: primary.personId,
          notifiedAt: at,
          acknowledgedAt: null,
          escalatedToBackupAt: null,
          reportedSilentAt: null,
          backup: null,
          standsInFor: [primary.personId],
        });
      }
    }
    await deliveries.send(() =>
      Promise.all(
        silent.map((primary) =>
          announce([primary.backup!], {
            workflowId,
            purpose: 'incident.ack-escalation',
            attemptGroup: primary.personId,
            template: 'incident.ack-escalation',
            incidentId: input.incidentId,
            data: incidentData({
              summary: input.summary,
              silentPersonId: primary.personId,
              silentPersonName: primary.name,
              silentPersonTitle: ROLE_TITLES[primary.role],
              minutesSilent: Math.round((now - Date.parse(s.notifiedAt)) / 60_000),
            }),
          }),
        ),
      ),
    );
    s.backupEscalationDone = true;
  }

  async function reportSilent(now: number): Promise<void> {
    const at = new Date(now).toISOString();
    const silentPrimaries = s.recipients.filter((r) => r.kind === 'PRIMARY' && !isCovered(r));
    const silentBackups = s.recipients.filter(
      (r) => r.kind === 'BACKUP' && r.acknowledgedAt === null && r.standsInFor.some((id) => silentPrimaries.some((p) => p.personId === id)),
    );
    const silent = [...silentPrimaries, ...silentBackups];
    if (silent.length > 0) {
      const reportTo = await peopleWithRoles(s.policy.acknowledgement.reportSilentTo);
      // If the person to report to is silent too, their stand-in gets the report as well.
      const standIns = s.recipients.filter((r) => r.standsInFor.some((id) => reportTo.some((p) => p.personId === id)));
      const audience = [...reportTo, ...standIns.map(({ personId, name }) => ({ personId, name }))];
      await acts.recordSilentReport({
        incidentId: input.incidentId,
        silentPersonIds: silent.map((r) => r.personId),
        reportedToIds: audience.map((p) => p.personId),
        at,
      });
      for (const r of silent) r.reportedSilentAt = at;
      await deliveries.send(() =>
        announce(audience, {
          workflowId,
          purpose: 'incident.silent-report',
          attemptGroup: '1',
          template: 'incident.silent-report',
          incidentId: input.incidentId,
          data: incidentData({
            minutes: Math.round((now - Date.parse(s.notifiedAt)) / 60_000),
            silent: silent.map((r) => ({
              personId: r.personId,
              name: r.name,
              title: r.kind === 'BACKUP' ? `backup for ${ROLE_TITLES[r.role]}` : ROLE_TITLES[r.role],
              backupNotified: r.escalatedToBackupAt !== null,
            })),
          }),
        }),
      );
    }
    s.silentReportDone = true;
  }

  async function applyPublications(now: number): Promise<void> {
    while (s.pendingPublications.length > 0) {
      const published = s.pendingPublications[0];
      const ref = s.statements.find((x) => x.statementId === published.statementId);
      if (ref) ref.published = true;
      const key = ref?.deadlineKey ?? published.deadlineKey;
      const deadline = key ? s.deadlines.find((d) => d.key === key) : undefined;
      if (deadline) {
        const publishedAtMs = Number.isFinite(Date.parse(published.publishedAt)) ? Date.parse(published.publishedAt) : now;
        const delivered = markDelivered(deadline, publishedAtMs);
        if (delivered !== deadline) {
          await acts.updateDeadlineStatus({
            incidentId: input.incidentId,
            key: delivered.key,
            status: delivered.status as 'MET' | 'MISSED',
            metAt: delivered.metAt,
            overdueAt: delivered.overdueAt,
            at: new Date(now).toISOString(),
          });
          replaceDeadline(s, delivered);
          if (delivered.status === 'MET') await rollRecurring(s, delivered, new Date(now).toISOString());
        }
      }
      s.pendingPublications.shift();
    }
  }

  async function handleDeadlineEvent(event: DeadlineEvent, now: number): Promise<void> {
    const current = s.deadlines.find((d) => d.key === event.key);
    if (!current) return;
    const at = new Date(now).toISOString();
    const next = applyDeadlineEvent(current, event, now);
    if (event.type === 'OVERDUE') {
      await acts.updateDeadlineStatus({
        incidentId: input.incidentId,
        key: next.key,
        status: 'MISSED',
        metAt: next.metAt,
        overdueAt: next.overdueAt,
        at,
      });
      replaceDeadline(s, next);
      await rollRecurring(s, next, at);
      return;
    }
    const people = await peopleWithRoles(event.notify);
    const isReminder = event.type === 'REMINDER';
    await deliveries.send(() =>
      announce(people, {
        workflowId,
        purpose: isReminder ? 'deadline.reminder' : 'deadline.overdue',
        attemptGroup: isReminder ? `${event.key}:reminder:${event.number}` : `${event.key}:escalation:${event.step}`,
        template: isReminder ? 'deadline.reminder' : 'deadline.overdue',
        incidentId: input.incidentId,
        data: incidentData({
          deadlineKey: current.key,
          deadlineTitle: current.title,
          dueAt: current.dueAt,
          ...(isReminder ? { reminderNumber: event.number } : { escalationStep: event.step + 1 }),
        }),
      }),
    );
    await acts.recordDeadlineNotice({
      incidentId: input.incidentId,
      key: current.key,
      notice: event.type,
      sequence: isReminder ? event.number : event.step,
      notifiedPersonIds: people.map((p) => p.personId),
      at,
    });
    replaceDeadline(s, next);
  }

  async function handleDueEvents(): Promise<void> {
    const now = Date.now();
    await applyPublications(now);
    if (!s.backupEscalationDone && now >= backupAt()) await escalateSilentToBackups(now);
    if (!s.silentReportDone && now >= silentReportAt()) await reportSilent(now);
    // Handling an event can create another (an overdue public update starts the next cycle), so loop until quiet.
    for (let events = dueDeadlineEvents(s.deadlines, ruleOf, now); events.length > 0; events = dueDeadlineEvents(s.deadlines, ruleOf, now)) {
      for (const event of events) await handleDeadlineEvent(event, now);
    }
  }

  function nextWakeAt(now: number): number | null {
    const candidates = [nextDeadlineWakeAt(s.deadlines, ruleOf, now)];
    if (!s.backupEscalationDone) candidates.push(backupAt());
    if (!s.silentReportDone) candidates.push(silentReportAt());
    const future = candidates.filter((t): t is number => t !== null);
    return future.length === 0 ? null : Math.min(...future);
  }

  const finished = () =>
    s.status === 'CLOSED' &&
    s.pendingPublications.length === 0 &&
    s.statements.every((x) => x.published) &&
    s.deadlines.every((d) => isSettled(d, ruleOf));

  let passes = 0;
  for (;;) {
    await lock.runExclusive(handleDueEvents);
    if (finished()) break;
    const testLimit = options.continueAsNewAfterPasses;
    if (workflowInfo().continueAsNewSuggested || (testLimit !== undefined && passes >= testLimit)) {
      // Messages in flight finish in this run; the next run must not send them again, nor lose them.
      await condition(() => allHandlersFinished() && !lock.isLocked && deliveries.idle);
      if (s.pendingPublications.length === 0) {
        log.info('continuing as new', { generation: s.generation, historyLength: workflowInfo().historyLength });
        await continueAsNew<typeof incidentWorkflow>(input, { carried: s, continueAsNewAfterPasses: testLimit });
      }
      continue;
    }
    dirty = false;
    const wake = nextWakeAt(Date.now());
    if (wake === null) await condition(() => dirty);
    else await condition(() => dirty, Math.max(1, wake - Date.now()));
    passes += 1;
  }

  await deliveries.drain();
  await lock.runExclusive(async () => {
    if (!s.finalReportRendered) {
      await acts.renderAfterActionReport({ incidentId: input.incidentId, at: new Date().toISOString(), final: true });
      s.finalReportRendered = true;
    }
  });
  await condition(() => allHandlersFinished());
  return view();
}

// The signature the API starts this workflow with (domain/workflows.ts).
incidentWorkflow satisfies WorkflowSignatures['incidentWorkflow'];
