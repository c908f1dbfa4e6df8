// The communications policy's shape, validated with zod, and its durations.
// Pure: workflows, activities, the API and the pages all read a policy through
// these types. The adopted plan itself (data) and the registry of versions live
// Node-side in policy/.
import { z } from 'zod';
import { ROLES, type Role } from '../roles';
import { LANGUAGE_CODE_PATTERN } from '../languages';

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
/** A channel a message goes on. */
const channelSchema = z.enum(['EMAIL', 'SMS']);
/** A language the policy's words are translated into: the name of a folder under locales/ (es, pt-BR). */
const languageSchema = z.string().regex(LANGUAGE_CODE_PATTERN, 'must be a language code such as es or pt-BR');
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
  /**
   * How each recipient role is told of the declaration at this severity. A
   * role not named here is told by email and SMS (as every role was before
   * policies said otherwise).
   */
  channels: z.record(roleSchema, z.array(channelSchema).min(1)).optional(),
});

/**
 * Phone calls to officials still silent after the email and text: the first
 * call `firstAfter` their notification, then `attempts - 1` more, each
 * `retryAfter` the one before, while nobody has acknowledged for them. A call
 * asks them to press 1; doing so acknowledges. Absent in policies written
 * before calls (nobody is called).
 */
const callsSchema = z
  .object({
    /** The severity levels whose recipients are called. */
    severities: z.array(z.number().int().min(1).max(3)).min(1),
    firstAfter: durationSchema,
    attempts: z.number().int().min(1).max(5),
    retryAfter: durationSchema,
  })
  .strict();

const acknowledgementSchema = z.object({
  /** How long a primary recipient has to acknowledge before their backup is notified. */
  backupAfter: durationSchema,
  /** When the people below are told who is still silent. */
  reportSilentAfter: durationSchema,
  reportSilentTo: z.array(roleSchema).min(1),
  calls: callsSchema.optional(),
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

/**
 * A chain for some statements: the first rule whose kinds and severities both
 * match a statement decides its chain; a rule without `kinds` (or without
 * `severities`) matches every kind (or every severity).
 */
const chainRuleSchema = z
  .object({
    kinds: z.array(keySchema).min(1).optional(),
    severities: z.array(z.number().int().min(1).max(3)).min(1).optional(),
    chain: z.array(roleSchema).min(1),
  })
  .strict();

/**
 * Who approves in a chain role's place when the holder of that role wrote the
 * version (a person never approves their own words): any holder of `roles`.
 */
const standInSchema = z.object({ for: roleSchema, roles: z.array(roleSchema).min(1) }).strict();

const approvalSchema = z
  .object({
    /** Who drafts and revises statements: anyone holding one of these roles. */
    drafters: z.array(roleSchema).min(1).optional(),
    /**
     * The single drafter role of policies written before drafter sets
     * (clayton-2026.1). Read as `drafters: [drafter]`; give one or the other.
     */
    drafter: roleSchema.optional(),
    /** Approvers, in order, for statements no rule in `chainRules` matches; every one must approve the same version. */
    chain: z.array(roleSchema).min(1),
    /** Other chains by statement kind and incident severity; the first matching rule wins. */
    chainRules: z.array(chainRuleSchema).default([]),
    /** Who approves in a role's place when its holder wrote the version (e.g. the deputy PIO for the PIO). */
    standIns: z.array(standInSchema).default([]),
    /** The awaited approver is reminded this long after the draft reached them. */
    reminderAfter: durationSchema,
    /** ...and escalated this long after it reached them. */
    escalationAfter: durationSchema,
    /** Whom to escalate to, by the role that is sitting on the draft. */
    escalateTo: z.array(z.object({ awaiting: roleSchema, notify: z.array(roleSchema).min(1) })),
    /** For awaited roles not listed in escalateTo. */
    escalateToOtherwise: z.array(roleSchema).min(1),
  })
  .superRefine((a, ctx) => {
    if (a.drafters === undefined && a.drafter === undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['drafters'], message: 'Required: the roles that draft statements' });
    }
    if (a.drafters !== undefined && a.drafter !== undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['drafter'], message: 'give drafters (a set of roles) or the older drafter, not both' });
    }
  })
  .transform(({ drafter, drafters, ...rest }) => ({ drafters: drafters ?? (drafter ? [drafter] : []), ...rest }));

const extensionSchema = z.object({
  /** Roles that may move a deadline later (always with a reason). */
  allowedRoles: z.array(roleSchema).min(1),
});

/**
 * Who may do what to an incident, beyond drafting and approving statements
 * (approval) and moving deadlines (extension), which have their own sections.
 */
/**
 * The access of a policy written before policies said who may do what: those
 * rules were fixed in the code then. Frozen, because such files (and
 * clayton-2026.1) must keep meaning what they meant; a new policy states its
 * own. Each permission defaults on its own, so a file that names some of them
 * keeps the old rule for the rest.
 */
export const ACCESS_BEFORE_POLICIES_STATED_IT = {
  declare: ['CITY_MANAGER', 'POLICE_CHIEF'],
  close: ['CITY_MANAGER'],
  acknowledgeForOthers: ['CITY_MANAGER'],
  readDeliveryLog: ['CITY_MANAGER', 'POLICE_CHIEF', 'PIO'],
  readIncidents: ['CITY_MANAGER', 'POLICE_CHIEF', 'PIO', 'MAYOR', 'ALDERMAN', 'CITY_ATTORNEY'],
  managePlans: ['CITY_MANAGER'],
  // Every role there was then; roles added later are not granted by an old file.
  readPlans: ['CITY_MANAGER', 'POLICE_CHIEF', 'PIO', 'MAYOR', 'ALDERMAN', 'CITY_ATTORNEY', 'STAKEHOLDER_LEAD'],
  // There was no media list then; the PIO and the City Manager keep it unless a policy says otherwise.
  manageMediaList: ['PIO', 'CITY_MANAGER'],
} as const satisfies Record<string, readonly Role[]>;

const roles = (before: readonly Role[]) => z.array(roleSchema).min(1).default([...before]);

const accessSchema = z.object({
  /** Declare an incident (starts its workflow and notifies the recipients). */
  declare: roles(ACCESS_BEFORE_POLICIES_STATED_IT.declare),
  /** Close an incident (starts the after-action review clock). */
  close: roles(ACCESS_BEFORE_POLICIES_STATED_IT.close),
  /** Acknowledge an incident notification on someone else's behalf. */
  acknowledgeForOthers: roles(ACCESS_BEFORE_POLICIES_STATED_IT.acknowledgeForOthers),
  /** Read the delivery log of every message sent. */
  readDeliveryLog: roles(ACCESS_BEFORE_POLICIES_STATED_IT.readDeliveryLog),
  /** Read incidents, their timelines and statements in the staff console (the city's staff). */
  readIncidents: roles(ACCESS_BEFORE_POLICIES_STATED_IT.readIncidents),
  /** Create plans, goals and items, and import items. */
  managePlans: roles(ACCESS_BEFORE_POLICIES_STATED_IT.managePlans),
  /** See plans and items, and act on the items that are one's own. */
  readPlans: roles(ACCESS_BEFORE_POLICIES_STATED_IT.readPlans),
  /** Keep the media list: the newsrooms that receive published statements by email. */
  manageMediaList: roles(ACCESS_BEFORE_POLICIES_STATED_IT.manageMediaList),
  /**
   * Read statement drafts and approvers' comments before publication, besides
   * the drafters, the approval chain and the draft's own author (need to know).
   */
  readDrafts: z.array(roleSchema).default(['CITY_MANAGER']),
  /** Record the closed court cases whose parties are invited to the court-user survey (nobody before clayton-2026.5). */
  recordCourtContacts: z.array(roleSchema).default([]),
});

/** How long each signed link in a message works (acknowledge, review a statement, post progress). */
const linksSchema = z.object({
  ack: durationSchema.default('72h'),
  review: durationSchema.default('72h'),
  /** Progress links are used over days of work on an item. */
  progress: durationSchema.default('14d'),
});

/**
 * Counsel's hold: the people the policy names stop publication (one
 * statement, every statement of a kind, or everything for an incident) while
 * a legal matter is pending. The public sees that it is held, since when and
 * the category; never the private detail. A hold lapses at `maxDuration`
 * unless released sooner. Absent in policies written before holds (nobody
 * may place one).
 */
const holdsSchema = z
  .object({
    /** Who may place a hold. */
    placeBy: z.array(roleSchema).min(1),
    /** Who may release one before it lapses. */
    releaseBy: z.array(roleSchema).min(1),
    /** The public reasons a hold may give. */
    categories: z.array(z.object({ key: keySchema, label: z.string().min(1) }).strict()).min(1),
    /** A hold lapses this long after it was placed; publication then resumes. */
    maxDuration: durationSchema,
    /** Reminders before the lapse, each this long before it, to `remind`. */
    remindBefore: z.array(durationSchema),
    remind: z.array(roleSchema).min(1),
    /** Told when a hold is placed or released. */
    notify: z.array(roleSchema).min(1),
    /** Told when a hold reaches its limit and lapses. */
    escalateAtLimit: z.array(roleSchema).min(1),
    /**
     * How the clocks a hold stopped start again when it ends. RESUME: the
     * time that was left when the hold was placed; RESTART: the deadline's
     * whole window again. Never less than `atLeast` after the release.
     */
    onRelease: z.object({ clock: z.enum(['RESUME', 'RESTART']), atLeast: durationSchema }).strict(),
  })
  .strict();

/** Who may withdraw a published statement (always with a public note), and who is told. Absent: nobody may. */
const withdrawalSchema = z
  .object({
    allowedRoles: z.array(roleSchema).min(1),
    notify: z.array(roleSchema).min(1),
  })
  .strict();

/**
 * Who is told when a statement is published, beyond its author: the parties
 * of the plan (the Mayor and the Board, the City Manager, the Police Chief),
 * on these channels. Absent in policies written before it: nobody else is told.
 */
const publicationSchema = z
  .object({
    notify: z.array(roleSchema).min(1),
    channels: z.array(channelSchema).min(1),
  })
  .strict();

/**
 * Goal 1's engagement sessions: the report asks the City, CPD, business
 * owners and residents to meet "on a regular basis"; the policy states how
 * many sessions a year that means, which stakeholder groups attendance is
 * counted by (counts only, never names), when subscribers are reminded before
 * a session, and who schedules them. Absent in policies written before it
 * (nobody schedules sessions).
 */
const engagementSchema = z
  .object({
    /** Sessions promised per plan year; the dashboard compares it, pro rata to the day, with the sessions held. */
    sessionsPromisedPerYear: z.number().int().min(1).max(366),
    /** The promise in words, for the public pages ("quarterly"). */
    cadence: z.string().min(1),
    /** The groups attendance is counted by, in the order the pages list them. */
    groups: z.array(z.object({ key: keySchema, label: z.string().min(1) }).strict()).min(1).max(20),
    /** Subscribers to ENGAGEMENT_SESSIONS are reminded this long before each session. */
    remindBefore: z.array(durationSchema).max(5),
    /** Who schedules sessions, records their attendance and turns their follow-ups into action items. */
    scheduleBy: z.array(roleSchema).min(1),
  })
  .strict();

/**
 * The policy's own words in another language: every field optional, a word
 * not translated shows in the policy's language. Keys name what they
 * translate (incident type keys, severity levels, deadline keys, statement
 * kind keys); checked against the policy when it loads.
 */
const words = z.string().min(1);

/** The sections of the court-user survey: CourTools Measure 1's two (access, fairness) and the report's questions about the police. */
export const COURT_SURVEY_SECTIONS = ['ACCESS', 'FAIRNESS', 'POLICE'] as const;
export type CourtSurveySection = (typeof COURT_SURVEY_SECTIONS)[number];

/**
 * The Goal 3 court-user survey (clayton-2026.5 on): when a person whose
 * court case closed is invited, reminded once, and when the invitation lapses
 * (each counted from the one before: inviteAfter from the case's close as
 * recorded, remindAfter from the invitation, expiresAfter from the
 * reminder); the questions, rated on the agree scale (1 strongly disagree to
 * 5 strongly agree, or not applicable); and the fewest responses a quarter
 * needs before its figures are published.
 */
const courtSurveySchema = z
  .object({
    inviteAfter: durationSchema,
    remindAfter: durationSchema,
    expiresAfter: durationSchema,
    /** The five points of the agree scale, from 1 (strongly disagree) to 5 (strongly agree), and the answer that is not a rating. */
    scale: z.tuple([words, words, words, words, words]),
    notApplicable: words,
    questions: z
      .array(z.object({ key: keySchema, section: z.enum(COURT_SURVEY_SECTIONS), text: words }).strict())
      .min(1)
      .max(40),
    /** A quarter with fewer responses shows its counts of invitations and responses only. */
    minimumResponses: z.number().int().min(1),
  })
  .strict();
const policyTranslationSchema = z
  .object({
    name: words.optional(),
    definition: z
      .object({
        summary: words.optional(),
        types: z.record(keySchema, z.object({ label: words.optional(), criteria: words.optional() }).strict()).optional(),
      })
      .strict()
      .optional(),
    severities: z.record(z.enum(['1', '2', '3']), z.object({ label: words.optional(), description: words.optional() }).strict()).optional(),
    deadlines: z.record(z.string(), z.object({ title: words }).strict()).optional(),
    statementKinds: z
      .record(keySchema, z.object({ label: words.optional(), template: z.object({ title: words, body: words }).strict().optional() }).strict())
      .optional(),
    /** The public names of counsel's-hold categories (the public page shows the category, never the detail). */
    holds: z.object({ categories: z.record(keySchema, z.object({ label: words }).strict()).optional() }).strict().optional(),
    /** The court-user survey's questions (by key) and scale in this language. */
    courtSurvey: z
      .object({ questions: z.record(keySchema, words).optional(), scale: z.tuple([words, words, words, words, words]).optional(), notApplicable: words.optional() })
      .strict()
      .optional(),
    /** The public names of the engagement sessions' stakeholder groups. */
    engagement: z.object({ groups: z.record(keySchema, z.object({ label: words }).strict()).optional(), cadence: words.optional() }).strict().optional(),
  })
  .strict();

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

/** "10bd": business days in the city's holiday calendar; or any policy duration ("90s" in a test policy). */
export const RESPOND_WITHIN_PATTERN = /^(\d+)(bd|s|m|h|d|w)$/;

/**
 * Residents' comments on a goal or an action item (clayton-2026.5 on): how
 * soon the City promises an answer, the reminder before that, and who
 * moderates. Unanswered comments climb the action plan's own overdue ladder
 * (actionPlan.overdueLadder: the same targets, the same spacing).
 */
const commentsSchema = z
  .object({
    respondWithin: z.string().regex(RESPOND_WITHIN_PATTERN, 'must be business days such as 10bd, or a duration such as 30s, 15m, 4h, 7d or 2w'),
    holidayCalendar: z.enum(['US_FEDERAL', 'NONE']).default('US_FEDERAL'),
    /** The moderator is reminded this long before the answer is due. */
    remindBefore: durationSchema,
    /** Besides the item's owner, these roles moderate (and see) every comment. */
    moderatorRoles: z.array(roleSchema).min(1),
    maxLength: z.number().int().min(1).max(10_000),
    /** Comments accepted from one network address per hour. */
    perAddressPerHour: z.number().int().min(1),
    /** The challenge is refused if answered sooner than this (bots answer at once) or later than the second. */
    challenge: z.object({ minSeconds: z.number().int().min(0), maxSeconds: z.number().int().min(1) }).strict(),
  })
  .strict();

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
  access: accessSchema.default({}),
  holds: holdsSchema.optional(),
  withdrawal: withdrawalSchema.optional(),
  links: linksSchema.default({}),
  actionPlan: actionPlanSchema,
  /** Told when a statement is published (clayton-2026.3 on). */
  publication: publicationSchema.optional(),
  /** Residents' comments and the City's promise to answer them (clayton-2026.5 on). */
  comments: commentsSchema.optional(),
  /** The policy's words in other languages, by language code (clayton-2026.3 on). */
  translations: z.record(languageSchema, policyTranslationSchema).optional(),
  /** The Goal 3 court-user survey (clayton-2026.5 on). */
  courtSurvey: courtSurveySchema.optional(),
  /** Goal 1's engagement sessions (clayton-2026.5 on). */
  engagement: engagementSchema.optional(),
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

type Issue = (path: (string | number)[], message: string) => void;

/**
 * The approval section's cross-field rules. Every chain lists a role once; a
 * role that drafts may approve only where the policy names who approves in
 * its place when its holder wrote the text; and that stand-in must be someone
 * who has no other step in the chain (one person, one step).
 */
function checkApproval(p: z.output<typeof basePolicySchema>, issue: Issue): void {
  const { approval } = p;
  const kinds = new Set(p.statementKinds.map((k) => k.key));
  const standInsFor = new Map(approval.standIns.map((s) => [s.for, s.roles]));
  const chains: { chain: Role[]; path: (string | number)[] }[] = [
    { chain: approval.chain, path: ['approval', 'chain'] },
    ...approval.chainRules.map((rule, i) => ({ chain: rule.chain, path: ['approval', 'chainRules', i, 'chain'] })),
  ];
  for (const { chain, path } of chains) {
    chain.forEach((role, i) => {
      if (chain.indexOf(role) !== i) issue([...path, i], `role ${role} appears twice in the approval chain`);
      const standIns = standInsFor.get(role);
      if (approval.drafters.includes(role) && !standIns) {
        issue([...path, i], `the ${role} drafts statements and approves them here: name who approves in its place in approval.standIns`);
      }
      if (standIns && standIns.every((standIn) => chain.includes(standIn))) {
        issue([...path, i], `every stand-in for ${role} also has a step in this chain; name someone outside it in approval.standIns`);
      }
    });
  }
  approval.chainRules.forEach((rule, i) => {
    rule.kinds?.forEach((kind, j) => {
      if (!kinds.has(kind)) issue(['approval', 'chainRules', i, 'kinds', j], `unknown statement kind ${JSON.stringify(kind)}`);
    });
  });
  const approvers = new Set(chains.flatMap(({ chain }) => chain));
  approval.standIns.forEach((standIn, i) => {
    if (approval.standIns.findIndex((s) => s.for === standIn.for) !== i) issue(['approval', 'standIns', i, 'for'], `stand-ins for ${standIn.for} are named twice`);
    if (!approvers.has(standIn.for)) issue(['approval', 'standIns', i, 'for'], `${standIn.for} approves in no chain`);
    if (standIn.roles.includes(standIn.for)) issue(['approval', 'standIns', i, 'roles'], `${standIn.for} cannot stand in for itself`);
  });
}

/** Every translated word names something the policy has. */
function checkTranslations(p: z.output<typeof basePolicySchema>, issue: Issue): void {
  const types = new Set(p.definition.types.map((t) => t.key));
  const deadlines = new Set(p.deadlines.map((d) => d.key));
  const kinds = new Set(p.statementKinds.map((k) => k.key));
  const holdCategories = new Set((p.holds?.categories ?? []).map((c) => c.key));
  for (const [language, t] of Object.entries(p.translations ?? {})) {
    const path = ['translations', language];
    for (const key of Object.keys(t.definition?.types ?? {})) {
      if (!types.has(key)) issue([...path, 'definition', 'types', key], `unknown incident type ${JSON.stringify(key)}`);
    }
    for (const key of Object.keys(t.deadlines ?? {})) {
      if (!deadlines.has(key)) issue([...path, 'deadlines', key], `unknown deadline ${JSON.stringify(key)}`);
    }
    for (const key of Object.keys(t.statementKinds ?? {})) {
      if (!kinds.has(key)) issue([...path, 'statementKinds', key], `unknown statement kind ${JSON.stringify(key)}`);
    }
    for (const key of Object.keys(t.holds?.categories ?? {})) {
      if (!holdCategories.has(key)) issue([...path, 'holds', 'categories', key], `unknown hold category ${JSON.stringify(key)}`);
    }
    for (const key of Object.keys(t.courtSurvey?.questions ?? {})) {
      if (!p.courtSurvey?.questions.some((q) => q.key === key)) issue([...path, 'courtSurvey', 'questions', key], `unknown survey question ${JSON.stringify(key)}`);
    }
    const groups = new Set((p.engagement?.groups ?? []).map((g) => g.key));
    for (const key of Object.keys(t.engagement?.groups ?? {})) {
      if (!groups.has(key)) issue([...path, 'engagement', 'groups', key], `unknown stakeholder group ${JSON.stringify(key)}`);
    }
  }
}

/** Survey questions are named once, and the survey asks about access and fairness at least (the two indices). */
function checkCourtSurvey(p: z.output<typeof basePolicySchema>, issue: Issue): void {
  const survey = p.courtSurvey;
  if (!survey) return;
  survey.questions.forEach((question, i) => {
    if (survey.questions.findIndex((q) => q.key === question.key) !== i) issue(['courtSurvey', 'questions', i, 'key'], `duplicate key ${JSON.stringify(question.key)}`);
  });
  for (const section of ['ACCESS', 'FAIRNESS'] as const) {
    if (!survey.questions.some((q) => q.section === section)) issue(['courtSurvey', 'questions'], `ask at least one ${section} question: the summary's ${section.toLowerCase()} index needs one`);
  }
}

/** Groups are named once; reminders come before the session, each at its own offset. */
function checkEngagement(p: z.output<typeof basePolicySchema>, issue: Issue): void {
  const engagement = p.engagement;
  if (!engagement) return;
  engagement.groups.forEach((group, i) => {
    if (engagement.groups.findIndex((g) => g.key === group.key) !== i) issue(['engagement', 'groups', i, 'key'], `duplicate key ${JSON.stringify(group.key)}`);
  });
  engagement.remindBefore.forEach((before, i) => {
    if (durationMs(before) <= 0) issue(['engagement', 'remindBefore', i], 'must be longer than zero');
    if (engagement.remindBefore.findIndex((b) => durationMs(b) === durationMs(before)) !== i) issue(['engagement', 'remindBefore', i], 'the same reminder is listed twice');
  });
}

/**
 * Calls come before the backup is called (the ladder moves to the backup once
 * the calls are done); hold reminders fall inside the hold; categories are
 * named once.
 */
function checkCallsAndHolds(p: z.output<typeof basePolicySchema>, issue: Issue): void {
  const calls = p.acknowledgement.calls;
  if (calls) {
    const lastCall = durationMs(calls.firstAfter) + (calls.attempts - 1) * durationMs(calls.retryAfter);
    if (lastCall >= durationMs(p.acknowledgement.backupAfter)) {
      issue(['acknowledgement', 'calls'], 'the last call must come before backupAfter: the ladder moves to the backup once the calls are done');
    }
  }
  const holds = p.holds;
  if (!holds) return;
  const max = durationMs(holds.maxDuration);
  holds.remindBefore.forEach((before, i) => {
    if (durationMs(before) >= max) issue(['holds', 'remindBefore', i], 'must be shorter than maxDuration');
  });
  holds.categories.forEach((category, i) => {
    if (holds.categories.findIndex((c) => c.key === category.key) !== i) issue(['holds', 'categories', i, 'key'], `duplicate key ${JSON.stringify(category.key)}`);
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

  p.severities.forEach((s, i) => {
    for (const role of Object.keys(s.channels ?? {})) {
      if (!s.recipients.includes(role as Role)) issue(['severities', i, 'channels', role], `${role} is not a recipient at this severity`);
    }
  });
  checkTranslations(p, issue);

  checkApproval(p, issue);
  checkCallsAndHolds(p, issue);
  checkCourtSurvey(p, issue);
  checkEngagement(p, issue);
  if (durationMs(p.approval.escalationAfter) <= durationMs(p.approval.reminderAfter)) {
    issue(['approval', 'escalationAfter'], 'must be later than reminderAfter');
  }
});

export type Policy = z.infer<typeof basePolicySchema>;
/** What a policy file or module may be written as before validation (defaults not yet applied). */
export type PolicyInput = z.input<typeof basePolicySchema>;
export type IncidentTypePolicy = Policy['definition']['types'][number];
export type SeverityPolicy = Policy['severities'][number];
export type DeadlinePolicy = Policy['deadlines'][number];
export type ReminderRule = DeadlinePolicy['reminders'][number];
export type EscalationStep = DeadlinePolicy['escalation'][number];
export type StatementKindPolicy = Policy['statementKinds'][number];
export type ApprovalPolicy = Policy['approval'];
export type ActionPlanPolicy = Policy['actionPlan'];
export type AccessPolicy = Policy['access'];
export type PublicationPolicy = NonNullable<Policy['publication']>;
export type PolicyTranslation = NonNullable<Policy['translations']>[string];
export type CallsPolicy = NonNullable<Policy['acknowledgement']['calls']>;
export type HoldsPolicy = NonNullable<Policy['holds']>;
export type WithdrawalPolicy = NonNullable<Policy['withdrawal']>;
export type CourtSurveyPolicy = NonNullable<Policy['courtSurvey']>;
export type CourtSurveyQuestion = CourtSurveyPolicy['questions'][number];
export type CommentsPolicy = NonNullable<Policy['comments']>;
export type EngagementPolicy = NonNullable<Policy['engagement']>;
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

