// What the plan, item and duty workflows may ask of the plan activities.
// Types only: the implementation (activities/plan.ts) uses Prisma and Node.
import type { ActorV1 } from './common';
import type {
  BoardFlagV1,
  HolidayCalendarV1,
  ItemLadderV1,
  ItemStatusV1,
  LadderEventV1,
  ProgressViaV1,
  RecurringDutyV1,
  SnapshotSummaryV1,
} from './plan';

export interface RecordItemProgressInput {
  /** Chosen by the workflow (deterministic uuid); the row id, so a retry finds it. */
  progressId: string;
  itemId: string;
  planId: string;
  by: ActorV1;
  via: ProgressViaV1;
  at: string;
  note: string;
  reportedStatus: ItemStatusV1 | null;
  reportedPercent: number | null;
  /** The item's status and percentage after this report. */
  status: ItemStatusV1;
  percentComplete: number;
  completedAt: string | null;
}

export interface RecordRescheduleRequestInput {
  requestId: string;
  itemId: string;
  planId: string;
  fromDueAt: string;
  toDueAt: string;
  reason: string;
  by: ActorV1;
  at: string;
}

export interface RecordRescheduleDecisionInput {
  requestId: string;
  itemId: string;
  planId: string;
  decision: 'APPROVE' | 'REJECT';
  note: string | null;
  by: ActorV1;
  at: string;
  /** Set when approved: the item's new due date. */
  newDueAt: string | null;
}

export interface RecordItemEscalationInput {
  itemId: string;
  planId: string;
  event: LadderEventV1;
  firedAt: string;
  notifiedPersonIds: string[];
}

export interface TakeMonthlySnapshotInput {
  planId: string;
  month: number;
  period: string;
  takenAt: string;
  boardFlags: BoardFlagV1[];
}

export interface EnsureDutySchedulesInput {
  planId: string;
  planWorkflowId: string;
  timeZone: string;
  startDate: string;
  months: number;
  holidayCalendar: HolidayCalendarV1;
  policyVersion: string;
  itemLadder: ItemLadderV1;
  duties: RecurringDutyV1[];
}

export interface CreateRecurringItemInput {
  planId: string;
  duty: RecurringDutyV1;
  periodKey: string;
  recurrenceKey: string;
  dueAt: string;
}

export interface CreateRecurringItemResult {
  itemId: string;
  workflowId: string;
  goalId: string;
  title: string;
  dueAt: string;
  created: boolean;
}

export type ObjectiveStatus = 'MET' | 'PARTIALLY_MET' | 'NOT_MET' | 'NO_ITEMS';

export interface FinalReportItem {
  itemId: string;
  title: string;
  status: ItemStatusV1;
  percentComplete: number;
  dueAt: string;
  completedAt: string | null;
  outcome: 'MET' | 'MET_LATE' | 'MISSED' | 'OPEN';
}

export interface FinalReportGoal {
  goalId: string;
  number: number;
  title: string;
  objectiveStatus: ObjectiveStatus;
  counts: Record<FinalReportItem['outcome'], number>;
  items: FinalReportItem[];
}

export interface FinalReportV1 {
  version: 1;
  planId: string;
  planTitle: string;
  finalReportAt: string;
  /** One sentence for messages: objectives met and items done. */
  summary: string;
  reportUrl?: string;
  months: number;
  goals: FinalReportGoal[];
  totals: Record<FinalReportItem['outcome'], number> & { items: number };
  monthlyHistory: { month: number; period: string; takenAt: string; done: number; items: number; averagePercent: number }[];
}

export interface PlanActivities {
  recordItemProgress(input: RecordItemProgressInput): Promise<void>;
  recordRescheduleRequest(input: RecordRescheduleRequestInput): Promise<void>;
  recordRescheduleDecision(input: RecordRescheduleDecisionInput): Promise<void>;
  recordItemEscalation(input: RecordItemEscalationInput): Promise<void>;
  itemContacts(input: { itemId: string }): Promise<{ ownerId: string; sponsorId: string; cityManagerIds: string[] }>;
  takeMonthlySnapshot(input: TakeMonthlySnapshotInput): Promise<SnapshotSummaryV1>;
  planDigestRecipients(input: { planId: string; policyVersion: string }): Promise<string[]>;
  produceFinalReport(input: { planId: string; at: string }): Promise<FinalReportV1>;
  ensureDutySchedules(input: EnsureDutySchedulesInput): Promise<{ scheduleIds: string[] }>;
  removeDutySchedules(input: { planId: string; dutyKeys: string[] }): Promise<void>;
  createRecurringItem(input: CreateRecurringItemInput): Promise<CreateRecurringItemResult>;
}

