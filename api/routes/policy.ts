// GET /api/policy: the communications plan new incidents start under, for the
// people-facing pages (the declare form's types and severities, the PIO's
// statement templates, deadline titles, who may do what). The plan is a public
// document, so this is public; it carries no people, only roles.
import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Db } from '../../lib/db';
import type { Config } from '../../lib/config';
import { ROLES } from '../../domain/roles';
import { PERMISSIONS, type Permission } from '../../services/policyView';
import { publicPolicyDocument } from '../../services/publicPolicy';
import { languageOr } from '../../lib/i18n';
import { currentPolicy } from '../../policy';
import { languageTag } from '../fields';
import { documentRoute } from '../openapi';
import { parseQuery } from '../validate';

const LanguageQuery = z.object({
  lang: languageTag().optional().openapi({ description: "The policy's words in this language where it has them (e.g. es); unknown ones read as the default" }),
});

const roleEnum = z.enum(ROLES);

export const PublicPolicySchema = z
  .object({
    language: z.string().openapi({ description: 'The language of the words in this document' }),
    locale: z.string().openapi({ description: 'How dates are written in that language, e.g. es-US' }),
    version: z.string(),
    name: z.string(),
    timeZone: z.string(),
    definition: z.object({
      summary: z.string(),
      types: z.array(z.object({ key: z.string(), label: z.string(), criteria: z.string(), defaultSeverity: z.number().int() })),
    }),
    severities: z.array(
      z.object({
        level: z.number().int(),
        label: z.string(),
        description: z.string(),
        recipients: z.array(roleEnum),
        channels: z.record(z.array(z.enum(['EMAIL', 'SMS']))).openapi({ description: 'How each recipient role is told of a declaration at this severity' }),
      }),
    ),
    publication: z
      .object({ notify: z.array(roleEnum), channels: z.array(z.enum(['EMAIL', 'SMS'])) })
      .nullable()
      .openapi({ description: 'Who is told when a statement is published, and how (null: nobody beyond its author)' }),
    acknowledgement: z.object({
      backupAfter: z.string(),
      reportSilentAfter: z.string(),
      calls: z
        .object({ severities: z.array(z.number().int()), firstAfter: z.string(), attempts: z.number().int(), retryAfter: z.string() })
        .optional()
        .openapi({ description: 'Officials still silent are phoned (press 1 to acknowledge) at these severities, before their backup' }),
    }),
    deadlines: z.array(
      z.object({
        key: z.string(),
        kind: z.string(),
        title: z.string(),
        statementKind: z.string(),
        anchor: z.enum(['DECLARED', 'CLOSED']),
        dueAfter: z.record(z.string()).openapi({ description: 'Due offset per severity level ("1", "2", "3"), e.g. "4h"' }),
        repeatEvery: z.string().optional(),
      }),
    ),
    statementKinds: z.array(z.object({ key: z.string(), label: z.string(), template: z.object({ title: z.string(), body: z.string() }) })),
    approval: z
      .object({
        drafters: z.array(roleEnum).openapi({ description: 'Anyone holding one of these roles drafts and revises statements' }),
        chain: z.array(roleEnum).openapi({ description: 'Approvers in order, for statements no rule in chainRules matches' }),
        chainRules: z
          .array(z.object({ kinds: z.array(z.string()).optional(), severities: z.array(z.number().int()).optional(), chain: z.array(roleEnum) }))
          .openapi({ description: 'Chains by statement kind and incident severity; the first rule matching both wins' }),
        standIns: z
          .array(z.object({ for: roleEnum, roles: z.array(roleEnum) }))
          .openapi({ description: "Who approves in a role's place when its holder wrote the version (nobody approves their own words)" }),
      }),
    extension: z.object({ allowedRoles: z.array(roleEnum) }),
    holds: z
      .object({
        placeBy: z.array(roleEnum),
        releaseBy: z.array(roleEnum),
        categories: z.array(z.object({ key: z.string(), label: z.string() })),
        maxDuration: z.string(),
        remindBefore: z.array(z.string()),
        onRelease: z.object({ clock: z.enum(['RESUME', 'RESTART']), atLeast: z.string() }),
      })
      .nullable()
      .openapi({ description: "Counsel's holds on publication; null when the plan has none" }),
    withdrawal: z
      .object({ allowedRoles: z.array(roleEnum) })
      .nullable()
      .openapi({ description: 'Who may withdraw a published statement (with a public note); null when nobody may' }),
    access: z
      .object(Object.fromEntries(PERMISSIONS.map((permission) => [permission, z.array(roleEnum)])) as Record<Permission, z.ZodArray<typeof roleEnum>>)
      .openapi({ description: 'The roles granted each permission (statement and extension roles included)' }),
    roleTitles: z.record(z.string()).openapi({ description: 'How pages name each role, e.g. POLICE_CHIEF: "Police Chief"' }),
  })
  .openapi('Policy');

documentRoute({
  method: 'get',
  path: '/api/policy',
  summary: 'The current communications policy: incident types, severities, deadlines, statement templates, approval chain',
  tags: ['policy'],
  access: 'public',
  query: LanguageQuery,
  responses: { 200: { description: 'The policy new incidents start under', schema: PublicPolicySchema } },
});

export function createPolicyRouter(_deps: { db: Db; temporal: Client; config: Config }): Router {
  const router = Router();
  router.get('/api/policy', (req, res, next) => {
    try {
      const { lang } = parseQuery(LanguageQuery, req);
      res.setHeader('Cache-Control', 'no-cache');
      const body: z.input<typeof PublicPolicySchema> = publicPolicyDocument(currentPolicy(), languageOr(lang));
      res.json(body);
    } catch (err) {
      next(err);
    }
  });
  return router;
}
