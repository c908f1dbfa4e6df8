// Residents' comments on a goal or an action item, with no account, and the
// City's promise to answer them. A comment is received (challenge and rate
// limit first), waits for a moderator (the item's owner, or a moderator role),
// is published or rejected with a reason, and is answered; its workflow keeps
// the clock (commentResponseWorkflow). The resident's email address, if they
// left one, is private: only the reply is sent to it.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Config } from '../lib/config';
import type { Db } from '../lib/db';
import { currentPolicy } from '../policy';
import { commentDueAt, commentLadder, isAnsweredOnTime } from '../domain/comments';
import { commentClosedSignal, type CommentClosedV1 } from '../domain/contracts/comments';
import { commentResponseWorkflowId } from '../domain/ids';
import type { CommentsPolicy, Policy } from '../domain/policy/schema';
import type { Role } from '../domain/roles';
import type { PublicComment } from '../generated/prisma/client';
import { checkCommentChallenge, type CommentThrottle } from './commentChallenge';
import { conflict, forbidden, notFound, refusalParams, unprocessable } from './errors';
import type { Permission } from './policyView';
import { startWorkflowOnce } from './temporal';

export interface CommentDeps {
  db: Db;
  temporal: Client;
  config: Pick<Config, 'TEMPORAL_TASK_QUEUE' | 'LINK_SIGNING_SECRET'>;
}

export interface CommentModerator {
  id: string;
  name: string;
  roles: readonly Role[];
}

/** The longest name a resident may show with a comment. */
export const DISPLAY_NAME_MAX = 100;

/**
 * A comment as a form sends it (the public page): trimmed, blanks left out.
 * The API states the same fields exactly in its document (api/routes/comments.ts).
 */
export const CommentSubmission = z.object({
  body: z.string().trim().min(1, 'write your comment'),
  displayName: z
    .string()
    .trim()
    .max(DISPLAY_NAME_MAX, `must be at most ${DISPLAY_NAME_MAX} characters`)
    .transform((s) => s || undefined),
  replyEmail: z
    .string()
    .trim()
    .max(254, 'must be at most 254 characters')
    .refine((s) => s === '' || z.string().email().safeParse(s).success, { message: 'enter an email address such as name@example.com, or leave it empty', params: refusalParams({ code: 'invalid_email' }) })
    .transform((s) => s || undefined),
  challenge: z.object({ token: z.string().min(1, 'ask for a new question'), answer: z.coerce.number({ invalid_type_error: 'answer with a number' }).int('answer with a whole number') }),
});

export interface NewComment {
  planId: string;
  itemId?: string;
  goalNumber?: number;
  body: string;
  displayName?: string;
  replyEmail?: string;
  language: string;
  challenge: { token: string; answer: number };
}

/** The comments section of the policy in force; a policy without one takes no comments. */
export function commentsPolicy(policy: Policy = currentPolicy()): CommentsPolicy {
  if (!policy.comments) throw conflict(`policy ${policy.version} takes no comments`, 'comments_closed');
  return policy.comments;
}

/** The goal (and item) a new comment is about, or a 422 naming the field that does not name one. */
async function commentTarget(db: Db, input: Pick<NewComment, 'planId' | 'itemId' | 'goalNumber'>) {
  if ((input.itemId === undefined) === (input.goalNumber === undefined)) throw unprocessable('itemId', 'name either an action item (itemId) or a goal (goalNumber)', { code: 'invalid' });
  const plan = await db.actionPlan.findUnique({ where: { id: input.planId }, select: { id: true, timeZone: true } });
  if (!plan) throw unprocessable('planId', 'there is no such plan', { code: 'unknown' });
  if (input.itemId !== undefined) {
    const item = await db.actionItem.findFirst({ where: { id: input.itemId, planId: plan.id }, select: { id: true, goalId: true } });
    if (!item) throw unprocessable('itemId', 'there is no such action item in this plan', { code: 'unknown' });
    return { plan, goalId: item.goalId, itemId: item.id };
  }
  const goal = await db.goal.findFirst({ where: { planId: plan.id, number: input.goalNumber }, select: { id: true } });
  if (!goal) throw unprocessable('goalNumber', 'there is no such goal in this plan', { code: 'unknown' });
  return { plan, goalId: goal.id, itemId: null };
}

/**
 * Receives a resident's comment and starts the promise to answer it. The
 * answer says nothing of the private address.
 */
export async function submitComment(deps: CommentDeps & { throttle: CommentThrottle }, input: NewComment, requester: string) {
  const { db, temporal, config, throttle } = deps;
  const policy = currentPolicy();
  const comments = commentsPolicy(policy);
  await throttle.admit(requester);
  checkCommentChallenge(config, comments, input.challenge);
  if ([...input.body].length > comments.maxLength) throw unprocessable('body', `must be at most ${comments.maxLength} characters`, { code: 'too_long', params: { max: comments.maxLength } });
  const target = await commentTarget(db, input);

  const receivedAt = new Date();
  const timeZone = policy.actionPlan.timeZone;
  const dueAt = commentDueAt(receivedAt, comments, timeZone);
  const id = randomUUID();
  const workflowId = commentResponseWorkflowId(id);
  const comment = await db.publicComment.create({
    data: {
      id,
      planId: target.plan.id,
      goalId: target.goalId,
      itemId: target.itemId,
      body: input.body,
      displayName: input.displayName || null,
      replyEmail: input.replyEmail?.toLowerCase() || null,
      language: input.language,
      receivedAt,
      dueAt,
      policyVersion: policy.version,
      workflowId,
    },
  });
  try {
    await startWorkflowOnce(temporal, config.TEMPORAL_TASK_QUEUE, 'commentResponseWorkflow', workflowId, [
      { version: 1, commentId: comment.id, dueAt: dueAt.toISOString(), timeZone, ladder: commentLadder(policy) },
    ]);
  } catch (err) {
    // No half-written comment: without its workflow nobody would be held to the answer.
    await db.publicComment.delete({ where: { id: comment.id } }).catch(() => undefined);
    throw err;
  }
  return { id: comment.id, status: comment.status, receivedAt: receivedAt.toISOString(), dueAt: dueAt.toISOString() };
}

// ---------------------------------------------------------------- moderation

/** Moderator roles see and act on every comment; anyone else only on comments about items they own. */
export const moderatesAll = (person: Pick<CommentModerator, 'roles'>, comments: CommentsPolicy = commentsPolicy()): boolean =>
  person.roles.some((role) => comments.moderatorRoles.includes(role));

export async function ownedItemIds(db: Db, personId: string): Promise<string[]> {
  return (await db.actionItem.findMany({ where: { ownerId: personId }, select: { id: true } })).map((i) => i.id);
}

const ownsAnItem = async (db: Db, personId: string): Promise<boolean> =>
  (await db.actionItem.findFirst({ where: { ownerId: personId }, select: { id: true } })) !== null;

/** Whether this person has a moderation queue: a moderator role, or an action item of their own. */
export const hasCommentQueue = async (db: Db, person: CommentModerator): Promise<boolean> => moderatesAll(person) || ownsAnItem(db, person.id);

/**
 * The permissions a person holds by what they are responsible for rather
 * than by role (the policy's `access` lists those): the owner of an action
 * item moderates the comments on it. The console shows its entries by both.
 */
export async function ownershipGrants(db: Db, personId: string): Promise<Extract<Permission, 'moderateComments'>[]> {
  if (!currentPolicy().comments) return [];
  return (await ownsAnItem(db, personId)) ? ['moderateComments'] : [];
}

/** The comment, if this person moderates it: 404 when there is none, 403 when it is not theirs. */
async function moderatedComment(db: Db, person: CommentModerator, commentId: string): Promise<PublicComment> {
  const comment = await db.publicComment.findUnique({ where: { id: commentId } });
  if (!comment) throw notFound('comment');
  if (moderatesAll(person)) return comment;
  const item = comment.itemId ? await db.actionItem.findUnique({ where: { id: comment.itemId }, select: { ownerId: true } }) : null;
  if (item?.ownerId !== person.id) throw forbidden('only the owner of the item commented on, or a moderator, may do this');
  return comment;
}

async function tellWorkflow(temporal: Client, comment: PublicComment, closed: CommentClosedV1): Promise<void> {
  try {
    await temporal.workflow.getHandle(comment.workflowId).signal(commentClosedSignal, closed);
  } catch (err) {
    // Recorded all the same; a workflow that is gone has no clock left to stop.
    console.warn(JSON.stringify({ component: 'comments', msg: 'could not signal the comment workflow', commentId: comment.id, error: (err as Error).message }));
  }
}

export async function publishComment(deps: Pick<CommentDeps, 'db'>, person: CommentModerator, commentId: string) {
  const comment = await moderatedComment(deps.db, person, commentId);
  if (comment.status !== 'PENDING') throw conflict(`the comment is ${comment.status.toLowerCase()}, not waiting for moderation`, 'comment_not_pending');
  const changed = await deps.db.publicComment.updateMany({ where: { id: comment.id, status: 'PENDING' }, data: { status: 'PUBLISHED', publishedAt: new Date() } });
  if (changed.count === 0) throw conflict('the comment was moderated meanwhile', 'comment_moderated_meanwhile');
  return { id: comment.id, status: 'PUBLISHED' as const };
}

export async function rejectComment(deps: Pick<CommentDeps, 'db' | 'temporal'>, person: CommentModerator, commentId: string, reason: string) {
  const comment = await moderatedComment(deps.db, person, commentId);
  if (comment.status === 'REJECTED' || comment.status === 'ANSWERED') throw conflict(`the comment is already ${comment.status.toLowerCase()}`, 'comment_already_final');
  const at = new Date();
  const changed = await deps.db.publicComment.updateMany({ where: { id: comment.id, status: comment.status }, data: { status: 'REJECTED', rejectionReason: reason } });
  if (changed.count === 0) throw conflict('the comment was moderated meanwhile', 'comment_moderated_meanwhile');
  await tellWorkflow(deps.temporal, comment, { outcome: 'REJECTED', at: at.toISOString() });
  return { id: comment.id, status: 'REJECTED' as const, reason };
}

/**
 * The City's answer to a published comment. The first answer keeps (or
 * breaks) the promise and is emailed to the resident if they left an address;
 * later ones are shown with it.
 */
export async function replyToComment(deps: Pick<CommentDeps, 'db' | 'temporal'>, person: CommentModerator, commentId: string, body: string) {
  const { db, temporal } = deps;
  const comment = await moderatedComment(db, person, commentId);
  if (comment.status !== 'PUBLISHED' && comment.status !== 'ANSWERED') throw conflict('only a published comment can be answered: publish it first', 'comment_not_published');
  const at = new Date();
  const first = comment.status === 'PUBLISHED';
  const reply = await db.$transaction(async (tx) => {
    const created = await tx.commentReply.create({ data: { commentId: comment.id, body, byId: person.id, byName: person.name, createdAt: at } });
    if (first) {
      await tx.publicComment.update({ where: { id: comment.id }, data: { status: 'ANSWERED', answeredAt: at, answeredOnTime: isAnsweredOnTime(comment.dueAt, at) } });
    }
    return created;
  });
  if (first) await tellWorkflow(temporal, comment, { outcome: 'ANSWERED', at: at.toISOString(), replyId: reply.id });
  return { id: reply.id, commentId: comment.id, body: reply.body, byName: reply.byName, createdAt: at.toISOString(), answeredOnTime: first ? isAnsweredOnTime(comment.dueAt, at) : comment.answeredOnTime };
}

/** "You said, we did": the action item (of the same plan) this comment led to. */
export async function linkCommentToItem(deps: Pick<CommentDeps, 'db'>, person: CommentModerator, commentId: string, itemId: string) {
  const comment = await moderatedComment(deps.db, person, commentId);
  if (comment.status === 'REJECTED' || comment.status === 'PENDING') throw conflict('only a published comment can be linked to what it led to', 'comment_not_published');
  const item = await deps.db.actionItem.findFirst({ where: { id: itemId, planId: comment.planId }, select: { id: true, title: true } });
  if (!item) throw unprocessable('itemId', 'there is no such action item in the plan commented on', { code: 'unknown' });
  await deps.db.publicComment.update({ where: { id: comment.id }, data: { linkedItemId: item.id, linkedAt: new Date() } });
  return { id: comment.id, linkedItem: { id: item.id, title: item.title } };
}
