// The court-user survey through the API (Goal 3): the clerk records closed
// cases' contacts (one, or a CSV file) and sees their status with addresses
// masked; the person answers or opts out with the single-use link from their
// invitation (the page in web/courtSurveyPages.ts uses the same services);
// anyone reads the per-quarter summary.
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Db } from '../../lib/db';
import type { Config } from '../../lib/config';
import { COURT_SURVEY_TOKEN_PATTERN } from '../../lib/courtSurveyLinks';
import { languageOr } from '../../lib/i18n';
import { COURT_SURVEY_SECTIONS } from '../../domain/policy/schema';
import { HttpError } from '../../services/errors';
import {
  CONTACT_CSV_COLUMNS,
  MAX_CONTACT_ROWS,
  contactRequest,
  importContactsCsv,
  invitationForToken,
  listContacts,
  optOut,
  publicSummary,
  recordContact,
  submitAnswers,
} from '../../services/courtSurvey';
import { caller, requirePermission } from '../auth';
import { calendarDate, languageTag, nonBlankText, plainText, supportedLanguage } from '../fields';
import { documentRoute } from '../openapi';
import { parseBody, parseParams, parseQuery } from '../validate';

const tags = ['court survey'];
const clerks = { permission: 'recordCourtContacts' } as const;
const CSV_TYPES = ['text/csv', 'text/plain', 'application/csv'];

const ContactBody = z
  .object({
    name: plainText(200).optional().openapi({ description: 'The person’s name, for the greeting (optional); erased once the invitation closes' }),
    channel: z.enum(['EMAIL', 'SMS']),
    address: nonBlankText(254).openapi({ description: 'An email address (EMAIL) or a mobile number (SMS; US numbers may be written 314-555-0100); one that does not fit its channel is a 422' }),
    language: supportedLanguage().openapi({ description: 'The language of the invitation and the survey' }),
    caseClosedOn: calendarDate().openapi({ description: 'The day the case closed, in the city’s time zone; a future day is a 422' }),
  })
  .strict()
  .openapi('CourtSurveyContactRequest');

const RecordedSchema = z.object({ id: z.string(), status: z.string(), inviteAt: z.string().openapi({ description: 'When the invitation goes out' }) });

const ContactEntrySchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  channel: z.enum(['EMAIL', 'SMS', 'VOICE']),
  address: z.string().nullable().openapi({ description: 'Masked; null once erased' }),
  language: z.string(),
  caseClosedOn: z.string(),
  status: z.enum(['WAITING', 'INVITED', 'REMINDED', 'COMPLETED', 'OPTED_OUT', 'EXPIRED']),
  quarter: z.string().nullable(),
  recordedAt: z.string(),
});

const TokenParams = z.object({
  token: z.string().regex(COURT_SURVEY_TOKEN_PATTERN, 'must be the survey link token from an invitation').openapi({ description: 'The token from the invitation’s link' }),
});

const Answer = z.union([z.number().int().min(1).max(5), z.literal('NA')]);
const AnswersBody = z
  .object({
    answers: z
      // Any key the document admits; one that is not a question of this survey is a 422 naming it (a rule of the policy, not of the schema).
      .record(z.string(), Answer)
      .openapi({ description: 'Question key -> 1 (strongly disagree) to 5 (strongly agree), or "NA"; questions left out are unanswered. A key that is not a question of this survey is a 422' }),
    language: supportedLanguage().optional().openapi({ description: 'The language the survey was read in (the invitation’s by default)' }),
  })
  .strict()
  .openapi('CourtSurveyAnswers');

const LangQuery = z.object({ lang: languageTag().optional() }).strict();

const SurveySchema = z.object({
  state: z.enum(['OPEN', 'ANSWERED', 'CLOSED']),
  language: z.string(),
  survey: z.object({
    scale: z.array(z.string()),
    notApplicable: z.string(),
    minimumResponses: z.number().int(),
    questions: z.array(z.object({ key: z.string(), section: z.enum(COURT_SURVEY_SECTIONS), text: z.string() })),
  }),
});

const Count = z.number().int().min(0);
const QuarterSchema = z.object({
  quarter: z.string(),
  published: z.boolean(),
  invitations: Count,
  responses: Count,
  responseRate: z.number().nullable(),
  minimumResponses: Count,
  suppressed: z.boolean(),
  n: Count.nullable(),
  accessIndex: z.number().nullable(),
  fairnessIndex: z.number().nullable(),
  policeIndex: z.number().nullable(),
  questions: z
    .array(
      z.object({
        key: z.string(),
        section: z.enum(COURT_SURVEY_SECTIONS),
        counts: z.object({ 1: Count, 2: Count, 3: Count, 4: Count, 5: Count, NA: Count }),
        mean: z.number().nullable(),
      }),
    )
    .nullable(),
});

const LINK_ANSWERS = { 404: { description: 'The link is not one of ours' } };

documentRoute({
  method: 'post',
  path: '/api/court-survey/contacts',
  summary: 'Record the contact of a person whose court case closed: they are invited after the policy’s delay, reminded once, and erased when the invitation closes',
  tags,
  access: clerks,
  body: ContactBody,
  rules: ['the address must fit the channel', 'the case must have closed (not a future day)'],
  responses: {
    201: { description: 'Recorded; the invitation is scheduled', schema: RecordedSchema },
    409: { description: 'The current policy has no court-user survey' },
  },
});
documentRoute({
  method: 'post',
  path: '/api/court-survey/contacts.csv',
  summary: 'Record contacts from a CSV file (Content-Type: text/csv); all rows or none',
  description: `Columns: ${CONTACT_CSV_COLUMNS.join(', ')} (name optional; language defaults to en), in any order, header row first. Every row is checked first; any bad row refuses the whole file with 422 and one detail per bad field, named \`line <n>.<column>\`. Up to ${MAX_CONTACT_ROWS} rows.`,
  tags,
  access: clerks,
  body: z.string().openapi({ description: 'The CSV file, header row first' }),
  bodyType: 'text/csv',
  rules: ['every row must be a valid contact (the detail names the line and column)', `at most ${MAX_CONTACT_ROWS} rows`],
  responses: {
    201: { description: 'Every row recorded', schema: z.object({ imported: Count, contacts: z.array(RecordedSchema) }) },
    409: { description: 'The current policy has no court-user survey' },
  },
});
documentRoute({
  method: 'get',
  path: '/api/court-survey/contacts',
  summary: 'The most recent contacts and their invitations’ status, addresses masked',
  tags,
  access: clerks,
  responses: { 200: { description: 'Newest first', schema: z.object({ contacts: z.array(ContactEntrySchema) }) } },
});
documentRoute({
  method: 'get',
  path: '/api/public/court-survey/invitations/:token',
  summary: 'The survey an invitation link opens, in the invitation’s language unless ?lang= asks for another',
  tags,
  access: 'signed-link',
  params: TokenParams,
  query: LangQuery,
  responses: { 200: { description: 'The survey and whether the invitation is still open', schema: SurveySchema }, ...LINK_ANSWERS },
});
documentRoute({
  method: 'post',
  path: '/api/public/court-survey/invitations/:token/answers',
  summary: 'Answer the survey, once: the answers are stored without the contact, whose details are erased',
  tags,
  access: 'signed-link',
  params: TokenParams,
  body: AnswersBody,
  rules: ['every key must be a question of this survey', 'at least one question answered'],
  responses: {
    201: { description: 'Received', schema: z.object({ status: z.literal('RECEIVED') }) },
    ...LINK_ANSWERS,
    409: { description: 'Already answered with this link' },
    410: { description: 'The invitation expired, or the person opted out' },
  },
});
documentRoute({
  method: 'post',
  path: '/api/public/court-survey/invitations/:token/opt-out',
  summary: 'No more messages about the survey; the contact’s details are erased',
  tags,
  access: 'signed-link',
  params: TokenParams,
  responses: {
    200: { description: 'Opted out (also when asked again)', schema: z.object({ status: z.literal('OPTED_OUT') }) },
    ...LINK_ANSWERS,
    409: { description: 'Already answered' },
    410: { description: 'The invitation expired' },
  },
});
documentRoute({
  method: 'get',
  path: '/api/public/court-survey/summary',
  summary: 'The court-user survey by quarter: invitations, response rate, n, access and fairness indices (CourTools Measure 1: mean rating x 20), distributions; suppressed below the policy’s minimum responses',
  tags,
  access: 'public',
  query: LangQuery,
  responses: {
    200: {
      description: 'Oldest quarter first; closed quarters as published, the open one to date',
      schema: z.object({
        minimumResponses: Count,
        scale: z.array(z.string()),
        questions: z.array(z.object({ key: z.string(), section: z.enum(COURT_SURVEY_SECTIONS), text: z.string() })),
        quarters: z.array(QuarterSchema),
      }),
    },
    409: { description: 'The current policy has no court-user survey' },
  },
});

const answer = (handle: (req: Request, res: Response) => Promise<unknown>) => (req: Request, res: Response, next: NextFunction) => {
  handle(req, res).catch(next);
};

/** A link page's answers are about one person: not cached, and the token is not sent on as a referrer. */
const privately = (res: Response) => res.setHeader('Cache-Control', 'no-store').setHeader('Referrer-Policy', 'no-referrer');

export function createCourtSurveyRouter({ db, temporal, config }: { db: Db; temporal: Client; config: Config }): Router {
  const router = Router();
  const deps = { db, temporal, config };
  const clerk = requirePermission('recordCourtContacts');

  router.post('/api/court-survey/contacts', clerk, answer(async (req, res) => {
    const input = contactRequest(config.CITY_TIME_ZONE).parse(parseBody(ContactBody, req));
    res.status(201).json(await recordContact(deps, input, caller(req).person.id));
  }));

  router.post('/api/court-survey/contacts.csv', clerk, express.text({ type: CSV_TYPES, limit: config.API_BODY_LIMIT_BYTES }), answer(async (req, res) => {
    if (!req.is(CSV_TYPES) || typeof req.body !== 'string') {
      throw new HttpError(415, 'unsupported_media_type', 'send the CSV file as the request body with Content-Type: text/csv', 'body');
    }
    res.status(201).json(await importContactsCsv(deps, req.body, caller(req).person.id));
  }));

  router.get('/api/court-survey/contacts', clerk, answer(async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json({ contacts: await listContacts(db, config.CITY_TIME_ZONE) });
  }));

  router.get('/api/public/court-survey/invitations/:token', answer(async (req, res) => {
    const { token } = parseParams(TokenParams, req);
    const { lang } = parseQuery(LangQuery, req);
    privately(res);
    res.json(await invitationForToken(db, token, lang ? languageOr(lang) : undefined));
  }));

  router.post('/api/public/court-survey/invitations/:token/answers', answer(async (req, res) => {
    const { token } = parseParams(TokenParams, req);
    const body = parseBody(AnswersBody, req);
    privately(res);
    res.status(201).json(await submitAnswers(deps, token, body.answers, body.language));
  }));

  router.post('/api/public/court-survey/invitations/:token/opt-out', answer(async (req, res) => {
    const { token } = parseParams(TokenParams, req);
    privately(res);
    res.json(await optOut(deps, token));
  }));

  router.get('/api/public/court-survey/summary', answer(async (req, res) => {
    const { lang } = parseQuery(LangQuery, req);
    res.json(await publicSummary(db, languageOr(lang)));
  }));

  return router;
}
