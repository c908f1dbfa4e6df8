// Request and response schemas of counsel's holds and of withdrawal (the
// routes are in routes/holds.ts). Requests are validated with these; the
// workflow then checks them against the incident's pinned policy.
import { z } from 'zod';
import { ROLES } from '../domain/roles';
import { idField, nonBlankText, plainText } from './fields';
import './openapi';

const isoDate = z.string().openapi({ format: 'date-time', example: '2026-12-10T15:04:05.000Z' });
const key = idField();

export const HoldScopeSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('ALL') }).strict(),
    z.object({ kind: z.literal('STATEMENT_KIND'), statementKind: key.openapi({ example: 'FINAL_REPORT' }) }).strict(),
    z.object({ kind: z.literal('STATEMENT'), statementId: key }).strict(),
  ])
  .openapi('HoldScope', { description: 'Everything for the incident, every statement of a kind, or one statement not yet published' });

export const PlaceHoldRequest = z
  .object({
    scope: HoldScopeSchema,
    category: key.openapi({ description: "A category key of the incident's policy (holds.categories): the reason the public sees", example: 'LITIGATION' }),
    detail: nonBlankText(2000, 1, { message: 'the private detail for staff is required', code: 'hold_detail_required' }).openapi({
      description: 'Private: the matter and whom to ask. Staff see it; it is never published',
    }),
  })
  .strict()
  .openapi('PlaceHoldRequest');

export const ReleaseHoldRequest = z
  .object({ note: plainText(2000).optional().openapi({ description: 'Private, for staff' }) })
  .strict()
  .openapi('ReleaseHoldRequest');

export const HoldParams = z.object({
  id: idField().openapi({ description: 'Incident number (CI-2026-0007) or internal id' }),
  holdId: key,
});

export const HoldStateSchema = z
  .object({
    holdId: z.string(),
    scope: HoldScopeSchema,
    category: z.string(),
    status: z.enum(['ACTIVE', 'RELEASED', 'LAPSED']),
    placedAt: isoDate,
    placedById: z.string(),
    lapsesAt: isoDate.openapi({ description: 'It lapses then unless released sooner (the policy\'s maxDuration)' }),
    remindersSent: z.number().int(),
    endedAt: isoDate.nullable(),
    endedById: z.string().nullable(),
  })
  .openapi('HoldState');

/** A hold as staff see it on the incident (private detail included). */
export const StaffHoldSchema = z
  .object({
    holdId: z.string(),
    scope: z.enum(['ALL', 'STATEMENT_KIND', 'STATEMENT']),
    statementKind: z.string().nullable(),
    statementId: z.string().nullable(),
    category: z.string().openapi({ description: "The category's stable key (the policy's holds.categories)" }),
    categoryLabel: z.string().openapi({ description: "Its name in the default language (the catalogues name it by key in others: common holdCategories.<key>)" }),
    detail: z.string().nullable().openapi({ description: 'Private: null unless the policy involves your role in holds (places, releases, is reminded or told)' }),
    status: z.enum(['ACTIVE', 'RELEASED', 'LAPSED']),
    placedAt: isoDate,
    placedById: z.string(),
    placedByName: z.string().nullable(),
    lapsesAt: isoDate,
    endedAt: isoDate.nullable(),
    endedById: z.string().nullable(),
    endedByName: z.string().nullable(),
    endNote: z.string().nullable().openapi({ description: 'Private release note: null unless your role may read the detail' }),
  })
  .openapi('StaffHold');

export const IncidentHoldsSchema = z
  .object({
    rules: z.object({
      available: z.boolean().openapi({ description: "The incident's policy has counsel's holds" }),
      categories: z.array(z.object({ key: z.string(), label: z.string().openapi({ description: 'The name in the default language' }) })),
      placeBy: z.array(z.enum(ROLES)),
      releaseBy: z.array(z.enum(ROLES)),
      maxDuration: z.string().nullable(),
      withdrawBy: z.array(z.enum(ROLES)).openapi({ description: 'Who may withdraw a published statement of this incident' }),
    }),
    list: z.array(StaffHoldSchema),
  })
  .openapi('IncidentHolds');

export const WithdrawStatementRequest = z
  .object({
    note: nonBlankText(2000, 1, { message: 'a withdrawal needs a public note', code: 'withdrawal_note_required' }).openapi({
      description: 'Public: shown where the statement was, on the public page and in the feed',
    }),
  })
  .strict()
  .openapi('WithdrawStatementRequest');

export const WithdrawalResultSchema = z
  .object({ statementId: z.string(), status: z.literal('WITHDRAWN'), withdrawnAt: isoDate, note: z.string() })
  .openapi('WithdrawalResult');
