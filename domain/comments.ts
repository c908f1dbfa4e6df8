// Residents' comments: when the City's answer is due, the reminder and the
// escalations that follow a missed answer, and what counts as answered on
// time. Pure and deterministic, so the comment workflow, the services and the
// tests share one rule. The escalations are the action plan's overdue ladder
// (planLadder.ts), not a ladder of their own.
import { RESPOND_WITHIN_PATTERN, durationMs, type CommentsPolicy, type Policy } from './policy/schema';
import type { ItemLadderV1 } from './contracts/plan';
import { addBusinessDays, localDateOf, zonedParts, zonedTimeToInstant } from './time/cityTime';
import { itemLadderFromPolicy } from './planLadder';
import { isPastDue } from './overdue';

const MINUTE_MS = 60_000;

/** A comment waits for moderation, is published or rejected (with a reason), then answered. */
export const COMMENT_STATUSES = ['PENDING', 'PUBLISHED', 'REJECTED', 'ANSWERED'] as const;
export type CommentStatus = (typeof COMMENT_STATUSES)[number];

/** Still owed an answer: neither answered nor rejected (a rejected comment needs none). */
export const AWAITING_ANSWER_STATUSES = ['PENDING', 'PUBLISHED'] as const satisfies readonly CommentStatus[];
export const awaitsAnswer = (status: string): boolean => (AWAITING_ANSWER_STATUSES as readonly string[]).includes(status);

/**
 * When the answer to a comment received at `receivedAt` is due. Business days
 * keep the local wall-clock time of receipt, N business days later in the
 * city's holiday calendar; a plain duration (a test policy's) is added and
 * rounded up to the minute.
 */
export function commentDueAt(receivedAt: Date | number, comments: Pick<CommentsPolicy, 'respondWithin' | 'holidayCalendar'>, timeZone: string): Date {
  const ms = typeof receivedAt === 'number' ? receivedAt : receivedAt.getTime();
  const match = RESPOND_WITHIN_PATTERN.exec(comments.respondWithin);
  if (!match) throw new RangeError(`not a response time: ${comments.respondWithin}`);
  // To the whole minute, like business days: the ladder's day-sized steps keep the due time's local minute.
  if (match[2] !== 'bd') return new Date(Math.ceil((ms + durationMs(comments.respondWithin)) / MINUTE_MS) * MINUTE_MS);
  const local = zonedParts(ms, timeZone);
  const dueDate = addBusinessDays(localDateOf(ms, timeZone), Number(match[1]), comments.holidayCalendar);
  return zonedTimeToInstant(dueDate, { hour: local.hour, minute: local.minute }, timeZone);
}

/**
 * The ladder a comment pins when it arrives: one reminder `remindBefore` the
 * due time, then the action plan's overdue ladder, step for step.
 */
export function commentLadder(policy: Policy): ItemLadderV1 {
  const comments = policy.comments;
  if (!comments) throw new RangeError(`policy ${policy.version} takes no comments`);
  const seconds = durationMs(comments.remindBefore) / 1000;
  return {
    reminderLocalTime: policy.actionPlan.reminderTime,
    // Seconds, not days: the reminder keeps the due time's distance, not the item reminders' 09:00.
    reminders: [{ key: `comment-reminder-${comments.remindBefore}`, secondsBefore: seconds }],
    overdue: itemLadderFromPolicy(policy).overdue,
  };
}

/** Answered before its due time passed (the first escalation fires at the due time). */
export const isAnsweredOnTime = (dueAt: Date | string, answeredAt: Date | string): boolean => !isPastDue(dueAt, answeredAt);

/** The public page a comment is shown on: its item's page, or its goal's. */
export const commentTargetPath = (target: { planId: string; itemId: string | null; goalNumber: number }): string =>
  target.itemId ? `/plans/${target.planId}/items/${target.itemId}` : `/plans/${target.planId}/goals/${target.goalNumber}`;

/** The words of a comment a message quotes: enough to recognise it. */
export const commentExcerpt = (body: string, max = 280): string => (body.length <= max ? body : `${body.slice(0, max - 1)}…`);
