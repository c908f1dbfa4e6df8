// What is read about residents' comments: the published ones and the City's
// replies on the public page of a goal or an item (never the resident's
// address, never a rejected or unmoderated comment), the moderation queue a
// person sees, and the plan dashboard's figures (received, answered, answered
// on time).
import type { Db } from '../lib/db';
import { awaitsAnswer, commentExcerpt, commentTargetPath } from '../domain/comments';
import { isPastDue } from '../domain/overdue';
import type { PublicComment, CommentReply } from '../generated/prisma/client';
import { moderatesAll, ownedItemIds, type CommentModerator } from './comments';
import { notFound } from './errors';

type CommentWithReplies = PublicComment & { replies: CommentReply[] };

/** Only what the public may see of a published comment. */
function publicComment(comment: CommentWithReplies, linked: Map<string, { id: string; title: string }>) {
  const ledTo = comment.linkedItemId ? linked.get(comment.linkedItemId) ?? null : null;
  return {
    id: comment.id,
    displayName: comment.displayName,
    body: comment.body,
    language: comment.language,
    receivedAt: comment.receivedAt.toISOString(),
    dueAt: comment.dueAt.toISOString(),
    status: comment.status as 'PUBLISHED' | 'ANSWERED',
    answeredAt: comment.answeredAt?.toISOString() ?? null,
    answeredOnTime: comment.answeredOnTime,
    replies: comment.replies.map((r) => ({ body: r.body, byName: r.byName, createdAt: r.createdAt.toISOString() })),
    ledTo: ledTo ? { itemId: ledTo.id, title: ledTo.title, path: commentTargetPath({ planId: comment.planId, itemId: ledTo.id, goalNumber: 0 }) } : null,
  };
}

export type PublicCommentView = ReturnType<typeof publicComment>;

const PUBLIC_STATUSES = ['PUBLISHED', 'ANSWERED'] as const;

async function linkedItems(db: Db, comments: PublicComment[]) {
  const ids = [...new Set(comments.map((c) => c.linkedItemId).filter((id): id is string => !!id))];
  const items = ids.length ? await db.actionItem.findMany({ where: { id: { in: ids } }, select: { id: true, title: true } }) : [];
  return new Map(items.map((i) => [i.id, i]));
}

/** A public item or goal page: the target, its published comments with replies, and the comments it came from. */
export async function publicCommentPage(db: Db, target: { planId: string; itemId?: string; goalNumber?: number }) {
  const plan = await db.actionPlan.findUnique({ where: { id: target.planId }, select: { id: true, title: true } });
  if (!plan) throw notFound('plan');
  let page: { kind: 'ITEM' | 'GOAL'; goalId: string; goalNumber: number; goalTitle: string; item: null | { id: string; title: string; dueAt: string; organisation: string | null }; items: { id: string; title: string; path: string }[] };
  if (target.itemId !== undefined) {
    const item = await db.actionItem.findFirst({ where: { id: target.itemId, planId: plan.id }, include: { goal: true, owner: { select: { organisation: true } } } });
    if (!item) throw notFound('action item');
    page = {
      kind: 'ITEM',
      goalId: item.goalId,
      goalNumber: item.goal.number,
      goalTitle: item.goal.title,
      // What the monthly dashboard already publishes of an item (its title, due date and group), nothing live or internal.
      item: { id: item.id, title: item.title, dueAt: item.dueAt.toISOString(), organisation: item.owner.organisation },
      items: [],
    };
  } else {
    const goal = await db.goal.findFirst({ where: { planId: plan.id, number: target.goalNumber } });
    if (!goal) throw notFound('goal');
    // The goal's items, so a resident can find the page of each to comment on.
    const items = await db.actionItem.findMany({ where: { goalId: goal.id }, select: { id: true, title: true }, orderBy: [{ dueAt: 'asc' }, { id: 'asc' }] });
    page = {
      kind: 'GOAL',
      goalId: goal.id,
      goalNumber: goal.number,
      goalTitle: goal.title,
      item: null,
      items: items.map((i) => ({ id: i.id, title: i.title, path: commentTargetPath({ planId: plan.id, itemId: i.id, goalNumber: goal.number }) })),
    };
  }
  const comments = await db.publicComment.findMany({
    where: { status: { in: [...PUBLIC_STATUSES] }, ...(page.item ? { itemId: page.item.id } : { goalId: page.goalId, itemId: null }) },
    include: { replies: { orderBy: { createdAt: 'asc' } } },
    orderBy: { receivedAt: 'asc' },
  });
  const cameFrom = page.item
    ? await db.publicComment.findMany({ where: { linkedItemId: page.item.id, status: { in: [...PUBLIC_STATUSES] } }, orderBy: { receivedAt: 'asc' } })
    : [];
  const goals = cameFrom.length ? await db.goal.findMany({ where: { id: { in: cameFrom.map((c) => c.goalId) } }, select: { id: true, number: true } }) : [];
  const linked = await linkedItems(db, comments);
  return {
    plan,
    target: page,
    comments: comments.map((c) => publicComment(c, linked)),
    cameFrom: cameFrom.map((c) => ({
      commentId: c.id,
      excerpt: commentExcerpt(c.body, 200),
      path: `${commentTargetPath({ planId: c.planId, itemId: c.itemId, goalNumber: goals.find((g) => g.id === c.goalId)?.number ?? 0 })}#comment-${c.id}`,
    })),
  };
}

/** The comments a person moderates, newest first: every one for the moderator roles, else those on items they own. */
export async function commentQueue(db: Db, person: CommentModerator, filter: { status?: PublicComment['status'] } = {}) {
  const all = moderatesAll(person);
  const owned = all ? [] : await ownedItemIds(db, person.id);
  const comments = await db.publicComment.findMany({
    where: { ...(all ? {} : { itemId: { in: owned } }), ...(filter.status ? { status: filter.status } : {}) },
    include: { replies: { orderBy: { createdAt: 'asc' } } },
    orderBy: { receivedAt: 'desc' },
    take: 500,
  });
  const [items, goals] = await Promise.all([
    db.actionItem.findMany({ where: { id: { in: comments.map((c) => c.itemId).filter((id): id is string => !!id) } }, select: { id: true, title: true } }),
    db.goal.findMany({ where: { id: { in: comments.map((c) => c.goalId) } }, select: { id: true, number: true, title: true } }),
  ]);
  const now = new Date();
  return {
    moderatesAll: all,
    comments: comments.map((c) => {
      const goal = goals.find((g) => g.id === c.goalId);
      return {
        id: c.id,
        planId: c.planId,
        itemId: c.itemId,
        itemTitle: items.find((i) => i.id === c.itemId)?.title ?? null,
        goalNumber: goal?.number ?? null,
        goalTitle: goal?.title ?? null,
        body: c.body,
        displayName: c.displayName,
        // Staff see that a reply will be emailed, never the address itself.
        wantsReply: c.replyEmail !== null,
        language: c.language,
        status: c.status,
        rejectionReason: c.rejectionReason,
        receivedAt: c.receivedAt.toISOString(),
        dueAt: c.dueAt.toISOString(),
        overdue: awaitsAnswer(c.status) && isPastDue(c.dueAt, now),
        answeredAt: c.answeredAt?.toISOString() ?? null,
        answeredOnTime: c.answeredOnTime,
        lastEscalation: c.lastEscalation,
        lastEscalatedAt: c.lastEscalatedAt?.toISOString() ?? null,
        linkedItemId: c.linkedItemId,
        replies: c.replies.map((r) => ({ id: r.id, body: r.body, byName: r.byName, createdAt: r.createdAt.toISOString() })),
        publicPath: commentTargetPath({ planId: c.planId, itemId: c.itemId, goalNumber: goal?.number ?? 0 }),
      };
    }),
  };
}

/** The plan dashboard's comment figures: received, answered, answered on time and its rate (null before any answer). */
export async function commentFigures(db: Db, planId: string) {
  const [received, answered, answeredOnTime] = await Promise.all([
    db.publicComment.count({ where: { planId } }),
    db.publicComment.count({ where: { planId, status: 'ANSWERED' } }),
    db.publicComment.count({ where: { planId, status: 'ANSWERED', answeredOnTime: true } }),
  ]);
  return { received, answered, answeredOnTime, onTimeRate: answered === 0 ? null : Math.round((answeredOnTime / answered) * 1000) / 1000 };
}
