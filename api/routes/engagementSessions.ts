// Goal 1's engagement sessions through the API: the policy's schedulers
// (engagement.scheduleBy) schedule, change and cancel a plan's sessions,
// record attendance by stakeholder group (counts only) and turn follow-ups
// into action items; everyone signed in reads them; the public reads every
// session without the staff's notes. Each route parses, checks access, calls
// services/engagementSessions.ts and answers.
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Config } from '../../lib/config';
import type { Db } from '../../lib/db';
import { caller, requirePermission } from '../auth';
import { idField, languageTag, nonBlankText, offsetDateTime, plainText, supportedLanguage } from '../fields';
import { languageOr } from '../../lib/i18n';
import { documentRoute } from '../openapi';
import { CreateItemRequest, ItemSchema } from '../planSchemas';
import { parseBody, parseParams, parseQuery } from '../validate';
import {
  addFollowUp,
  cancelSession,
  listPlanSessions,
  recordAttendance,
  scheduleSession,
  sessionDetail,
  updateSession,
} from '../../services/engagementSessions';
import { publicSessions } from '../../services/engagementPublicViews';

export interface EngagementSessionsRouterDeps {
  db: Db;
  temporal: Client;
  config: Config;
}

const WEB_ADDRESS = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s]+$/;
const GROUP_KEY = /^[A-Z][A-Z0-9_]{0,63}$/;

const onlineUrl = () =>
  z
    .string()
    .max(500)
    .regex(WEB_ADDRESS, 'must be a web address such as https://meet.example.org/session')
    .openapi({ description: 'The online link; only https:// links are taken (another scheme is a 422)' });
const when = (what: string) => offsetDateTime().openapi({ description: what });
const languagesOffered = () => z.array(supportedLanguage()).min(1).max(10).openapi({ description: 'The languages the session is offered in (interpretation included)' });

const ScheduleSessionBody = z
  .object({
    title: nonBlankText(200),
    description: plainText(2000).default(''),
    startsAt: when('When it starts; must be in the future (422)'),
    endsAt: when('When it ends; must be later than startsAt (422)'),
    place: nonBlankText(300).optional().openapi({ description: 'Where it is held; a session needs a place, an onlineUrl, or both (422)' }),
    onlineUrl: onlineUrl().optional(),
    languages: languagesOffered(),
    accessibilityNotes: plainText(1000).default(''),
  })
  .strict()
  .openapi('ScheduleSessionRequest');

const ChangeSessionBody = z
  .object({
    title: nonBlankText(200).optional(),
    description: plainText(2000).optional(),
    startsAt: when('A new start; must be in the future (422); the reminders follow it').optional(),
    endsAt: when('A new end; must be later than startsAt (422)').optional(),
    place: nonBlankText(300).nullable().optional().openapi({ description: 'null removes the place (an onlineUrl must then remain, 422)' }),
    onlineUrl: onlineUrl().nullable().optional(),
    languages: languagesOffered().optional(),
    accessibilityNotes: plainText(1000).optional(),
  })
  .strict()
  .openapi('ChangeSessionRequest');

const CancelSessionBody = z.object({ reason: nonBlankText(1000) }).strict().openapi('CancelSessionRequest');

const AttendanceBody = z
  .object({
    counts: z
      .array(
        z
          .object({
            group: z.string().regex(GROUP_KEY, 'must be a stakeholder group key such as RESIDENTS').openapi({ description: "A stakeholder group of the policy (RESIDENTS, BUSINESS_OWNERS, ...); another is a 422" }),
            count: z.number().int().min(0).max(100_000),
          })
          .strict(),
      )
      .min(1)
      .max(20)
      .openapi({ description: 'People who came, by stakeholder group: counts only, never names; each group once (422)' }),
    notes: plainText(4000).default('').openapi({ description: "The staff's notes (never public)" }),
  })
  .strict()
  .openapi('AttendanceRequest');

const PlanParams = z.object({ id: idField() });
const LanguageQuery = z.object({ lang: languageTag().optional().openapi({ description: 'A language code (e.g. es) for the group names; unknown ones read as the default' }) });
const SessionParams = z.object({ id: idField() });

/** What staff and the public both see of a session. */
const sessionFields = {
  id: z.string(),
  planId: z.string(),
  title: z.string(),
  description: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  place: z.string().nullable(),
  onlineUrl: z.string().nullable(),
  languages: z.array(z.string()),
  accessibilityNotes: z.string(),
  status: z.enum(['SCHEDULED', 'HELD', 'CANCELLED']),
};

const SessionSchema = z
  .object({
    ...sessionFields,
    notes: z.string(),
    attendance: z.record(z.number()),
    heldAt: z.string().nullable(),
    cancelledAt: z.string().nullable(),
    followUps: z.array(z.object({ id: z.string(), title: z.string(), dueAt: z.string(), status: z.string() })),
  })
  .openapi('EngagementSession');

const PublicSessionSchema = z
  .object({
    ...sessionFields,
    attendance: z.array(z.object({ group: z.string(), label: z.string(), count: z.number() })),
  })
  .openapi('PublicEngagementSession');

const tags = ['engagement sessions'];
const readers = { permission: 'readPlans' } as const;
const schedulers = { permission: 'scheduleSessions' } as const;
const UNKNOWN_SESSION = { description: 'Unknown session' };

documentRoute({
  method: 'get',
  path: '/api/plans/:id/sessions',
  summary: "A plan's engagement sessions (Goal 1), soonest first",
  tags,
  access: readers,
  params: PlanParams,
  responses: { 200: { description: 'Sessions', schema: z.object({ sessions: z.array(SessionSchema) }) }, 404: { description: 'Unknown plan' } },
});
documentRoute({
  method: 'post',
  path: '/api/plans/:id/sessions',
  summary: 'Schedule an engagement session (announced to ENGAGEMENT_SESSIONS subscribers, then reminded before it)',
  tags,
  access: schedulers,
  params: PlanParams,
  body: ScheduleSessionBody,
  rules: ['startsAt and endsAt are real dates', 'startsAt is in the future', 'endsAt is later than startsAt', 'a place, an onlineUrl, or both', 'onlineUrl is an https:// link', 'no language twice'],
  responses: {
    201: { description: 'Scheduled; Location: /api/sessions/<id>', schema: SessionSchema },
    404: { description: 'Unknown plan' },
    409: { description: 'The plan is closed, or the policy has no engagement section' },
  },
});
documentRoute({
  method: 'get',
  path: '/api/sessions/:id',
  summary: 'One engagement session, with its attendance, notes and follow-ups',
  tags,
  access: readers,
  params: SessionParams,
  responses: { 200: { description: 'The session', schema: SessionSchema }, 404: UNKNOWN_SESSION },
});
documentRoute({
  method: 'patch',
  path: '/api/sessions/:id',
  summary: 'Change a scheduled session; a new time restarts its reminders',
  tags,
  access: schedulers,
  params: SessionParams,
  body: ChangeSessionBody,
  rules: ['startsAt and endsAt are real dates', 'a new startsAt is in the future', 'endsAt is later than startsAt', 'a place, an onlineUrl, or both remain', 'onlineUrl is an https:// link', 'no language twice'],
  responses: {
    200: { description: 'Changed', schema: SessionSchema },
    404: UNKNOWN_SESSION,
    409: { description: 'The session was held or cancelled already' },
  },
});
documentRoute({
  method: 'post',
  path: '/api/sessions/:id/cancel',
  summary: 'Cancel a scheduled session (its reminders stop; the public page says it was cancelled)',
  tags,
  access: schedulers,
  params: SessionParams,
  body: CancelSessionBody,
  responses: { 200: { description: 'Cancelled', schema: SessionSchema }, 404: UNKNOWN_SESSION, 409: { description: 'The session was held or cancelled already' } },
});
documentRoute({
  method: 'post',
  path: '/api/sessions/:id/attendance',
  summary: 'Record who came, by stakeholder group (counts only), and notes; the session is then held. Recording again corrects it.',
  tags,
  access: schedulers,
  params: SessionParams,
  body: AttendanceBody,
  rules: ["every group is one of the policy's stakeholder groups", 'no group is counted twice'],
  responses: {
    200: { description: 'Recorded', schema: SessionSchema },
    404: UNKNOWN_SESSION,
    409: { description: 'The session has not started yet, or was cancelled' },
  },
});
documentRoute({
  method: 'post',
  path: '/api/sessions/:id/follow-ups',
  summary: "Turn a held session's follow-up into an action item of its plan (with its reminder and escalation workflow)",
  tags,
  access: schedulers,
  params: SessionParams,
  body: CreateItemRequest,
  rules: ['goalNumber names a goal of the plan', 'ownerId and sponsorId name two different active people', 'dueAt and every milestone dueAt are in the future'],
  responses: {
    202: { description: 'Created; Location: /api/plans/<planId>/items/<itemId>', schema: ItemSchema },
    404: UNKNOWN_SESSION,
    409: { description: 'The session has not been held (record its attendance first), or its plan is closed' },
  },
});
documentRoute({
  method: 'get',
  path: '/api/public/sessions',
  summary: 'Every engagement session: upcoming (soonest first) and past (latest first, with attendance by group once held); never staff notes',
  tags,
  access: 'public',
  query: LanguageQuery,
  responses: { 200: { description: 'Sessions', schema: z.object({ upcoming: z.array(PublicSessionSchema), past: z.array(PublicSessionSchema) }) } },
});

/** An async handler whose failures go to the error handler. */
const answer = (handle: (req: Request, res: Response) => Promise<unknown>) => (req: Request, res: Response, next: NextFunction) => {
  handle(req, res).catch(next);
};

export function createEngagementSessionsRouter({ db, temporal, config }: EngagementSessionsRouterDeps): Router {
  const router = Router();
  const deps = { db, temporal, config };
  const readersOnly = requirePermission('readPlans');
  const schedulersOnly = requirePermission('scheduleSessions');

  router.get('/api/plans/:id/sessions', readersOnly, answer(async (req, res) => {
    res.json(await listPlanSessions(db, parseParams(PlanParams, req).id));
  }));

  router.post('/api/plans/:id/sessions', schedulersOnly, answer(async (req, res) => {
    const { id: planId } = parseParams(PlanParams, req);
    const session = await scheduleSession(deps, planId, parseBody(ScheduleSessionBody, req), caller(req).person);
    res.status(201).location(`/api/sessions/${session.id}`).json(session);
  }));

  router.get('/api/sessions/:id', readersOnly, answer(async (req, res) => {
    res.json(await sessionDetail(db, parseParams(SessionParams, req).id));
  }));

  router.patch('/api/sessions/:id', schedulersOnly, answer(async (req, res) => {
    const { id } = parseParams(SessionParams, req);
    res.json(await updateSession(deps, id, parseBody(ChangeSessionBody, req), caller(req).person));
  }));

  router.post('/api/sessions/:id/cancel', schedulersOnly, answer(async (req, res) => {
    const { id } = parseParams(SessionParams, req);
    res.json(await cancelSession(deps, id, parseBody(CancelSessionBody, req).reason, caller(req).person));
  }));

  router.post('/api/sessions/:id/attendance', schedulersOnly, answer(async (req, res) => {
    const { id } = parseParams(SessionParams, req);
    res.json(await recordAttendance(deps, id, parseBody(AttendanceBody, req), caller(req).person));
  }));

  router.post('/api/sessions/:id/follow-ups', schedulersOnly, answer(async (req, res) => {
    const { id } = parseParams(SessionParams, req);
    const item = await addFollowUp(deps, id, parseBody(CreateItemRequest, req), caller(req).person);
    res.status(202).location(`/api/plans/${item.planId}/items/${item.id}`).json(item);
  }));

  router.get('/api/public/sessions', answer(async (req, res) => {
    const { lang } = parseQuery(LanguageQuery, req);
    res.json(await publicSessions(db, languageOr(lang)));
  }));

  return router;
}
