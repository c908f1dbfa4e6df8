// The activities behind the City's promise to answer a resident's comment
// (domain/contracts/comments.ts): who each ladder step tells, the record of
// each step, and the reply emailed to a resident who left an address. The
// reply goes through the same delivery core as every message (its
// notification key is recorded before the provider is called), addressed to
// the comment rather than to a person.
import { ApplicationFailure } from '@temporalio/common';
import type { Config } from '../lib/config';
import { FailureType } from '../domain/failures';
import { commentExcerpt, commentTargetPath } from '../domain/comments';
import { notificationKey } from '../domain/ids';
import type { CommentActivities } from '../domain/contracts/comments';
import { currentPolicy } from '../policy';
import { createMessageSender, type NotificationDeps } from './notifications';
import { renderMessage } from './notifications/templates';

export type CommentActivityDeps = NotificationDeps & { config: NotificationDeps['config'] & Pick<Config, 'PUBLIC_BASE_URL'> };

/** A comment's part of a notification key: never mistaken for a person's id. */
const commenterKeyPart = (commentId: string) => `comment:${commentId}`;

export function createCommentActivities(deps: CommentActivityDeps): CommentActivities {
  const { db, config } = deps;
  const { sendPrepared } = createMessageSender(deps);
  const base = config.PUBLIC_BASE_URL.replace(/\/$/, '');

  async function commentWithTarget(commentId: string) {
    const comment = await db.publicComment.findUnique({ where: { id: commentId } });
    if (!comment) return null;
    const [goal, item] = await Promise.all([
      db.goal.findUnique({ where: { id: comment.goalId }, select: { number: true, title: true } }),
      comment.itemId ? db.actionItem.findUnique({ where: { id: comment.itemId }, select: { title: true, ownerId: true, sponsorId: true } }) : null,
    ]);
    return { comment, goal, item };
  }

  const activePeopleWithRoles = async (roles: string[]) =>
    (await db.person.findMany({ where: { active: true, roles: { hasSome: roles as never[] } }, select: { id: true }, orderBy: { id: 'asc' } })).map((p) => p.id);

  return {
    async commentLadderRecipients({ commentId, kind, notify }) {
      const found = await commentWithTarget(commentId);
      if (!found) return { personIds: [], data: {} };
      const { comment, goal, item } = found;
      const moderatorRoles = currentPolicy().comments?.moderatorRoles ?? ['STAKEHOLDER_LEAD'];
      let personIds: string[];
      if (kind === 'REMINDER' || notify === 'OWNER') personIds = item ? [item.ownerId] : await activePeopleWithRoles(moderatorRoles);
      else if (notify === 'SPONSOR') personIds = item ? [item.sponsorId] : await activePeopleWithRoles(moderatorRoles);
      else if (notify === 'CITY_MANAGER') personIds = await activePeopleWithRoles(['CITY_MANAGER']);
      else personIds = [];
      return {
        personIds: [...new Set(personIds)],
        data: {
          commentId,
          targetTitle: item?.title ?? goal?.title ?? null,
          excerpt: commentExcerpt(comment.body),
          receivedAt: comment.receivedAt.toISOString(),
          queueUrl: `${base}/console/comments`,
        },
      };
    },

    async recordCommentEscalation({ commentId, event, firedAt }) {
      const at = new Date(firedAt);
      const level = event.kind === 'REMINDER' ? 'REMINDER' : event.notify;
      await db.publicComment.updateMany({
        where: { id: commentId },
        data: { lastEscalation: level, lastEscalatedAt: at, ...(level === 'BOARD_DIGEST' ? { flaggedForBoardAt: at } : {}) },
      });
    },

    async sendCommentReply({ workflowId, commentId, replyId }) {
      const found = await commentWithTarget(commentId);
      const reply = await db.commentReply.findUnique({ where: { id: replyId } });
      if (!found || !reply || !found.comment.replyEmail) return { sent: false };
      const { comment, goal, item } = found;
      const path = commentTargetPath({ planId: comment.planId, itemId: comment.itemId, goalNumber: goal?.number ?? 0 });
      const rendered = renderMessage(
        'comment.reply',
        {
          targetTitle: item?.title ?? goal?.title ?? null,
          replyBody: reply.body,
          byName: reply.byName,
          excerpt: commentExcerpt(comment.body),
          pageUrl: `${base}${path}?lang=${encodeURIComponent(comment.language)}#comment-${comment.id}`,
        },
        'EMAIL',
        config,
        new Date(),
        { language: comment.language },
      );
      try {
        await sendPrepared({
        idempotencyKey: notificationKey({ workflowId, purpose: 'comment.reply', personId: commenterKeyPart(commentId), channel: 'EMAIL', attemptGroup: replyId }),
        channel: 'EMAIL',
        purpose: 'comment.reply',
        address: comment.replyEmail,
        unreachable: null,
        displayName: comment.displayName,
        rendered,
        planId: comment.planId,
        actionItemId: comment.itemId,
        });
      } catch (err) {
        // An address the mail server refuses for good: the reply is on the public page all the same.
        if (err instanceof ApplicationFailure && err.type === FailureType.UndeliverableRecipient) return { sent: false };
        throw err;
      }
      return { sent: true };
    },
  };
}
