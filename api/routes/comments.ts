// Residents' comments through the API (the public pages in web/ show the
// same views): a question to answer and a comment with no account, the
// published comments and replies of a goal or an item, the plan dashboard's
// comment figures, and for staff the moderation queue and its actions. The
// resident's email address is never in any answer.
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Db } from '../../lib/db';
import type { Config } from '../../lib/config';
import { currentPolicy } from '../../policy';
import { COMMENT_STATUSES } from '../../domain/comments';
import { CHALLENGE_TOKEN_PATTERN, createCommentThrottle, issueCommentChallenge, type CommentThrottle } from '../../services/commentChallenge';
import { commentsPolicy, hasCommentQueue, linkCommentToItem, publishComment, rejectComment, replyToComment, submitComment, type CommentModerator } from '../../services/comments';
import { commentFigures, commentQueue, publicCommentPage } from '../../services/commentViews';
import { forbidden, notFound } from '../../services/errors';
import { caller, requireAuth } from '../auth';
import { emailAddress, idField, nonBlankText, plainText, supportedLanguage } from '../fields';
import { documentRoute } from '../openapi';
import { parseBody, parseParams, parseQuery } from '../validate';

/** Longer than any policy's comment limit; the policy's own (2,000 in clayton-2026.5) is a 422. */
const MAX_BODY = 10_000;

const ChallengeAnswer = z
  .object({
    token: z.string().max(1024).regex(CHALLENGE_TOKEN_PATTERN, 'must be the token from GET /api/public/comments/challenge'),
    answer: z.number().int().min(0).max(1000),
  })
  .strict();

const CommentBody = z
  .object({
    planId: idField(),
    itemId: idField().optional().openapi({ description: 'The action item commented on (or goalNumber: exactly one, else a 422)' }),
    goalNumber: z.number().int().min(1).max(99).optional().openapi({ description: 'The goal commented on (or itemId)' }),
    body: nonBlankText(MAX_BODY).openapi({ description: "The comment; longer than the policy's limit is a 422" }),
    displayName: plainText(100).optional().openapi({ description: 'Shown with the comment; leave out to stay anonymous' }),
    replyEmail: emailAddress(254).optional().openapi({ description: "Private: only to email the City's answer; never shown or returned" }),
    language: supportedLanguage(),
    challenge: ChallengeAnswer,
  })
  .strict()
  .openapi('CommentRequest');

const CommentParams = z.object({ id: idField() });
const ItemCommentsParams = z.object({ planId: idField(), itemId: idField() });
const GoalCommentsParams = z.object({ planId: idField(), number: z.string().regex(/^[1-9]\d?$/, 'must be a goal number from 1 to 99') });
const PlanParams = z.object({ planId: idField() });
const QueueQuery = z.object({ status: z.enum(COMMENT_STATUSES).optional() }).strict();
const RejectBody = z.object({ reason: nonBlankText(500).openapi({ description: 'Why it is not published; kept with the comment' }) }).strict();
const ReplyBody = z.object({ body: nonBlankText(4000) }).strict();
const LinkBody = z.object({ itemId: idField().openapi({ description: 'The action item of the same plan this comment led to' }) }).strict();

const PublicReply = z.object({ body: z.string(), byName: z.string(), createdAt: z.string() });
const PublicCommentSchema = z
  .object({
    id: z.string(),
    displayName: z.string().nullable(),
    body: z.string(),
    language: z.string(),
    receivedAt: z.string(),
    dueAt: z.string(),
    status: z.enum(['PUBLISHED', 'ANSWERED']),
    answeredAt: z.string().nullable(),
    answeredOnTime: z.boolean().nullable(),
    replies: z.array(PublicReply),
    ledTo: z.object({ itemId: z.string(), title: z.string(), path: z.string() }).nullable(),
  })
  .openapi('PublicComment');
const CommentPageSchema = z.object({
  plan: z.object({ id: z.string(), title: z.string() }),
  target: z.object({
    kind: z.enum(['ITEM', 'GOAL']),
    goalId: z.string(),
    goalNumber: z.number(),
    goalTitle: z.string(),
    item: z.object({ id: z.string(), title: z.string(), dueAt: z.string(), organisation: z.string().nullable() }).nullable(),
    items: z.array(z.object({ id: z.string(), title: z.string(), path: z.string() })).openapi({ description: "A goal's items (empty on an item)" }),
  }),
  comments: z.array(PublicCommentSchema),
  cameFrom: z.array(z.object({ commentId: z.string(), excerpt: z.string(), path: z.string() })),
});

const MODERATION_ANSWERS = {
  403: { description: 'Neither the owner of the item commented on nor a moderator (the policy names the roles)' },
  409: { description: 'The comment is not in a state that allows this' },
};

documentRoute({
  method: 'get',
  path: '/api/public/comments/challenge',
  summary: 'A question to answer before commenting (signed, time-limited; answered too fast is refused)',
  tags: ['comments'],
  access: 'public',
  responses: { 200: { description: 'The question (a + b) and its token', schema: z.object({ question: z.object({ a: z.number(), b: z.number() }), token: z.string() }) } },
});
documentRoute({
  method: 'post',
  path: '/api/public/comments',
  summary: "Comment on a goal or an action item, with no account; the City promises an answer by the policy's deadline",
  tags: ['comments'],
  access: 'public',
  body: CommentBody,
  rules: [
    'exactly one of itemId and goalNumber',
    'the plan, item or goal exists (the item in that plan)',
    'the challenge is the one we issued, not expired, answered correctly and not faster than a person can',
    "the body is within the policy's limit",
  ],
  responses: {
    202: {
      description: 'Received; it appears publicly once a moderator publishes it',
      schema: z.object({ id: z.string(), status: z.literal('PENDING'), receivedAt: z.string(), dueAt: z.string() }),
    },
    409: { description: 'The policy in force takes no comments' },
    429: { description: 'Too many comments from this network address this hour; Retry-After says when to try again' },
  },
});
documentRoute({
  method: 'get',
  path: '/api/public/plans/:planId/items/:itemId/comments',
  summary: "An action item's published comments and the City's replies, and the comments it came from (\"you said, we did\")",
  tags: ['comments'],
  access: 'public',
  params: ItemCommentsParams,
  responses: { 200: { description: 'The item and its comments', schema: CommentPageSchema } },
});
documentRoute({
  method: 'get',
  path: '/api/public/plans/:planId/goals/:number/comments',
  summary: "A goal's published comments and the City's replies",
  tags: ['comments'],
  access: 'public',
  params: GoalCommentsParams,
  responses: { 200: { description: 'The goal and its comments', schema: CommentPageSchema } },
});
documentRoute({
  method: 'get',
  path: '/api/public/plans/:planId/comment-figures',
  summary: 'The plan dashboard figures: comments received, answered, answered on time, and the on-time rate',
  tags: ['comments'],
  access: 'public',
  params: PlanParams,
  responses: {
    200: {
      description: 'The figures (onTimeRate is null before any answer)',
      schema: z.object({ received: z.number(), answered: z.number(), answeredOnTime: z.number(), onTimeRate: z.number().nullable() }),
    },
  },
});
documentRoute({
  method: 'get',
  path: '/api/comments/queue',
  summary: "The comments this person moderates: all of them for the policy's moderator roles, else those on items they own",
  tags: ['comments'],
  access: 'authenticated',
  query: QueueQuery,
  responses: { 200: { description: 'The queue, newest first' }, 403: { description: 'Owns no item and holds no moderator role' } },
});
documentRoute({
  method: 'post',
  path: '/api/comments/:id/publish',
  summary: 'Publish a comment waiting for moderation',
  tags: ['comments'],
  access: 'authenticated',
  params: CommentParams,
  responses: { 200: { description: 'Published', schema: z.object({ id: z.string(), status: z.literal('PUBLISHED') }) }, ...MODERATION_ANSWERS },
});
documentRoute({
  method: 'post',
  path: '/api/comments/:id/reject',
  summary: 'Reject a comment with a reason (it needs no answer then)',
  tags: ['comments'],
  access: 'authenticated',
  params: CommentParams,
  body: RejectBody,
  responses: { 200: { description: 'Rejected', schema: z.object({ id: z.string(), status: z.literal('REJECTED'), reason: z.string() }) }, ...MODERATION_ANSWERS },
});
documentRoute({
  method: 'post',
  path: '/api/comments/:id/replies',
  summary: "Answer a published comment: shown with it publicly, and emailed to the resident if they left an address (the first answer keeps or breaks the promise)",
  tags: ['comments'],
  access: 'authenticated',
  params: CommentParams,
  body: ReplyBody,
  responses: {
    201: {
      description: 'Answered',
      schema: z.object({ id: z.string(), commentId: z.string(), body: z.string(), byName: z.string(), createdAt: z.string(), answeredOnTime: z.boolean().nullable() }),
    },
    ...MODERATION_ANSWERS,
  },
});
documentRoute({
  method: 'post',
  path: '/api/comments/:id/link',
  summary: '"You said, we did": link a published comment to the action item it led to',
  tags: ['comments'],
  access: 'authenticated',
  params: CommentParams,
  body: LinkBody,
  rules: ['the item is in the plan commented on'],
  responses: { 200: { description: 'Linked', schema: z.object({ id: z.string(), linkedItem: z.object({ id: z.string(), title: z.string() }) }) }, ...MODERATION_ANSWERS },
});

/** Who asks, for the comments-per-hour limit: the client address as express sees it behind the trusted proxy. */
const requesterOf = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

const answer = (handle: (req: Request, res: Response) => Promise<unknown>) => (req: Request, res: Response, next: NextFunction) => {
  handle(req, res).catch(next);
};

const moderatorOf = (req: Request): CommentModerator => {
  const { person } = caller(req);
  return { id: person.id, name: person.name, roles: person.roles };
};

export function createCommentsRouter({ db, temporal, config, throttle }: { db: Db; temporal: Client; config: Config; throttle?: CommentThrottle }): Router {
  const router = Router();
  const commentThrottle = throttle ?? createCommentThrottle(db, () => commentsPolicy().perAddressPerHour);
  const deps = { db, temporal, config };

  router.get('/api/public/comments/challenge', answer(async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(issueCommentChallenge(config, commentsPolicy(currentPolicy())));
  }));

  router.post('/api/public/comments', answer(async (req, res) => {
    const input = parseBody(CommentBody, req);
    res.status(202).json(await submitComment({ ...deps, throttle: commentThrottle }, { ...input, displayName: input.displayName || undefined }, requesterOf(req)));
  }));

  router.get('/api/public/plans/:planId/items/:itemId/comments', answer(async (req, res) => {
    const { planId, itemId } = parseParams(ItemCommentsParams, req);
    res.json(await publicCommentPage(db, { planId, itemId }));
  }));

  router.get('/api/public/plans/:planId/goals/:number/comments', answer(async (req, res) => {
    const { planId, number } = parseParams(GoalCommentsParams, req);
    res.json(await publicCommentPage(db, { planId, goalNumber: Number(number) }));
  }));

  router.get('/api/public/plans/:planId/comment-figures', answer(async (req, res) => {
    const { planId } = parseParams(PlanParams, req);
    if (!(await db.actionPlan.findUnique({ where: { id: planId }, select: { id: true } }))) throw notFound('plan');
    res.json(await commentFigures(db, planId));
  }));

  router.get('/api/comments/queue', requireAuth(), answer(async (req, res) => {
    const { status } = parseQuery(QueueQuery, req);
    const person = moderatorOf(req);
    if (!(await hasCommentQueue(db, person))) throw forbidden('only item owners and moderators have a comment queue');
    res.json(await commentQueue(db, person, { status }));
  }));

  router.post('/api/comments/:id/publish', requireAuth(), answer(async (req, res) => {
    res.json(await publishComment(deps, moderatorOf(req), parseParams(CommentParams, req).id));
  }));

  router.post('/api/comments/:id/reject', requireAuth(), answer(async (req, res) => {
    const { id } = parseParams(CommentParams, req);
    res.json(await rejectComment(deps, moderatorOf(req), id, parseBody(RejectBody, req).reason));
  }));

  router.post('/api/comments/:id/replies', requireAuth(), answer(async (req, res) => {
    const { id } = parseParams(CommentParams, req);
    res.status(201).json(await replyToComment(deps, moderatorOf(req), id, parseBody(ReplyBody, req).body));
  }));

  router.post('/api/comments/:id/link', requireAuth(), answer(async (req, res) => {
    const { id } = parseParams(CommentParams, req);
    res.json(await linkCommentToItem(deps, moderatorOf(req), id, parseBody(LinkBody, req).itemId));
  }));

  return router;
}
