// The City of Clayton's Critical Incident Communications Plan as validated,
// versioned data. Deterministic and free of Node imports: workflows import the
// types and the pure helpers from here. Reading POLICY_FILE happens in
// policy/load.ts (Node only).
import { z } from 'zod';
import { ROLES, type Role } from './roles';

export { ROLES, ROLE_TITLES, type Role } from './roles';

// ------------------------------------------------------------------ durations

const DURATION_PATTERN = /^(\d+)(s|m|h|d|w)$/;
const UNIT_MS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** A duration written for people: "15m", "4h", "7d", "2w" (s, m, h, d, w). */
export type PolicyDuration = string;

export function durationMs(duration: PolicyDuration): number {
  const match = DURATION_PATTERN.exec(duration);
  if (!match) throw new PolicyError(`not a policy duration: ${JSON.stringify(duration)}`);
  return Number(match[1]) * UNIT_MS[match[2]];
}

const durationSchema = z
  .string()
  .regex(DURATION_PATTERN, 'must be a duration such as 30s, 15m, 4h, 7d or 2w');

const roleSchema = z.enum(ROLES);
const keySchema = z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'must be an UPPER_SNAKE_CASE key');
const wallTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour time HH:MM');

// ------------------------------------------------------------------ schema

const incidentTypeSchema = z.object({
  key: keySchema,
  label: z.string().min(1),
  /** What makes an event this type of critical incident, in plain language. */
  criteria: z.string().min(1),
  defaultSeverity: z.number().int().min(1).max(3),
});

const severitySchema = z.object({
  level: z.number().int().min(1).max(3),
  label: z.string().min(1),
  description: z.string().min(1),
  /** Every active person holding one of these roles is a primary recipient. */
  recipients: z.array(roleSchema).min(1),
});

const acknowledgementSchema = z.object({
  /** How long a primary recipient has to acknowledge before their backup is notified. */
  backupAfter: durationSchema,
  /** When the people below are told who is still silent. */
  reportSilentAfter: durationSchema,
  reportSilentTo: z.array(roleSchema).min(1),
});

/**
 * A reminder before a deadline. `fraction` places it at that share of the
 * window (declaration -> due); `before` places it a fixed time before the due
 * time. Reminders that would fall outside the window are dropped.
 */
const reminderSchema = z.union([
  z.object({ fraction: z.number().gt(0).lt(1) }).strict(),
  z.object({ before: durationSchema }).strict(),
]);

/** One rung of the overdue ladder: `after` the due time, notify these roles. */
const escalationStepSchema = z.object({
  after: durationSchema,
  notify: z.array(roleSchema).min(1),
});

const deadlineSchema = z.object({
  /** Deadline.key in the database; recurring deadlines append _1, _2, ... */
  key: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a lower_snake_case key'),
  kind: keySchema,
  title: z.string().min(1),
  /** Publishing a statement of this kind meets the deadline. */
  statementKind: keySchema,
  /** DECLARED: counted from the declaration; CLOSED: counted from the closure. */
  anchor: z.enum(['DECLARED', 'CLOSED']),
  /** Due time per severity level ("1", "2", "3"); a missing level means no such deadline. */
  dueAfter: z
    .object({ '1': durationSchema.optional(), '2': durationSchema.optional(), '3': durationSchema.optional() })
    .strict(),
  /** Set for deadlines that repeat while the incident is open (public updates). */
  repeatEvery: durationSchema.optional(),
  /** Who is reminded before the due time. */
  remind: z.array(roleSchema).min(1),
  reminders: z.array(reminderSchema),
  escalation: z.array(escalationStepSchema).min(1),
});

const statementKindSchema = z.object({
  key: keySchema,
  label: z.string().min(1),
  /** The PIO's starting draft. Placeholders look like {{incidentNumber}}; see STATEMENT_PLACEHOLDERS. */
  template: z.object({ title: z.string().min(1), body: z.string().min(1) }),
});

const approvalSchema = z.object({
  /** Who drafts and revises statements. */
  drafter: roleSchema,
  /** Approvers, in order; every one must approve the same version. */
  chain: z.array(roleSchema).min(1),
  /** The awaited approver is reminded this long after the draft reached them. */
  reminderAfter: durationSchema,
  /** ...and escalated this long after it reached them. */
  escalationAfter: durationSchema,
  /** Whom to escalate to, by the role that is sitting on the draft. */
  escalateTo: z.array(z.object({ awaiting: roleSchema, notify: z.array(roleSchema).min(1) })),
  /** For awaited roles not listed in escalateTo. */
  escalateToOtherwise: z.array(roleSchema).min(1),
});

const extensionSchema = z.object({
  /** Roles that may move a deadline later (always with a reason). */
  allowedRoles: z.array(roleSchema).min(1),
});

/** Targets of the action-plan ladder; OWNER/SPONSOR are per item, BOARD_DIGEST is the monthly board digest. */
export const PLAN_ESCALATION_TARGETS = ['OWNER', 'SPONSOR', 'CITY_MANAGER', 'BOARD_DIGEST'] as const;
export type PlanEscalationTarget = (typeof PLAN_ESCALATION_TARGETS)[number];

const actionPlanSchema = z.object({
  timeZone: z.string().min(1),
  /** Item reminders are sent at this local time on the day that falls `before` the due date. */
  reminderTime: wallTimeSchema,
  reminders: z.array(z.object({ before: durationSchema })).min(1),
  overdueLadder: z.array(z.object({ after: durationSchema, notify: z.enum(PLAN_ESCALATION_TARGETS) })).min(1),
  /** Roles that make up "the board" for the board digest. */
  boardRoles: z.array(roleSchema).min(1),
  dashboard: z.object({ rule: z.literal('FIRST_BUSINESS_DAY'), time: wallTimeSchema }),
});

const basePolicySchema = z.object({
  version: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'must be a lower-case version label such as clayton-2026.1'),
  name: z.string().min(1),
  timeZone: z.string().min(1),
  definition: z.object({
    summary: z.string().min(1),
    types: z.array(incidentTypeSchema).min(1),
  }),
  severities: z.array(severitySchema).length(3),
  acknowledgement: acknowledgementSchema,
  deadlines: z.array(deadlineSchema).min(1),
  statementKinds: z.array(statementKindSchema).min(1),
  approval: approvalSchema,
  extension: extensionSchema,
  actionPlan: actionPlanSchema,
});

function requireUnique<T>(ctx: z.RefinementCtx, items: T[], pick: (t: T) => string, path: string, field: string) {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const value = pick(item);
    if (seen.has(value)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: [path, i, field], message: `duplicate ${field} ${JSON.stringify(value)}` });
    }
    seen.add(value);
  });
}

export const policySchema = basePolicySchema.superRefine((p, ctx) => {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: z.ZodIssueCode.custom, path, message });

  p.severities.forEach((s, i) => {
    if (s.level !== i + 1) issue(['severities', i, 'level'], `severities must be listed in order 1, 2, 3 (expected ${i + 1})`);
  });
  requireUnique(ctx, p.definition.types, (t) => t.key, 'definition', 'key');
  requireUnique(ctx, p.deadlines, (d) => d.key, 'deadlines', 'key');
  requireUnique(ctx, p.deadlines, (d) => d.kind, 'deadlines', 'kind');
  requireUnique(ctx, p.statementKinds, (k) => k.key, 'statementKinds', 'key');

  if (p.acknowledgement.reportSilentAfter && p.acknowledgement.backupAfter) {
    const backup = durationMs(p.acknowledgement.backupAfter);
    const silent = durationMs(p.acknowledgement.reportSilentAfter);
    if (silent <= backup) issue(['acknowledgement', 'reportSilentAfter'], 'must be later than backupAfter');
  }

  const statementKinds = new Set(p.statementKinds.map((k) => k.key));
  p.deadlines.forEach((d, i) => {
    if (!statementKinds.has(d.statementKind)) {
      issue(['deadlines', i, 'statementKind'], `unknown statement kind ${JSON.stringify(d.statementKind)}`);
    }
    if (d.repeatEvery && d.anchor !== 'DECLARED') issue(['deadlines', i, 'repeatEvery'], 'only DECLARED deadlines can repeat');
    let previous = -1;
    d.escalation.forEach((step, j) => {
      const at = durationMs(step.after);
      if (at <= previous) issue(['deadlines', i, 'escalation', j, 'after'], 'escalation steps must be strictly later than the one before');
      previous = at;
    });
  });

  const seenApprovers = new Set<Role>();
  p.approval.chain.forEach((role, i) => {
    if (seenApprovers.has(role)) issue(['approval', 'chain', i], `role ${role} appears twice in the approval chain`);
    seenApprovers.add(role);
    if (role === p.approval.drafter) issue(['approval', 'chain', i], 'the drafter cannot approve their own statement');
  });
  if (durationMs(p.approval.escalationAfter) <= durationMs(p.approval.reminderAfter)) {
    issue(['approval', 'escalationAfter'], 'must be later than reminderAfter');
  }
});

export type Policy = z.infer<typeof basePolicySchema>;
export type IncidentTypePolicy = Policy['definition']['types'][number];
export type SeverityPolicy = Policy['severities'][number];
export type DeadlinePolicy = Policy['deadlines'][number];
export type ReminderRule = DeadlinePolicy['reminders'][number];
export type EscalationStep = DeadlinePolicy['escalation'][number];
export type StatementKindPolicy = Policy['statementKinds'][number];
export type ApprovalPolicy = Policy['approval'];
export type ActionPlanPolicy = Policy['actionPlan'];
export type SeverityLevel = 1 | 2 | 3;

// ------------------------------------------------------------------ errors

/** The policy is invalid or unknown. The message names the bad field path. */
export class PolicyError extends Error {
  constructor(message: string, readonly issues: { path: string; message: string }[] = []) {
    super(message);
    this.name = 'PolicyError';
  }
}

/** Validates untrusted policy data (e.g. a POLICY_FILE). Throws PolicyError naming each bad field. */
export function parsePolicy(data: unknown, source = 'policy'): Policy {
  const result = policySchema.safeParse(data);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message }));
  throw new PolicyError(`Invalid ${source}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
}

// ------------------------------------------------------------------ the default plan

const SEV1_RECIPIENTS: Role[] = ['MAYOR', 'ALDERMAN', 'CITY_MANAGER', 'POLICE_CHIEF', 'PIO', 'CITY_ATTORNEY'];

const policyData = {
  version: 'clayton-2026.1',
  name: 'City of Clayton Critical Incident Communications Plan',
  timeZone: 'America/Chicago',
  definition: {
    summary:
      'A critical incident is an event involving the Clayton Police Department that seriously affects, ' +
      'or may seriously affect, public trust, and therefore needs a coordinated public response from the ' +
      'City, the Police Department, the Mayor and the Board of Aldermen.',
    types: [
      {
        key: 'OFFICER_INVOLVED_SHOOTING',
        label: 'Officer-involved shooting',
        criteria: 'A Clayton police officer discharged a firearm at a person, whether or not anyone was hit.',
        defaultSeverity: 1,
      },
      {
        key: 'USE_OF_FORCE_SERIOUS_INJURY',
        label: 'Use of force with serious injury',
        criteria:
          'Force used by a Clayton police officer caused an injury that needed hospital treatment or ' +
          'carries a substantial risk of death, disfigurement or lasting harm.',
        defaultSeverity: 1,
      },
      {
        key: 'DEATH_IN_CUSTODY',
        label: 'Death in custody',
        criteria:
          'A person died while detained, arrested or held by the Clayton Police Department, or shortly ' +
          'after contact with its officers.',
        defaultSeverity: 1,
      },
      {
        key: 'PUBLIC_MEDIA_ATTENTION',
        label: 'Significant public or media attention',
        criteria:
          'A police matter is drawing significant public or media attention (for example widely shared ' +
          'video, protests, or regional or national press) even if nobody was seriously hurt.',
        defaultSeverity: 2,
      },
      {
        key: 'OTHER',
        label: 'Other, as the City Manager judges',
        criteria: 'Any other event the City Manager judges to need the critical incident procedure.',
        defaultSeverity: 3,
      },
    ],
  },
  severities: [
    {
      level: 1,
      label: 'Severity 1: most serious',
      description: 'Loss of life, life-threatening injury or a shooting; the whole Board is informed at once.',
      recipients: SEV1_RECIPIENTS,
    },
    {
      level: 2,
      label: 'Severity 2: serious',
      description: 'Serious harm or strong public attention; the Mayor, the City Manager and the department heads are informed.',
      recipients: ['MAYOR', 'CITY_MANAGER', 'POLICE_CHIEF', 'PIO', 'CITY_ATTORNEY'],
    },
    {
      level: 3,
      label: 'Severity 3: significant',
      description: 'A matter needing a coordinated response but with limited harm; the operational team is informed.',
      recipients: ['CITY_MANAGER', 'POLICE_CHIEF', 'PIO'],
    },
  ],
  acknowledgement: {
    backupAfter: '15m',
    reportSilentAfter: '30m',
    reportSilentTo: ['CITY_MANAGER'],
  },
  // Reminder choice: short windows (hours) get reminders at half and 90% of
  // the window, so a 1-hour holding statement is nudged at 30 and 54 minutes;
  // long windows (days) get fixed notice a few days and one day ahead, which
  // is when people can still act. Overdue: the PIO at once, then the City
  // Manager, then the Mayor, with gaps that fit the window.
  deadlines: [
    {
      key: 'holding_statement',
      kind: 'HOLDING_STATEMENT',
      title: 'Holding statement',
      statementKind: 'HOLDING_STATEMENT',
      anchor: 'DECLARED',
      dueAfter: { '1': '1h', '2': '4h', '3': '24h' },
      remind: ['PIO'],
      reminders: [{ fraction: 0.5 }, { fraction: 0.9 }],
      escalation: [
        { after: '0m', notify: ['PIO'] },
        { after: '30m', notify: ['CITY_MANAGER'] },
        { after: '2h', notify: ['MAYOR'] },
      ],
    },
    {
      key: 'press_conference',
      kind: 'PRESS_CONFERENCE',
      title: 'Press conference',
      statementKind: 'PRESS_CONFERENCE',
      anchor: 'DECLARED',
      dueAfter: { '1': '24h' },
      remind: ['PIO', 'POLICE_CHIEF'],
      reminders: [{ fraction: 0.5 }, { fraction: 0.9 }],
      escalation: [
        { after: '0m', notify: ['PIO'] },
        { after: '2h', notify: ['CITY_MANAGER'] },
        { after: '12h', notify: ['MAYOR'] },
      ],
    },
    {
      key: 'public_update',
      kind: 'PUBLIC_UPDATE',
      title: 'Public update',
      statementKind: 'PUBLIC_UPDATE',
      anchor: 'DECLARED',
      dueAfter: { '1': '7d', '2': '7d', '3': '7d' },
      repeatEvery: '7d',
      remind: ['PIO'],
      reminders: [{ before: '2d' }, { before: '1d' }],
      escalation: [
        { after: '0m', notify: ['PIO'] },
        { after: '1d', notify: ['CITY_MANAGER'] },
        { after: '3d', notify: ['MAYOR'] },
      ],
    },
    {
      key: 'preliminary_report',
      kind: 'PRELIMINARY_REPORT',
      title: 'Preliminary findings',
      statementKind: 'PRELIMINARY_REPORT',
      anchor: 'DECLARED',
      dueAfter: { '1': '30d', '2': '30d', '3': '30d' },
      remind: ['PIO', 'POLICE_CHIEF'],
      reminders: [{ before: '7d' }, { before: '1d' }],
      escalation: [
        { after: '0m', notify: ['PIO'] },
        { after: '1d', notify: ['CITY_MANAGER'] },
        { after: '3d', notify: ['MAYOR'] },
      ],
    },
    {
      key: 'final_report',
      kind: 'FINAL_REPORT',
      title: 'Final investigation report',
      statementKind: 'FINAL_REPORT',
      anchor: 'DECLARED',
      dueAfter: { '1': '90d', '2': '90d', '3': '90d' },
      remind: ['PIO', 'POLICE_CHIEF'],
      reminders: [{ before: '14d' }, { before: '3d' }, { before: '1d' }],
      escalation: [
        { after: '0m', notify: ['PIO'] },
        { after: '1d', notify: ['CITY_MANAGER'] },
        { after: '3d', notify: ['MAYOR'] },
      ],
    },
    {
      key: 'after_action_review',
      kind: 'AFTER_ACTION_REVIEW',
      title: 'After-action review',
      statementKind: 'AFTER_ACTION_REVIEW',
      anchor: 'CLOSED',
      dueAfter: { '1': '14d', '2': '14d', '3': '14d' },
      remind: ['CITY_MANAGER', 'PIO'],
      reminders: [{ before: '3d' }, { before: '1d' }],
      escalation: [
        { after: '0m', notify: ['PIO', 'CITY_MANAGER'] },
        { after: '3d', notify: ['MAYOR'] },
      ],
    },
  ],
  statementKinds: [
    {
      key: 'HOLDING_STATEMENT',
      label: 'Holding statement',
      template: {
        title: 'Statement on {{incidentTitle}}',
        body:
          'On {{declaredDate}} the City of Clayton became aware of {{incidentSummary}}.\n\n' +
          'We know people in our community have questions. Here is what we can confirm now: [facts confirmed].\n\n' +
          'The incident is under investigation by [investigating agency]. We will share more as soon as we can ' +
          'do so without harming the investigation, and no later than {{nextUpdateDate}}.\n\n' +
          'Reference: {{incidentNumber}}. Media contact: the City of Clayton Public Information Officer.',
      },
    },
    {
      key: 'PRESS_CONFERENCE',
      label: 'Press conference notice',
      template: {
        title: 'Press conference: {{incidentTitle}}',
        body:
          'The City of Clayton will hold a press conference about {{incidentTitle}} on [date] at [time] at ' +
          '[place]. Speakers: [names and titles]. The press conference will also be streamed at [link].\n\n' +
          'Reference: {{incidentNumber}}.',
      },
    },
    {
      key: 'PUBLIC_UPDATE',
      label: 'Public update',
      template: {
        title: 'Update on {{incidentTitle}}',
        body:
          'This is an update on {{incidentTitle}} ({{incidentNumber}}).\n\n' +
          'Since our last update: [what has happened].\n\nWhat happens next: [next steps].\n\n' +
          'We will update the public again no later than {{nextUpdateDate}}.',
      },
    },
    {
      key: 'PRELIMINARY_REPORT',
      label: 'Preliminary findings',
      template: {
        title: 'Preliminary findings: {{incidentTitle}}',
        body:
          'These are the preliminary findings of the investigation into {{incidentTitle}} ({{incidentNumber}}).\n\n' +
          'Findings so far: [findings].\n\nWhat is still being investigated: [open questions].\n\n' +
          'The final report is due by {{finalReportDate}}.',
      },
    },
    {
      key: 'FINAL_REPORT',
      label: 'Final investigation report',
      template: {
        title: 'Final report: {{incidentTitle}}',
        body:
          'The investigation into {{incidentTitle}} ({{incidentNumber}}) is complete.\n\n' +
          'Findings: [findings].\n\nActions the City will take: [actions, owners and dates].',
      },
    },
    {
      key: 'AFTER_ACTION_REVIEW',
      label: 'After-action review',
      template: {
        title: 'After-action review: {{incidentTitle}}',
        body:
          'The City has reviewed how it communicated with the public about {{incidentTitle}} ({{incidentNumber}}).\n\n' +
          'What went well: [items].\n\nWhat we will change: [items].\n\nThe full timeline is published with this review.',
      },
    },
  ],
  approval: {
    drafter: 'PIO',
    chain: ['CITY_MANAGER', 'POLICE_CHIEF'],
    reminderAfter: '30m',
    escalationAfter: '60m',
    escalateTo: [{ awaiting: 'CITY_MANAGER', notify: ['MAYOR'] }],
    escalateToOtherwise: ['CITY_MANAGER'],
  },
  extension: { allowedRoles: ['CITY_MANAGER', 'POLICE_CHIEF'] },
  actionPlan: {
    timeZone: 'America/Chicago',
    reminderTime: '09:00',
    reminders: [{ before: '14d' }, { before: '3d' }, { before: '1d' }],
    overdueLadder: [
      { after: '0d', notify: 'OWNER' },
      { after: '3d', notify: 'SPONSOR' },
      { after: '7d', notify: 'CITY_MANAGER' },
      { after: '14d', notify: 'BOARD_DIGEST' },
    ],
    boardRoles: ['MAYOR', 'ALDERMAN'],
    dashboard: { rule: 'FIRST_BUSINESS_DAY', time: '09:00' },
  },
} satisfies z.input<typeof basePolicySchema>;

/** The plan as adopted: version 'clayton-2026.1'. Validated when this module loads. */
export const DEFAULT_POLICY: Policy = deepFreeze(parsePolicy(policyData, 'default policy'));

// ------------------------------------------------------------------ registry

const registry = new Map<string, Policy>([[DEFAULT_POLICY.version, DEFAULT_POLICY]]);
let active: Policy = DEFAULT_POLICY;

/**
 * Adds a validated policy to the registry. A version is immutable: registering
 * different content under a known version throws, because running incidents
 * have pinned it.
 */
export function registerPolicy(policy: Policy): Policy {
  const known = registry.get(policy.version);
  if (known) {
    if (stableJson(known) !== stableJson(policy)) {
      throw new PolicyError(`version: policy ${policy.version} is already registered with different content; give the change a new version`);
    }
    return known;
  }
  const frozen = deepFreeze(policy);
  registry.set(policy.version, frozen);
  return frozen;
}

/** The policy a running incident pinned. Throws PolicyError for an unknown version. */
export function getPolicy(version: string): Policy {
  const policy = registry.get(version);
  if (!policy) throw new PolicyError(`Unknown policy version ${JSON.stringify(version)}; known: ${[...registry.keys()].join(', ')}`);
  return policy;
}

export function knownPolicyVersions(): string[] {
  return [...registry.keys()];
}

/**
 * The policy new incidents start with: DEFAULT_POLICY unless a Node process
 * has loaded POLICY_FILE through `initPolicy()` in policy/load.ts (the worker
 * and the API do that at start-up).
 */
export function currentPolicy(): Policy {
  return active;
}

/** Makes a registered policy the current one (used by policy/load.ts). */
export function setCurrentPolicy(policy: Policy): Policy {
  active = registerPolicy(policy);
  return active;
}

// ------------------------------------------------------------------ lookups

export function severityPolicy(policy: Policy, level: number): SeverityPolicy {
  const s = policy.severities.find((x) => x.level === level);
  if (!s) throw new PolicyError(`severities: no severity level ${level} in policy ${policy.version}`);
  return s;
}

export function incidentTypePolicy(policy: Policy, key: string): IncidentTypePolicy | undefined {
  return policy.definition.types.find((t) => t.key === key);
}

export function statementKindPolicy(policy: Policy, key: string): StatementKindPolicy | undefined {
  return policy.statementKinds.find((k) => k.key === key);
}

export function deadlinePolicyByKind(policy: Policy, kind: string): DeadlinePolicy | undefined {
  return policy.deadlines.find((d) => d.kind === kind);
}

/** The due offset for a severity, or undefined when the deadline does not apply at that severity. */
export function dueAfterFor(deadline: DeadlinePolicy, severity: number): PolicyDuration | undefined {
  return deadline.dueAfter[String(severity) as '1' | '2' | '3'];
}

/** Roles to alert when `awaiting` sits on a statement past the escalation time. */
export function approvalEscalationRoles(approval: ApprovalPolicy, awaiting: Role): Role[] {
  return approval.escalateTo.find((e) => e.awaiting === awaiting)?.notify ?? approval.escalateToOtherwise;
}

// ------------------------------------------------------------------ statement templates

/** Placeholders a statement template may use; anything else is left as written. */
export const STATEMENT_PLACEHOLDERS = [
  'incidentNumber',
  'incidentTitle',
  'incidentSummary',
  'declaredDate',
  'nextUpdateDate',
  'finalReportDate',
] as const;
export type StatementPlaceholder = (typeof STATEMENT_PLACEHOLDERS)[number];

/**
 * Fills {{placeholder}}s. A placeholder without a value stays visible as
 * [placeholder] so the PIO sees what still needs writing.
 */
export function fillTemplate(text: string, values: Partial<Record<StatementPlaceholder, string>>): string {
  return text.replace(/\{\{\s*([a-zA-Z]+)\s*\}\}/g, (_whole, name: string) => {
    const value = (values as Record<string, string | undefined>)[name];
    return value !== undefined && value !== '' ? value : `[${name}]`;
  });
}

export function draftFromTemplate(
  policy: Policy,
  kind: string,
  values: Partial<Record<StatementPlaceholder, string>>,
): { title: string; body: string } | undefined {
  const k = statementKindPolicy(policy, kind);
  if (!k) return undefined;
  return { title: fillTemplate(k.template.title, values), body: fillTemplate(k.template.body, values) };
}

// ------------------------------------------------------------------ helpers

function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as Record<string, unknown>)) deepFreeze(child);
  }
  return value;
}
