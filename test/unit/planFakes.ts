// In-memory stand-ins for the plan and notification activities, for
// time-skipping tests of workflow timing. They record what they were asked to
// do and when (the server's clock, which the test server skips), and do not
// deduplicate anything, so a duplicate send by the workflow shows up as two.
import type { PublicFanOutRequestV1 } from '../../domain/contracts/publicFanOut';
import { Context } from '@temporalio/activity';
import type { OutboundMessageV1, SendResultV1 } from '../../domain/contracts/notificationActivities';
import type { FinalReportV1, PlanActivities } from '../../domain/contracts/planActivities';
import type { ActorV1 } from '../../domain/contracts/common';
import type { ActionItemInputV1, ActionPlanInputV1, ItemLadderV1 } from '../../domain/contracts/plan';
import { itemLadderFromPolicy } from '../../domain/planLadder';
import { DEFAULT_POLICY } from '../../policy/index';
import { batchThrough } from '../harness/notificationBatch';

export interface SentMessage extends OutboundMessageV1 {
  /** Server time when the activity was scheduled (skipped time, not wall time). */
  scheduledAt: string;
}

export interface PlanFakes {
  sent: SentMessage[];
  calls: { name: string; input: any; scheduledAt: string }[];
  activities: Record<string, (...args: any[]) => Promise<unknown>>;
  callsOf(name: string): { input: any; scheduledAt: string }[];
}

const serverNow = () => new Date(Context.current().info.currentAttemptScheduledTimestampMs).toISOString();

export function createPlanFakes(options: { cityManagerIds?: string[]; digestRecipients?: string[] } = {}): PlanFakes {
  const sent: SentMessage[] = [];
  const calls: PlanFakes['calls'] = [];
  const record = (name: string, input: unknown) => calls.push({ name, input, scheduledAt: serverNow() });

  const plan: PlanActivities = {
    async recordItemProgress(input) {
      record('recordItemProgress', input);
    },
    async recordRescheduleRequest(input) {
      record('recordRescheduleRequest', input);
    },
    async recordRescheduleDecision(input) {
      record('recordRescheduleDecision', input);
    },
    async recordItemEscalation(input) {
      record('recordItemEscalation', input);
    },
    async itemContacts(input) {
      record('itemContacts', input);
      return { ownerId: 'owner', sponsorId: 'sponsor', cityManagerIds: options.cityManagerIds ?? ['city-manager'] };
    },
    async takeMonthlySnapshot(input) {
      record('takeMonthlySnapshot', input);
      const totals = { items: 1, done: 0, inProgress: 1, blocked: 0, notStarted: 0, overdue: 0, averagePercent: 40 };
      return { planId: input.planId, planTitle: 'Test plan', month: input.month, period: input.period, takenAt: input.takenAt, created: true, totals, goals: [] };
    },
    async planDigestRecipients(input) {
      record('planDigestRecipients', input);
      return options.digestRecipients ?? ['city-manager', 'mayor'];
    },
    async produceFinalReport(input) {
      record('produceFinalReport', input);
      const report: FinalReportV1 = {
        version: 1,
        planId: input.planId,
        planTitle: 'Test plan',
        finalReportAt: input.at,
        months: 12,
        goals: [],
        summary: '0 of 0 objectives fully met',
        totals: { MET: 0, MET_LATE: 0, MISSED: 0, OPEN: 0, items: 0 },
        monthlyHistory: [],
      };
      return report;
    },
    async ensureDutySchedules(input) {
      record('ensureDutySchedules', input);
      return { scheduleIds: input.duties.map((d) => `duty-${input.planId}-${d.key}`) };
    },
    async removeDutySchedules(input) {
      record('removeDutySchedules', input);
    },
    async createRecurringItem(input) {
      record('createRecurringItem', input);
      const itemId = `item-${input.recurrenceKey}`;
      return { itemId, workflowId: `action-item-${itemId}`, goalId: `goal-${input.duty.goalNumber}`, title: input.duty.title, dueAt: input.dueAt, created: true };
    },
  };

  async function sendNotification(message: OutboundMessageV1): Promise<SendResultV1> {
    sent.push({ ...message, scheduledAt: serverNow() });
    const key = [message.workflowId, message.purpose, message.personId, message.channel, message.attemptGroup].join('|');
    return { notificationId: `n${sent.length}`, idempotencyKey: key, status: 'SENT', providerMessageId: null };
  }

  /** The monthly report's fan-out to subscribers: recorded, not started. */
  async function startPublicFanOut(input: PublicFanOutRequestV1): Promise<{ workflowId: string }> {
    record('startPublicFanOut', input);
    return { workflowId: 'public-fan-out-test' };
  }

  return {
    sent,
    calls,
    activities: { ...(plan as unknown as Record<string, (...args: any[]) => Promise<unknown>>), sendNotification, sendNotificationBatch: batchThrough(sendNotification), startPublicFanOut },
    callsOf: (name) => calls.filter((c) => c.name === name),
  };
}

export const POLICY_LADDER: ItemLadderV1 = itemLadderFromPolicy(DEFAULT_POLICY);

export const actor = (personId: string, roles: ActorV1['roles'] = ['STAKEHOLDER_LEAD'], name = personId): ActorV1 => ({ personId, name, roles });

export function itemInput(overrides: Partial<ActionItemInputV1> & Pick<ActionItemInputV1, 'itemId' | 'dueAt'>): ActionItemInputV1 {
  return {
    version: 1,
    planId: 'plan-1',
    planWorkflowId: 'action-plan-plan-1',
    goalId: 'goal-1',
    title: `Item ${overrides.itemId}`,
    ownerId: 'owner',
    sponsorId: 'sponsor',
    timeZone: 'America/Chicago',
    policyVersion: DEFAULT_POLICY.version,
    ladder: POLICY_LADDER,
    ...overrides,
  };
}

export function planInput(overrides: Partial<ActionPlanInputV1> = {}): ActionPlanInputV1 {
  return {
    version: 1,
    planId: 'plan-1',
    title: 'Test plan',
    startDate: '2027-01-01',
    months: 12,
    timeZone: 'America/Chicago',
    snapshotLocalTime: '09:00',
    holidayCalendar: 'US_FEDERAL',
    policyVersion: DEFAULT_POLICY.version,
    itemLadder: POLICY_LADDER,
    recurringDuties: [],
    ...overrides,
  };
}
