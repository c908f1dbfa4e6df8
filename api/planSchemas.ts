// The action plan API's request and response schemas, and its OpenAPI
// documentation built from them. The routes (api/routes/plans.ts) validate
// with the same schemas, so the documentation cannot drift from what they
// accept. Who may call what comes from services/planAccess.ts.
import { z } from 'zod';
import { ITEM_STATUSES } from '../domain/contracts/plan';
import { IDEMPOTENCY_KEY } from '../services/declareIncident';
import { CSV_IMPORT_COLUMNS, MAX_IMPORT_ROWS } from '../services/planCsv';
import { calendarDate, dueInput as dueInput_, ianaTimeZone, idField, nonBlankText, plainText } from './fields';
import { documentRoute, linksTo } from './openapi';

const ImportIdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(IDEMPOTENCY_KEY, 'must be 1-200 visible ASCII characters')
    .optional()
    .openapi({ description: 'Any unique string of 1-200 visible ASCII characters. A repeat with the same key and file returns the first import\'s items (200), starting any workflow it did not.' }),
});

// ---------------------------------------------------------------- requests

const nonBlank = nonBlankText;
const id = idField();
const localDate = calendarDate();
const dueInput = dueInput_().openapi({ description: 'YYYY-MM-DD (17:00 city time that day) or an ISO date-time with offset; must be in the future (422)' });
const wallTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour)');

const GoalInput = z.object({ number: z.number().int().min(1).max(99), title: nonBlank(200), description: plainText(2000).default('') }).strict();

const DutyInput = z.object({
  key: z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'must be lower-case letters, digits and dashes'),
  goalNumber: z.number().int().min(1).max(99),
  title: nonBlank(200),
  description: plainText(2000).default(''),
  cadence: z.enum(['MONTHLY', 'QUARTERLY']),
  ownerId: id,
  sponsorId: id,
  dueLocalTime: wallTime.default('17:00'),
}).strict();

export const CreatePlanRequest = z
  .object({
    title: nonBlank(200),
    startDate: localDate,
    months: z.number().int().min(1).max(36).default(12),
    timeZone: ianaTimeZone().optional().openapi({ description: "An IANA time zone name; defaults to the city's" }),
    goals: z.array(GoalInput).max(20).default([]),
    recurringDuties: z.array(DutyInput).max(20).default([]),
  })
  .strict()
  .openapi('CreatePlanRequest');

export const CreateGoalRequest = GoalInput.openapi('CreateGoalRequest');

export const CreateItemRequest = z
  .object({
    goalNumber: z.number().int().min(1).max(99),
    title: nonBlank(200),
    description: plainText(2000).default(''),
    ownerId: id,
    sponsorId: id,
    dueAt: dueInput,
    milestones: z.array(z.object({ title: nonBlank(200), dueAt: dueInput.optional() }).strict()).max(20).default([]),
  })
  .strict()
  .openapi('CreateItemRequest');

const itemStatus = z.enum(ITEM_STATUSES);

export const ProgressRequest = z
  .object({
    percentComplete: z.number().int().min(0).max(100).optional(),
    note: nonBlank(2000),
    status: itemStatus.optional(),
  })
  .strict()
  .openapi('ProgressRequest');

export const StatusRequest = z.object({ status: itemStatus, note: plainText(2000).optional() }).strict().openapi('ItemStatusRequest');
export const CompleteRequest = z.object({ note: plainText(2000).optional() }).strict().openapi('CompleteItemRequest');
export const RescheduleRequest = z.object({ toDueAt: dueInput, reason: nonBlank(2000) }).strict().openapi('RescheduleRequest');
export const RescheduleDecisionRequest = z
  .object({ decision: z.enum(['APPROVE', 'REJECT']), note: plainText(2000).optional() })
  .strict()
  .openapi('RescheduleDecisionRequest');

export const PlanParams = z.object({ id });
export const ItemParams = z.object({ id, itemId: id });
export const DecisionParams = z.object({ id, itemId: id, requestId: id });
export const ListItemsQuery = z.object({ status: itemStatus.optional(), goal: z.coerce.number().int().min(1).max(99).optional() });

// ---------------------------------------------------------------- responses

const PlanSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    startDate: z.string(),
    months: z.number(),
    timeZone: z.string(),
    status: z.enum(['ACTIVE', 'CLOSED']),
    workflowId: z.string(),
    finalReportAt: z.string().nullable(),
  })
  .openapi('ActionPlan');
const GoalSchema = z.object({ id: z.string(), number: z.number(), title: z.string(), description: z.string() }).openapi('Goal');
export const ItemSchema = z
  .object({
    id: z.string(),
    planId: z.string(),
    goalId: z.string(),
    goalNumber: z.number(),
    title: z.string(),
    description: z.string(),
    owner: z.object({ id: z.string(), name: z.string(), organisation: z.string().nullable() }),
    sponsor: z.object({ id: z.string(), name: z.string() }),
    dueAt: z.string(),
    status: itemStatus,
    percentComplete: z.number(),
    completedAt: z.string().nullable(),
    overdue: z.boolean(),
    recurrenceKey: z.string().nullable(),
    workflowId: z.string(),
  })
  .openapi('ActionItem');
const ItemStateSchema = z.record(z.unknown()).openapi('ActionItemState');
const FiguresSchema = z.record(z.unknown()).openapi('PlanFigures');
const PublicPlanSchema = z
  .object({
    plan: z.object({ id: z.string(), title: z.string(), startDate: z.string(), months: z.number(), timeZone: z.string(), status: z.string() }),
    goals: z.array(z.object({ number: z.number(), title: z.string(), description: z.string() })),
    snapshots: z.array(z.record(z.unknown())),
    finalReport: z.record(z.unknown()).nullable(),
  })
  .openapi('PublicPlan');

// ---------------------------------------------------------------- documentation

const tags = ['action plan'];
const ITEM_ACTIONS = ['progress', 'status', 'complete', 'reschedules'];
const RescheduleResultSchema = z
  .object({ requestId: z.string(), status: z.literal('PENDING'), fromDueAt: z.string(), toDueAt: z.string() })
  .openapi('RescheduleResult');
const readers = { permission: 'readPlans' } as const;
const managers = { permission: 'managePlans' } as const;
const UNKNOWN_PLAN = { description: 'Unknown plan' };
const PLAN_CLOSED = { description: 'The plan is closed' };
const itemActionResponses = {
  200: { description: 'The item as the workflow now has it', schema: ItemStateSchema },
  404: { description: 'Unknown plan or item' },
  409: { description: 'Not allowed now (item done, request already pending)' },
};

documentRoute({ method: 'get', path: '/api/plans', summary: 'List action plans', tags, access: readers, responses: { 200: { description: 'Plans', schema: z.object({ plans: z.array(PlanSchema) }) } } });
documentRoute({
  method: 'post',
  path: '/api/plans',
  summary: 'Create an action plan with its goals (starts its workflow and recurring-duty schedules)',
  tags,
  access: managers,
  body: CreatePlanRequest,
  rules: [
    'goal numbers and duty keys are unique within the request',
    "each duty's goalNumber names one of the request's goals",
    "each duty's ownerId and sponsorId name two different active people",
  ],
  responses: {
    202: {
      description: 'Created; Location: /api/plans/<id>',
      schema: PlanSchema,
      links: linksTo(
        ['GET /api/plans/:id', 'POST /api/plans/:id/goals', 'GET /api/plans/:id/items', 'POST /api/plans/:id/items', 'POST /api/plans/:id/items/import', 'GET /api/plans/:id/dashboard', 'GET /api/plans/:id/items.csv', 'GET /api/plans/:id/items.json', 'GET /api/public/plans/:id'],
        { id: '$response.body#/id' },
      ),
    },
    503: { description: 'The workflow service could not start the plan; nothing was recorded' },
  },
});
documentRoute({
  method: 'get',
  path: '/api/plans/:id',
  summary: 'One plan with its goals and items',
  tags,
  access: readers,
  params: PlanParams,
  responses: { 200: { description: 'The plan', schema: z.object({ plan: PlanSchema, goals: z.array(GoalSchema), items: z.array(ItemSchema) }) }, 404: UNKNOWN_PLAN },
});
documentRoute({
  method: 'get',
  path: '/api/plans/:id/people',
  summary: "Who may own or sponsor an item of the plan: the active people, by name (names, titles and groups only)",
  tags,
  access: readers,
  params: PlanParams,
  responses: {
    200: {
      description: 'People',
      schema: z.object({ people: z.array(z.object({ id: z.string(), name: z.string(), title: z.string(), organisation: z.string().nullable() }).openapi('ItemPersonChoice')) }),
    },
    404: UNKNOWN_PLAN,
  },
});
documentRoute({
  method: 'post',
  path: '/api/plans/:id/goals',
  summary: 'Add a goal',
  tags,
  access: managers,
  params: PlanParams,
  body: CreateGoalRequest,
  responses: { 201: { description: 'Created', schema: GoalSchema }, 404: UNKNOWN_PLAN, 409: { description: 'Goal number taken, or plan closed' } },
});
documentRoute({
  method: 'get',
  path: '/api/plans/:id/items',
  summary: "The plan's items",
  tags,
  access: readers,
  params: PlanParams,
  query: ListItemsQuery,
  responses: { 200: { description: 'Items', schema: z.object({ items: z.array(ItemSchema) }) }, 404: UNKNOWN_PLAN },
});
documentRoute({
  method: 'post',
  path: '/api/plans/:id/items',
  summary: 'Add an action item (starts its reminder and escalation workflow)',
  tags,
  access: managers,
  params: PlanParams,
  body: CreateItemRequest,
  rules: ['goalNumber names a goal of the plan', 'ownerId and sponsorId name two different active people', 'dueAt and every milestone dueAt are in the future'],
  responses: {
    202: {
      description: 'Created; Location: /api/plans/<id>/items/<itemId>',
      schema: ItemSchema,
      links: linksTo(
        ['GET /api/plans/:id/items/:itemId', ...ITEM_ACTIONS.map((action) => `POST /api/plans/:id/items/:itemId/${action}`)],
        { id: '$response.body#/planId', itemId: '$response.body#/id' },
      ),
    },
    404: UNKNOWN_PLAN,
    409: PLAN_CLOSED,
    503: { description: 'The workflow service could not start the item; nothing was recorded' },
  },
});
documentRoute({
  method: 'get',
  path: '/api/plans/:id/items.csv',
  summary: 'Export the items as CSV (same columns the import reads, plus status)',
  description:
    'Those who manage the plan get owner_email and sponsor_email (the file imports back as no change: rows with an id are the existing items). Everyone else gets owners and sponsors by name and organisation, without email addresses.',
  tags,
  access: readers,
  params: PlanParams,
  responses: { 200: { description: 'text/csv', contentType: 'text/csv', schema: z.string() }, 404: UNKNOWN_PLAN },
});
documentRoute({
  method: 'get',
  path: '/api/plans/:id/items.json',
  summary: 'Export the items as JSON',
  tags,
  access: readers,
  params: PlanParams,
  responses: { 200: { description: 'Items', schema: z.object({ plan: PlanSchema, items: z.array(ItemSchema) }) }, 404: UNKNOWN_PLAN },
});
documentRoute({
  method: 'post',
  path: '/api/plans/:id/items/import',
  summary: 'Import items from CSV (Content-Type: text/csv); all rows or none',
  description: `Columns: ${CSV_IMPORT_COLUMNS.join(', ')} (description optional; other columns are ignored). A row with an \`id\` is that item of this plan, never a copy: its description is updated, everything else must be as it is. A leading apostrophe the export added against spreadsheet formulas is taken off. Every row is checked first; any bad row rejects the whole file with 422 and one detail per bad field, named \`line <n>.<column>\`. Up to ${MAX_IMPORT_ROWS} rows.`,
  tags,
  access: managers,
  params: PlanParams,
  headers: ImportIdempotencyHeaders,
  body: z.string().openapi({ description: 'The CSV file, header row first' }),
  bodyType: 'text/csv',
  rules: ['every row names a goal of the plan, two different active people as owner and sponsor, and a due date in the future; any bad row refuses the whole file, one detail per bad field'],
  responses: {
    202: {
      description: 'Imported; every new item has its workflow',
      schema: z.object({ imported: z.number(), items: z.array(ItemSchema), updated: z.number(), unchanged: z.number() }),
    },
    200: {
      description: 'Repeat of an earlier import with the same Idempotency-Key: its new items (replayed: true), every workflow started',
      schema: z.object({ imported: z.number(), items: z.array(ItemSchema), updated: z.number(), unchanged: z.number(), replayed: z.boolean() }),
    },
    404: UNKNOWN_PLAN,
    409: { description: 'The plan is closed, or the Idempotency-Key was used for a different import' },
    415: { description: 'The body is not text/csv' },
    503: { description: 'Some workflows could not start; those items were not kept (listed)' },
  },
});
documentRoute({
  method: 'get',
  path: '/api/plans/:id/items/:itemId',
  summary: 'One item: its record, live workflow state (or, while its workflow sleeps until its first step is near, when it wakes and for what), progress history and reschedule requests',
  tags,
  access: readers,
  params: ItemParams,
  responses: { 200: { description: 'The item', schema: z.record(z.unknown()) }, 404: { description: 'Unknown plan or item' } },
});
for (const [path, summary, body] of [
  ['/api/plans/:id/items/:itemId/progress', 'Post progress (owner or city manager)', ProgressRequest],
  ['/api/plans/:id/items/:itemId/status', 'Set the status; BLOCKED tells the sponsor at once (owner or city manager)', StatusRequest],
  ['/api/plans/:id/items/:itemId/complete', 'Mark the item done; stops its reminders and escalations (owner or city manager)', CompleteRequest],
] as const) {
  documentRoute({ method: 'post', path, summary, tags, access: readers, params: ItemParams, body, responses: itemActionResponses });
}
documentRoute({
  method: 'post',
  path: '/api/plans/:id/items/:itemId/reschedules',
  summary: 'Ask for a new due date, with a reason (owner or city manager); the sponsor decides',
  tags,
  access: readers,
  params: ItemParams,
  body: RescheduleRequest,
  rules: ['toDueAt is in the future and is not the current due date'],
  responses: {
    201: {
      description: 'Request recorded and sent to the sponsor',
      schema: RescheduleResultSchema,
      links: {
        Decide: {
          to: 'POST /api/plans/:id/items/:itemId/reschedules/:requestId/decision',
          parameters: { id: '$request.path.id', itemId: '$request.path.itemId', requestId: '$response.body#/requestId' },
        },
      },
    },
    404: itemActionResponses[404],
    409: itemActionResponses[409],
  },
});
documentRoute({
  method: 'post',
  path: '/api/plans/:id/items/:itemId/reschedules/:requestId/decision',
  summary: "Approve or reject a reschedule (the item's sponsor only); approval moves every reminder to the new date",
  tags,
  access: readers,
  params: DecisionParams,
  body: RescheduleDecisionRequest,
  responses: itemActionResponses,
});
documentRoute({
  method: 'get',
  path: '/api/plans/:id/dashboard',
  summary: 'Current figures per goal and item, the monthly history and the final report',
  tags,
  access: readers,
  params: PlanParams,
  responses: { 200: { description: 'Dashboard', schema: z.object({ plan: PlanSchema, current: FiguresSchema, history: z.array(z.record(z.unknown())), finalReport: z.record(z.unknown()).nullable(), live: z.record(z.unknown()).nullable() }) }, 404: UNKNOWN_PLAN },
});
documentRoute({
  method: 'get',
  path: '/api/me/items',
  summary: 'Items I own (and items I sponsor)',
  tags,
  access: readers,
  responses: { 200: { description: 'My items', schema: z.object({ items: z.array(ItemSchema), sponsored: z.array(ItemSchema) }) } },
});
documentRoute({
  method: 'get',
  path: '/api/public/plans',
  summary: 'Published action plans',
  tags: ['public'],
  access: 'public',
  responses: { 200: { description: 'Plans', schema: z.object({ plans: z.array(z.record(z.unknown())) }) } },
});
documentRoute({
  method: 'get',
  path: '/api/public/plans/:id',
  summary: 'What has been published about a plan: the monthly snapshots and the final report (no private data)',
  tags: ['public'],
  access: 'public',
  params: PlanParams,
  responses: { 200: { description: 'Published record', schema: PublicPlanSchema }, 404: UNKNOWN_PLAN },
});
