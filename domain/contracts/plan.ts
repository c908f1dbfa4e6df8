// Action plan and action item workflow contracts. Defined once; the API, the
// activities and the workflows import these. Versioned: add a V2 beside V1
// rather than changing V1 while plans run (a plan lives for 12 months).
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ActorV1 } from './common';

export const ITEM_STATUSES = ['NOT_STARTED', 'IN_PROGRESS', 'BLOCKED', 'DONE'] as const;
export type ItemStatusV1 = (typeof ITEM_STATUSES)[number];

/** How a progress report reached us (stored on ProgressUpdate.via). */
export type ProgressViaV1 = 'API' | 'WEB' | 'EMAIL_LINK' | 'SMS';

export type HolidayCalendarV1 = 'US_FEDERAL' | 'NONE';

// ---------------------------------------------------------------- ladder

/**
 * A reminder before the due date. Day-based steps fire at the ladder's local
 * time on (local due date - daysBefore). `secondsBefore` exists for tests and
 * benchmarks that need a ladder measured in seconds; policy ladders use days.
 */
export type ReminderStepV1 = { key: string; daysBefore: number } | { key: string; secondsBefore: number };

/** Who an overdue step notifies. BOARD_DIGEST flags the item for the board's next monthly digest. */
export type EscalationTargetV1 = 'OWNER' | 'SPONSOR' | 'CITY_MANAGER' | 'BOARD_DIGEST';

/**
 * An escalation after the due time. Day-based steps fire `daysAfter` calendar
 * days after the due time at the same local wall-clock time (0 = at once).
 */
export type OverdueStepV1 =
  | { key: string; daysAfter: number; notify: EscalationTargetV1 }
  | { key: string; secondsAfter: number; notify: EscalationTargetV1 };

/** Pinned into each item at start, from the policy version the plan runs under. */
export interface ItemLadderV1 {
  /** "HH:MM" city time for day-based reminders. */
  reminderLocalTime: string;
  reminders: ReminderStepV1[];
  overdue: OverdueStepV1[];
}

/** One ladder step resolved to an instant for a given due date. */
export interface LadderEventV1 {
  /** Unique per due date: `${step.key}@${dueAt}`, so a reschedule yields fresh keys. */
  id: string;
  stepKey: string;
  kind: 'REMINDER' | 'OVERDUE';
  notify: EscalationTargetV1;
  at: string;
  dueAt: string;
}

// ---------------------------------------------------------------- item

export interface ActionItemInputV1 {
  version: 1;
  itemId: string;
  planId: string;
  planWorkflowId: string;
  goalId: string;
  title: string;
  ownerId: string;
  sponsorId: string;
  /** For message text only; messages degrade gracefully without them. */
  ownerName?: string;
  goalTitle?: string;
  /** ISO instant. */
  dueAt: string;
  timeZone: string;
  policyVersion: string;
  ladder: ItemLadderV1;
  /** Starting figures for an item that already has progress (seeded or imported); default NOT_STARTED, 0. */
  initialStatus?: Exclude<ItemStatusV1, 'DONE'>;
  initialPercent?: number;
  /** Set when continuing as new: everything the previous run knew. */
  carried?: ActionItemStateV1;
}

export interface PendingRescheduleV1 {
  requestId: string;
  fromDueAt: string;
  toDueAt: string;
  reason: string;
  requestedById: string;
  requestedAt: string;
}

export interface FiredLadderEventV1 extends LadderEventV1 {
  firedAt: string;
}

export interface ActionItemStateV1 {
  version: 1;
  itemId: string;
  planId: string;
  title: string;
  ownerId: string;
  sponsorId: string;
  status: ItemStatusV1;
  percentComplete: number;
  dueAt: string;
  originalDueAt: string;
  completedAt: string | null;
  lastProgressAt: string | null;
  lastNote: string | null;
  pendingReschedule: PendingRescheduleV1 | null;
  reschedulesApproved: number;
  /** Ladder events already handled (for the current and earlier due dates). */
  fired: FiredLadderEventV1[];
  /** The next ladder event, or null once complete or when nothing is left. */
  nextEvent: LadderEventV1 | null;
  flaggedForBoardAt: string | null;
  /** When the current due date took effect; reminders already past at that moment are skipped. */
  ladderBaselineAt: string;
  /** Times the item went BLOCKED (each tells the sponsor once). */
  blockedCount: number;
}

export interface PostProgressRequestV1 {
  /** 0..100; omitted keeps the current figure. */
  percentComplete?: number;
  note: string;
  /** Optional status change in the same report (DONE completes the item). */
  status?: ItemStatusV1;
  by: ActorV1;
  via: ProgressViaV1;
}

export interface SetItemStatusRequestV1 {
  status: ItemStatusV1;
  note?: string;
  by: ActorV1;
  via: ProgressViaV1;
}

export interface RequestRescheduleRequestV1 {
  /** ISO instant, later than now. */
  toDueAt: string;
  /** Required and non-blank. */
  reason: string;
  by: ActorV1;
}

export interface RescheduleRequestResultV1 {
  requestId: string;
  status: 'PENDING';
  fromDueAt: string;
  toDueAt: string;
}

export interface DecideRescheduleRequestV1 {
  requestId: string;
  decision: 'APPROVE' | 'REJECT';
  note?: string;
  /** Only the item's sponsor may decide. */
  by: ActorV1;
}

export interface CompleteItemRequestV1 {
  note?: string;
  by: ActorV1;
  via: ProgressViaV1;
}

export const postProgressUpdate = defineUpdate<ActionItemStateV1, [PostProgressRequestV1]>('postProgress');
export const setItemStatusUpdate = defineUpdate<ActionItemStateV1, [SetItemStatusRequestV1]>('setStatus');
export const requestRescheduleUpdate = defineUpdate<RescheduleRequestResultV1, [RequestRescheduleRequestV1]>('requestReschedule');
export const decideRescheduleUpdate = defineUpdate<ActionItemStateV1, [DecideRescheduleRequestV1]>('decideReschedule');
export const completeItemUpdate = defineUpdate<ActionItemStateV1, [CompleteItemRequestV1]>('complete');
export const itemStateQuery = defineQuery<ActionItemStateV1>('itemState');

// ---------------------------------------------------------------- plan

export type DutyCadenceV1 = 'MONTHLY' | 'QUARTERLY';

/** A recurring duty: a Temporal Schedule creates one action item per period. */
export interface RecurringDutyV1 {
  /** Stable key, e.g. goal1-community-session; recurrenceKey = `${key}:${period}`. */
  key: string;
  goalNumber: number;
  title: string;
  description: string;
  cadence: DutyCadenceV1;
  ownerId: string;
  sponsorId: string;
  /** "HH:MM" city time on the last business day of the period, when the item falls due. */
  dueLocalTime: string;
}

export interface ActionPlanInputV1 {
  version: 1;
  planId: string;
  title: string;
  /** Local calendar date "YYYY-MM-DD" in timeZone; month 1 is the month containing it. */
  startDate: string;
  months: number;
  timeZone: string;
  /** "HH:MM" city time of the monthly snapshot. */
  snapshotLocalTime: string;
  holidayCalendar: HolidayCalendarV1;
  policyVersion: string;
  /** The ladder every item of this plan (including duty items) starts with. */
  itemLadder: ItemLadderV1;
  recurringDuties: RecurringDutyV1[];
  /**
   * Continue as new after this many monthly cycles in one run even if the
   * server has not suggested it yet (tests; operators wanting short histories).
   */
  continueAsNewAfterMonths?: number;
  carried?: ActionPlanCarryV1;
}

export interface ItemAddedV1 {
  itemId: string;
  goalId: string;
  title: string;
  dueAt: string;
}

export interface BoardFlagV1 {
  itemId: string;
  title: string;
  ownerId: string;
  dueAt: string;
  flaggedAt: string;
}

/**
 * A resident's comment whose answer the overdue ladder took to the board
 * (its BOARD_DIGEST step) and that nobody has answered yet, as the monthly
 * digest names it: where it was left and its dates, never its words or anything
 * of the resident.
 */
export interface BoardCommentV1 {
  commentId: string;
  /** The item commented on; null for a comment on the goal itself. */
  itemId: string | null;
  goalNumber: number;
  /** The item's title, or the goal's. */
  title: string;
  receivedAt: string;
  dueAt: string;
  /** Local calendar days past the due time when the snapshot was taken. */
  daysOverdue: number;
}

export interface SnapshotRefV1 {
  month: number;
  /** "YYYY-MM": the plan month the snapshot reports on. */
  period: string;
  takenAt: string;
  digestRecipients: number;
  boardFlagsReported: number;
}

/** Per-goal figures a snapshot activity returns to the plan workflow (kept small: it lands in history). */
export interface GoalFiguresV1 {
  goalId: string;
  number: number;
  title: string;
  items: number;
  done: number;
  inProgress: number;
  blocked: number;
  notStarted: number;
  overdue: number;
  averagePercent: number;
}

export interface SnapshotSummaryV1 {
  planId: string;
  planTitle: string;
  month: number;
  period: string;
  takenAt: string;
  /** False when this plan month's snapshot already existed (a retried activity). */
  created: boolean;
  totals: Omit<GoalFiguresV1, 'goalId' | 'number' | 'title'>;
  goals: GoalFiguresV1[];
  /** The public dashboard page for this plan. */
  dashboardUrl?: string;
  /** Residents' comments listed for the board and still unanswered when the snapshot was taken (absent from older snapshots). */
  boardComments?: BoardCommentV1[];
}

/** Everything a plan run hands to the next across continue-as-new. */
export interface ActionPlanCarryV1 {
  snapshots: SnapshotRefV1[];
  itemIds: string[];
  /** Flags waiting for the next digest; a digest reports them and clears the list. */
  boardFlags: BoardFlagV1[];
  schedulesEnsured: boolean;
  runs: number;
}

export interface ActionPlanStateV1 {
  version: 1;
  planId: string;
  status: 'ACTIVE' | 'CLOSED';
  months: number;
  monthsCompleted: number;
  nextSnapshotAt: string | null;
  snapshots: SnapshotRefV1[];
  itemCount: number;
  pendingBoardFlags: BoardFlagV1[];
  finalReportAt: string | null;
  /** How many runs this plan has had (1 + continue-as-new count). */
  runs: number;
}

export const itemAddedSignal = defineSignal<[ItemAddedV1]>('itemAdded');
/** Sent by an item workflow once it is 14 days overdue (ladder target BOARD_DIGEST). */
export const itemFlaggedForBoardSignal = defineSignal<[BoardFlagV1]>('itemFlaggedForBoard');
export const planStateQuery = defineQuery<ActionPlanStateV1>('planState');

// ---------------------------------------------------------------- recurring duty

/** Arguments a duty's Schedule passes to recurringDutyWorkflow on every fire. */
export interface RecurringDutyRunInputV1 {
  version: 1;
  planId: string;
  planWorkflowId: string;
  timeZone: string;
  holidayCalendar: HolidayCalendarV1;
  policyVersion: string;
  itemLadder: ItemLadderV1;
  duty: RecurringDutyV1;
  /** Optional explicit period start "YYYY-MM-DD" (manual runs, tests); otherwise the schedule's fire time decides. */
  periodOf?: string;
}

export interface RecurringDutyRunResultV1 {
  itemId: string;
  recurrenceKey: string;
  created: boolean;
  workflowStarted: boolean;
}
