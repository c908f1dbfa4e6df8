// The City's promise to answer one resident's comment: wait for the answer
// until the reminder, remind the moderators, wait until the answer is due,
// then climb the action plan's overdue ladder step by step (the same targets
// and spacing as an overdue item) until someone answers. A rejected comment
// needs no answer and stops the clock too. The answer itself is recorded by
// the service; this workflow only keeps the clock, tells people and emails
// the reply to a resident who left an address.
import type { WorkflowSignatures } from '../domain/workflows';
import { condition, log, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import { commentClosedSignal, commentResponseStateQuery, type CommentActivities, type CommentClosedV1, type CommentResponseInputV1, type CommentResponseResultV1 } from '../domain/contracts/comments';
import { isAnsweredOnTime } from '../domain/comments';
import { ladderEvents } from '../domain/planLadder';
import { PUBLIC_FAN_OUT_ACTIVITY_OPTIONS } from '../domain/retry';
import { notificationActivities } from './lib/notificationActivities';
import { notifyPerson } from './lib/notify';

const commentActivities = proxyActivities<CommentActivities>(PUBLIC_FAN_OUT_ACTIVITY_OPTIONS);

export async function commentResponseWorkflow(input: CommentResponseInputV1): Promise<CommentResponseResultV1> {
  const workflowId = workflowInfo().workflowId;
  let closed: CommentClosedV1 | null = null;
  setHandler(commentClosedSignal, (signal) => {
    closed ??= signal;
  });
  const isClosed = () => closed !== null;
  const fired: CommentResponseResultV1['fired'] = [];
  setHandler(commentResponseStateQuery, () => ({ closed, fired: [...fired] }));

  for (const event of ladderEvents(input.dueAt, input.ladder, input.timeZone)) {
    const waitMs = Date.parse(event.at) - Date.now();
    if (waitMs > 0 ? await condition(isClosed, waitMs) : isClosed()) break;
    const { personIds, data } = await commentActivities.commentLadderRecipients({ commentId: input.commentId, kind: event.kind, notify: event.notify });
    const template = event.kind === 'REMINDER' ? 'comment.reminder' : 'comment.overdue';
    await Promise.all(
      personIds.map(async (personId) => {
        try {
          await notifyPerson(notificationActivities, {
            workflowId,
            purpose: template,
            personId,
            channels: ['EMAIL'],
            attemptGroup: event.id,
            template,
            data: { ...data, level: event.notify, dueAt: input.dueAt, timeZone: input.timeZone },
          });
        } catch (err) {
          // One lost message must not stop the ladder: the next step tells someone else.
          log.error('comment notification failed for good', { personId, error: String(err) });
        }
      }),
    );
    const firedAt = new Date(Date.now()).toISOString();
    await commentActivities.recordCommentEscalation({ commentId: input.commentId, event, firedAt, notifiedPersonIds: personIds });
    fired.push({ id: event.id, kind: event.kind, notify: event.notify, firedAt });
  }

  await condition(isClosed);
  const outcome = closed as unknown as CommentClosedV1;
  if (outcome.outcome === 'REJECTED') return { outcome: 'REJECTED', fired };
  if (outcome.replyId) await commentActivities.sendCommentReply({ workflowId, commentId: input.commentId, replyId: outcome.replyId });
  return { outcome: isAnsweredOnTime(input.dueAt, outcome.at) ? 'ANSWERED_ON_TIME' : 'ANSWERED_LATE', fired };
}

// The signature the API starts this workflow with (domain/workflows.ts).
commentResponseWorkflow satisfies WorkflowSignatures['commentResponseWorkflow'];
