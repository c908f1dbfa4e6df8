// A resident's comment and the City's promise to answer it: the workflow
// waits for the answer, reminds the moderator before it is due, then climbs
// the action plan's overdue ladder until someone answers. The answer (or a
// rejection) is recorded by the service that received it, which then signals
// the workflow; the workflow emails the reply to a resident who left an address.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { EscalationTargetV1, ItemLadderV1, LadderEventV1 } from './plan';

export interface CommentResponseInputV1 {
  version: 1;
  commentId: string;
  dueAt: string;
  timeZone: string;
  /** Pinned when the comment arrived (domain/comments.ts commentLadder). */
  ladder: ItemLadderV1;
}

export interface CommentClosedV1 {
  outcome: 'ANSWERED' | 'REJECTED';
  at: string;
  /** The reply that answered it: emailed to the resident if they left an address. */
  replyId?: string;
}

export const commentClosedSignal = defineSignal<[CommentClosedV1]>('commentClosed');

export interface CommentResponseResultV1 {
  outcome: 'ANSWERED_ON_TIME' | 'ANSWERED_LATE' | 'REJECTED';
  /** The ladder events that fired, in order (REMINDER, then OVERDUE steps). */
  fired: { id: string; kind: LadderEventV1['kind']; notify: EscalationTargetV1; firedAt: string }[];
}

/** Where the promise stands: the steps fired so far and whether the comment is closed. */
export interface CommentResponseStateV1 {
  closed: CommentClosedV1 | null;
  fired: CommentResponseResultV1['fired'];
}

export const commentResponseStateQuery = defineQuery<CommentResponseStateV1>('commentResponseState');

/** What the comment workflow asks of its activities. */
export interface CommentActivities {
  /**
   * Who a ladder step tells about a comment, and what the message says. The
   * reminder and OWNER go to the moderators (the item's owner; for a goal,
   * the moderator roles), SPONSOR to the item's sponsor, CITY_MANAGER to the
   * city managers; BOARD_DIGEST tells nobody and flags the comment for the board.
   */
  commentLadderRecipients(input: { commentId: string; kind: LadderEventV1['kind']; notify: EscalationTargetV1 }): Promise<{ personIds: string[]; data: Record<string, unknown> }>;
  /** Records that a ladder step fired (and, for BOARD_DIGEST, flags the comment). */
  recordCommentEscalation(input: { commentId: string; event: LadderEventV1; firedAt: string; notifiedPersonIds: string[] }): Promise<void>;
  /** Emails a reply to the resident, if they left an address; once per reply. */
  sendCommentReply(input: { workflowId: string; commentId: string; replyId: string }): Promise<{ sent: boolean }>;
}
