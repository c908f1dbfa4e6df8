// One action item of the 12-month plan: reminders before the due date at
// 09:00 city time, the overdue ladder (owner -> sponsor -> city manager ->
// board digest), progress from the owner, BLOCKED telling the sponsor at once,
// reschedules that need a reason and the sponsor's approval, and completion
// that stops everything.
import type { WorkflowSignatures } from '../domain/workflows';
import type { UpdateDefinition } from '@temporalio/common';
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  patched,
  setHandler,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { OutboundMessageV1 } from '../domain/contracts/notificationActivities';
import type { PlanActivities } from '../domain/contracts/planActivities';
import { type ActorV1 } from '../domain/contracts/common';
import {
  completeItemUpdate,
  decideRescheduleUpdate,
  itemAddedSignal,
  itemFlaggedForBoardSignal,
  itemStateQuery,
  postProgressUpdate,
  requestRescheduleUpdate,
  setItemStatusUpdate,
  ITEM_STATUSES,
  type ActionItemInputV1,
  type ActionItemStateV1,
  type ItemAddedV1,
  type ItemStatusV1,
  type LadderEventV1,
  type ProgressViaV1,
} from '../domain/contracts/plan';
import { formatLocalIso } from '../domain/time/cityTime';
import { notifyPerson, undeliverableFailure } from './lib/notify';
import { daysOverdue as daysOverdueAt, localDaysBetween, nextLadderEvent as nextLadderEventOf } from '../domain/planLadder';
import { ITEM_ADDED_BY_API_PATCH } from '../domain/patches';
import { WorkflowMutex } from './lib/mutex';
import { invalidInput, invalidState, notFound, notPermitted } from './lib/failures';
import { PLAN_ACTIVITY_OPTIONS } from '../domain/retry';
import { notificationActivities as notifications } from './lib/notificationActivities';

const planActivities = proxyActivities<PlanActivities>(PLAN_ACTIVITY_OPTIONS);

const MAX_NOTE_LENGTH = 2000;

const ESCALATION_TARGET_LABELS: Record<string, string> = {
  OWNER: 'the owner',
  SPONSOR: 'the sponsor',
  CITY_MANAGER: 'the city manager',
  BOARD_DIGEST: "the board's next digest",
};

const escalationLabel = (notify: string, daysOverdue: number) =>
  `${ESCALATION_TARGET_LABELS[notify] ?? notify}, ${daysOverdue > 0 ? `${daysOverdue} day${daysOverdue === 1 ? '' : 's'} overdue` : 'as soon as it fell overdue'}`;

function initialState(input: ActionItemInputV1, startedAt: string): ActionItemStateV1 {
  return {
    version: 1,
    itemId: input.itemId,
    planId: input.planId,
    title: input.title,
    ownerId: input.ownerId,
    sponsorId: input.sponsorId,
    status: input.initialStatus ?? 'NOT_STARTED',
    percentComplete: input.initialPercent ?? 0,
    dueAt: new Date(Date.parse(input.dueAt)).toISOString(),
    originalDueAt: new Date(Date.parse(input.dueAt)).toISOString(),
    completedAt: null,
    lastProgressAt: null,
    lastNote: null,
    pendingReschedule: null,
    reschedulesApproved: 0,
    fired: [],
    nextEvent: null,
    flaggedForBoardAt: null,
    ladderBaselineAt: startedAt,
    blockedCount: 0,
  };
}

export async function actionItemWorkflow(input: ActionItemInputV1): Promise<ActionItemStateV1> {
  const workflowId = workflowInfo().workflowId;
  const nowIso = () => new Date(Date.now()).toISOString();
  // Reminders already past when the item was created are skipped; ones that fall due
  // while no worker runs are sent late, not dropped, hence the start time, not "now".
  const state: ActionItemStateV1 = input.carried ? { ...input.carried } : initialState(input, workflowInfo().startTime.toISOString());
  // Bumped whenever the due date or completion changes, to wake the ladder loop.
  let revision = 0;
  // Handlers persist before they change state; one at a time keeps DB and state in step.
  const mutex = new WorkflowMutex();

  const isOwnerOrManager = (by: ActorV1) => by.personId === state.ownerId || by.roles.includes('CITY_MANAGER');
  const done = () => state.status === 'DONE';
  const refuseIfDone = () => {
    if (done()) throw invalidState('the item is already done', 'item_done');
  };

  /**
   * Email to one person (a recorded SMS fallback if their email is refused
   * for good), plus an SMS when asked so they can reply DONE; an SMS the
   * provider refuses is covered by the email. A failure that retrying cannot
   * fix (e.g. a template bug) is logged rather than thrown: losing one message
   * must not end a 12-month item's ladder.
   */
  async function send(message: Omit<OutboundMessageV1, 'workflowId' | 'planId' | 'actionItemId' | 'channel'>, alsoSms: boolean): Promise<void> {
    const base = { ...message, workflowId, planId: state.planId, actionItemId: state.itemId };
    const email = notifyPerson(notifications, { ...base, channels: ['EMAIL'] });
    const sms = alsoSms
      ? notifications.sendNotification({ ...base, channel: 'SMS' }).catch((err: unknown) => {
          if (!undeliverableFailure(err)) throw err;
        })
      : Promise.resolve();
    const [emailOutcome, smsOutcome] = await Promise.allSettled([email, sms]);
    for (const outcome of [emailOutcome, smsOutcome]) {
      if (outcome.status === 'rejected') {
        log.error('item notification failed for good', { purpose: message.purpose, personId: message.personId, error: String(outcome.reason) });
      }
    }
    if (emailOutcome.status === 'fulfilled' && !emailOutcome.value.reached) {
      log.warn('item notification reached no channel', { purpose: message.purpose, personId: message.personId });
    }
  }

  function itemData(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      itemId: state.itemId,
      planId: state.planId,
      itemTitle: state.title,
      title: state.title,
      goalTitle: input.goalTitle,
      ownerId: state.ownerId,
      ownerName: input.ownerName,
      status: state.status,
      percentComplete: state.percentComplete,
      dueAt: state.dueAt,
      dueAtLocal: formatLocalIso(Date.parse(state.dueAt), input.timeZone),
      timeZone: input.timeZone,
      ...extra,
    };
  }

  async function persistProgress(change: {
    by: ActorV1;
    via: ProgressViaV1;
    note: string;
    status?: ItemStatusV1;
    percentComplete?: number;
  }): Promise<void> {
    const at = nowIso();
    const nextStatus = change.status ?? (state.status === 'NOT_STARTED' && (change.percentComplete ?? 0) > 0 ? 'IN_PROGRESS' : state.status);
    const nextPercent = nextStatus === 'DONE' ? 100 : change.percentComplete ?? state.percentComplete;
    await planActivities.recordItemProgress({
      progressId: uuid4(),
      itemId: state.itemId,
      planId: state.planId,
      by: change.by,
      via: change.via,
      at,
      note: change.note,
      reportedStatus: change.status ?? null,
      reportedPercent: change.percentComplete ?? null,
      status: nextStatus,
      percentComplete: nextPercent,
      completedAt: nextStatus === 'DONE' ? at : null,
    });
    const becameBlocked = nextStatus === 'BLOCKED' && state.status !== 'BLOCKED';
    state.status = nextStatus;
    state.percentComplete = nextPercent;
    state.lastProgressAt = at;
    state.lastNote = change.note;
    if (nextStatus === 'DONE') {
      state.completedAt = at;
      state.nextEvent = null;
      revision++;
    }
    if (becameBlocked) {
      state.blockedCount += 1;
      await send(
        {
          purpose: 'item.blocked',
          personId: state.sponsorId,
          attemptGroup: `blocked-${state.blockedCount}`,
          template: 'item.blocked',
          data: itemData({ note: change.note, reportedById: change.by.personId, reportedByName: change.by.name }),
        },
        true,
      );
    }
  }

  function validateActor(by: ActorV1 | undefined): asserts by is ActorV1 {
    if (!by || typeof by.personId !== 'string') throw invalidInput('by', 'the acting person is required');
  }
  function validateOwnerOrManager(by: ActorV1 | undefined, toDo: string): asserts by is ActorV1 {
    validateActor(by);
    if (!isOwnerOrManager(by)) throw notPermitted(`only the item owner or the city manager may ${toDo}`);
  }
  function validateNote(note: unknown, field: string, required: boolean): void {
    if (note === undefined && !required) return;
    if (typeof note !== 'string' || (required && note.trim() === '')) throw invalidInput(field, `${field} is required`);
    if (note.length > MAX_NOTE_LENGTH) throw invalidInput(field, `${field} must be at most ${MAX_NOTE_LENGTH} characters`);
  }
  function validateStatus(status: unknown, field: string): void {
    if (status !== undefined && !(ITEM_STATUSES as readonly unknown[]).includes(status)) {
      throw invalidInput(field, `${field} must be one of ${ITEM_STATUSES.join(', ')}`);
    }
  }

  setHandler(itemStateQuery, () => publicState());

  type ProgressChange = Parameters<typeof persistProgress>[0];

  /**
   * An update by which the owner or the city manager reports progress; refused
   * once the item is done. `check` is the rest of its validator; `progressOf`
   * says what to record (null: nothing changes).
   */
  function setProgressHandler<Req extends { by: ActorV1 }>(
    update: UpdateDefinition<ActionItemStateV1, [Req]>,
    toDo: string,
    check: (req: Req) => void,
    progressOf: (req: Req) => ProgressChange | null,
  ): void {
    setHandler(
      update,
      (req: Req) =>
        mutex.runExclusive(async () => {
          refuseIfDone();
          const change = progressOf(req);
          if (change) await persistProgress(change);
          return publicState();
        }),
      {
        validator: (req: Req) => {
          validateOwnerOrManager(req.by, toDo);
          check(req);
        },
      },
    );
  }

  setProgressHandler(
    postProgressUpdate,
    'post progress',
    (req) => {
      refuseIfDone();
      validateNote(req.note, 'note', true);
      validateStatus(req.status, 'status');
      const pct = req.percentComplete;
      if (pct !== undefined && (typeof pct !== 'number' || !Number.isInteger(pct) || pct < 0 || pct > 100)) {
        throw invalidInput('percentComplete', 'percentComplete must be an integer from 0 to 100');
      }
    },
    (req) => ({ by: req.by, via: req.via, note: req.note.trim(), status: req.status, percentComplete: req.percentComplete }),
  );

  setProgressHandler(
    setItemStatusUpdate,
    'change its status',
    (req) => {
      validateStatus(req.status, 'status');
      if (req.status === undefined) throw invalidInput('status', 'status is required');
      validateNote(req.note, 'note', false);
      refuseIfDone();
    },
    (req) =>
      req.status === state.status ? null : { by: req.by, via: req.via, note: req.note?.trim() || `Status set to ${req.status}`, status: req.status },
  );

  setProgressHandler(
    completeItemUpdate,
    'complete it',
    (req) => {
      validateNote(req.note, 'note', false);
      refuseIfDone();
    },
    (req) => ({ by: req.by, via: req.via, note: req.note?.trim() || 'Marked done', status: 'DONE' }),
  );

  setHandler(
    requestRescheduleUpdate,
    (req) =>
      mutex.runExclusive(async () => {
        refuseIfDone();
        if (state.pendingReschedule) throw invalidState('a reschedule request is already waiting for the sponsor', 'reschedule_pending');
        const requestId = uuid4();
        const requestedAt = nowIso();
        const toDueAt = new Date(Date.parse(req.toDueAt)).toISOString();
        await planActivities.recordRescheduleRequest({
          requestId,
          itemId: state.itemId,
          planId: state.planId,
          fromDueAt: state.dueAt,
          toDueAt,
          reason: req.reason.trim(),
          by: req.by,
          at: requestedAt,
        });
        state.pendingReschedule = {
          requestId,
          fromDueAt: state.dueAt,
          toDueAt,
          reason: req.reason.trim(),
          requestedById: req.by.personId,
          requestedAt,
        };
        await send(
          {
            purpose: 'item.reschedule-request',
            personId: state.sponsorId,
            attemptGroup: requestId,
            template: 'item.reschedule-request',
            data: itemData({
              requestId,
              fromDueAt: state.dueAt,
              toDueAt,
              toDueAtLocal: formatLocalIso(Date.parse(toDueAt), input.timeZone),
              reason: req.reason.trim(),
              requestedByName: req.by.name,
            }),
          },
          false,
        );
        return { requestId, status: 'PENDING' as const, fromDueAt: state.dueAt, toDueAt };
      }),
    {
      validator: (req) => {
        validateOwnerOrManager(req.by, 'ask to reschedule');
        validateNote(req.reason, 'reason', true);
        const to = typeof req.toDueAt === 'string' ? Date.parse(req.toDueAt) : NaN;
        if (Number.isNaN(to)) throw invalidInput('toDueAt', 'toDueAt must be an ISO date-time');
        if (to <= Date.now()) throw invalidInput('toDueAt', 'toDueAt must be in the future');
        if (to === Date.parse(state.dueAt)) throw invalidInput('toDueAt', 'toDueAt is the current due date');
        refuseIfDone();
        if (state.pendingReschedule) throw invalidState('a reschedule request is already waiting for the sponsor', 'reschedule_pending');
      },
    },
  );

  setHandler(
    decideRescheduleUpdate,
    (req) =>
      mutex.runExclusive(async () => {
        const pending = state.pendingReschedule;
        if (!pending || pending.requestId !== req.requestId) throw invalidState('no such pending reschedule request', 'no_pending_reschedule');
        const decidedAt = nowIso();
        const approve = req.decision === 'APPROVE';
        await planActivities.recordRescheduleDecision({
          requestId: pending.requestId,
          itemId: state.itemId,
          planId: state.planId,
          decision: req.decision,
          note: req.note?.trim() || null,
          by: req.by,
          at: decidedAt,
          newDueAt: approve ? pending.toDueAt : null,
        });
        state.pendingReschedule = null;
        if (approve) {
          state.dueAt = pending.toDueAt;
          state.reschedulesApproved += 1;
          state.ladderBaselineAt = decidedAt;
          state.flaggedForBoardAt = null;
          revision++;
        }
        return publicState();
      }),
    {
      validator: (req) => {
        validateActor(req.by);
        if (req.by.personId !== state.sponsorId) throw notPermitted('only the item sponsor may decide a reschedule');
        if (req.decision !== 'APPROVE' && req.decision !== 'REJECT') throw invalidInput('decision', 'decision must be APPROVE or REJECT');
        validateNote(req.note, 'note', false);
        refuseIfDone();
        if (!state.pendingReschedule) throw invalidState('there is no pending reschedule request', 'no_pending_reschedule');
        if (state.pendingReschedule.requestId !== req.requestId) {
          throw notFound('reschedule request not found');
        }
      },
    },
  );

  function publicState(): ActionItemStateV1 {
    state.nextEvent = done() ? null : nextLadderEvent();
    return { ...state, fired: [...state.fired] };
  }

  const nextLadderEvent = (): LadderEventV1 | null =>
    nextLadderEventOf(state.dueAt, input.ladder, input.timeZone, Date.parse(state.ladderBaselineAt), new Set(state.fired.map((f) => f.id)));

  async function fire(event: LadderEventV1): Promise<void> {
    const firedAt = nowIso();
    const dueMs = Date.parse(event.dueAt);
    const common = { scheduledFor: event.at, firedAt, stepKey: event.stepKey };
    const notified: string[] = [];
    if (event.kind === 'REMINDER') {
      const daysBefore = localDaysBetween(Date.parse(event.at), dueMs, input.timeZone);
      await send(
        { purpose: 'item.reminder', personId: state.ownerId, attemptGroup: event.id, template: 'item.reminder', data: itemData({ ...common, daysBefore, daysLeft: daysBefore }) },
        true,
      );
      notified.push(state.ownerId);
    } else {
      const daysOverdue = daysOverdueAt(dueMs, Date.parse(event.at), input.timeZone);
      const overdueData = itemData({ ...common, daysOverdue, level: event.notify, levelLabel: escalationLabel(event.notify, daysOverdue) });
      if (event.notify === 'OWNER' || event.notify === 'SPONSOR') {
        const personId = event.notify === 'OWNER' ? state.ownerId : state.sponsorId;
        await send({ purpose: 'item.overdue', personId, attemptGroup: event.id, template: 'item.overdue', data: { ...overdueData, audience: event.notify } }, true);
        notified.push(personId);
      } else if (event.notify === 'CITY_MANAGER') {
        const contacts = await planActivities.itemContacts({ itemId: state.itemId });
        await Promise.all(
          contacts.cityManagerIds.map((personId) =>
            send({ purpose: 'item.overdue', personId, attemptGroup: event.id, template: 'item.overdue', data: { ...overdueData, audience: 'CITY_MANAGER' } }, true),
          ),
        );
        notified.push(...contacts.cityManagerIds);
      } else {
        state.flaggedForBoardAt = firedAt;
        try {
          await getExternalWorkflowHandle(input.planWorkflowId).signal(itemFlaggedForBoardSignal, {
            itemId: state.itemId,
            title: state.title,
            ownerId: state.ownerId,
            dueAt: state.dueAt,
            flaggedAt: firedAt,
          });
        } catch {
          // The plan has closed (its final report already lists the item as overdue).
        }
      }
      await planActivities.recordItemEscalation({ itemId: state.itemId, planId: state.planId, event, firedAt, notifiedPersonIds: notified });
    }
    state.fired.push({ ...event, firedAt });
  }

  // Histories recorded before ITEM_ADDED_BY_API_PATCH announce the item here.
  if (!input.carried && !patched(ITEM_ADDED_BY_API_PATCH)) {
    const added: ItemAddedV1 = { itemId: state.itemId, goalId: input.goalId, title: state.title, dueAt: state.dueAt };
    try {
      await getExternalWorkflowHandle(input.planWorkflowId).signal(itemAddedSignal, added);
    } catch {
      // A plan that is not running (closed, or items run standalone in tests) needs no count.
    }
  }

  while (!done()) {
    const next = nextLadderEvent();
    state.nextEvent = next;
    const seen = revision;
    if (next === null) {
      await condition(() => done() || revision !== seen || workflowInfo().continueAsNewSuggested);
    } else {
      const waitMs = Date.parse(next.at) - Date.now();
      const interrupted =
        waitMs > 0 ? await condition(() => done() || revision !== seen || workflowInfo().continueAsNewSuggested, waitMs) : false;
      if (!interrupted && !done() && revision === seen) {
        await mutex.runExclusive(() => (done() || revision !== seen ? Promise.resolve() : fire(next)));
      }
    }
    if (!done() && workflowInfo().continueAsNewSuggested) {
      await condition(() => allHandlersFinished() && !mutex.isLocked);
      await continueAsNew<typeof actionItemWorkflow>({ ...input, carried: publicState() });
    }
  }

  await condition(allHandlersFinished);
  return publicState();
}

// The signature the API starts this workflow with (domain/workflows.ts).
actionItemWorkflow satisfies WorkflowSignatures['actionItemWorkflow'];
