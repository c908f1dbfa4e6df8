// The Clayton 12-month action plan for the embedded demo: the four goals of
// the 2019 engagement report, demo action items owned by the (fictional)
// stakeholder leads from the roster, and two recurring duties run by Temporal
// Schedules. Safe to run again: rows have fixed ids, and workflows that are
// already running are left alone (missing ones are started).
import type { Client } from '@temporalio/client';
import type { Config } from '../lib/config';
import { config as loadConfig } from '../lib/config';
import type { Db } from '../lib/db';
import { appendAudit } from '../lib/audit';
import { actionItemWorkflowId, actionPlanWorkflowId } from '../domain/ids';
import { currentPolicy } from '../policy/index';
import type { RecurringDutyV1 } from '../domain/contracts/plan';
import { addMonths, formatCivilDate, lastBusinessDayOfMonth, localDateOf, parseCivilDate, parseWallTime, zonedTimeToInstant } from '../domain/time/cityTime';
import {
  DEFAULT_DUE_LOCAL_TIME,
  announceItems,
  itemWorkflowInput,
  planWorkflowInput,
  startItemWorkflow,
  startPlanWorkflow,
  type PlanRow,
} from '../services/planService';

export const CLAYTON_PLAN_ID = 'clayton-action-plan';

export const CLAYTON_GOALS = [
  {
    number: 1,
    title: 'Regular engagement between the City, CPD, business owners and residents',
    description:
      'Hold regular, publicised sessions where residents, business owners, the Police Department and the City meet, hear concerns and report back on what changed.',
  },
  {
    number: 2,
    title: 'Audit of the dispatch centre\'s "suspicious person" call policy',
    description:
      'Review how the dispatch centre takes and classifies "suspicious person" calls, with outside review for bias, and publish the findings and any policy change.',
  },
  {
    number: 3,
    title: 'Regular surveys of municipal court users',
    description: 'Survey people who went through the municipal court about how they were treated, and publish the results each quarter.',
  },
  {
    number: 4,
    title: 'A Critical Incident Communications Plan',
    description:
      'Adopt and exercise a plan between CPD, the Mayor, the Board of Aldermen and the City Manager that defines a critical incident and sets standard operating procedures for public communications.',
  },
] as const;

type Lead = 'engagement' | 'dispatch' | 'court' | 'business';
type Official = 'cityManager' | 'policeChief' | 'cityAttorney' | 'mayor';

interface DemoItem {
  key: string;
  goal: number;
  title: string;
  description: string;
  owner: Lead;
  sponsor: Official;
  /** Due on the last business day of this plan month (1-based), at 17:00 city time. */
  dueMonth: number;
  status?: 'IN_PROGRESS' | 'DONE';
  percentComplete?: number;
}

const DEMO_ITEMS: DemoItem[] = [
  { key: 'g1-calendar', goal: 1, title: 'Publish the year\'s community engagement calendar', description: 'Dates, places and childcare for every session, in print and online.', owner: 'engagement', sponsor: 'cityManager', dueMonth: 1, status: 'IN_PROGRESS', percentComplete: 40 },
  { key: 'g1-business-listening', goal: 1, title: 'Joint CPD and business-district listening session', description: 'A session hosted with the business district liaison; notes published within two weeks.', owner: 'business', sponsor: 'cityManager', dueMonth: 3 },
  { key: 'g2-call-records', goal: 2, title: 'Collect 12 months of "suspicious person" call records', description: 'Call type, disposition and the caller\'s stated reason, with personal data removed.', owner: 'dispatch', sponsor: 'policeChief', dueMonth: 2 },
  { key: 'g2-outside-review', goal: 2, title: 'Outside review of the call-taking script for bias', description: 'An independent reviewer compares the script and the sample against written criteria.', owner: 'dispatch', sponsor: 'policeChief', dueMonth: 5 },
  { key: 'g2-findings', goal: 2, title: 'Publish the audit findings and any policy change', description: 'Findings, the changed policy (if any) and the training that follows.', owner: 'dispatch', sponsor: 'cityManager', dueMonth: 9 },
  { key: 'g3-survey-design', goal: 3, title: 'Design the court-user survey with community input', description: 'Questions tested with residents who went through the court; offered in English and Spanish.', owner: 'court', sponsor: 'cityAttorney', dueMonth: 2 },
  { key: 'g4-tabletop', goal: 4, title: 'Tabletop exercise of the communications plan with the Board', description: 'Walk a simulated severity-1 incident from declaration to the after-action review.', owner: 'engagement', sponsor: 'cityManager', dueMonth: 4 },
  { key: 'g4-annual-review', goal: 4, title: 'Annual review of the Critical Incident Communications Plan', description: 'Lessons from exercises and incidents; the next policy version if anything changes.', owner: 'engagement', sponsor: 'mayor', dueMonth: 11 },
];

/** Which demo lead owns what, recognised by the organisation the roster gives them. */
const LEAD_ORGANISATIONS: Record<Lead, RegExp> = {
  engagement: /community|engagement|residents/i,
  dispatch: /police|dispatch/i,
  court: /court/i,
  business: /business/i,
};

const OFFICIAL_ROLES: Record<Official, 'CITY_MANAGER' | 'POLICE_CHIEF' | 'CITY_ATTORNEY' | 'MAYOR'> = {
  cityManager: 'CITY_MANAGER',
  policeChief: 'POLICE_CHIEF',
  cityAttorney: 'CITY_ATTORNEY',
  mayor: 'MAYOR',
};

export interface SeedPlanOptions {
  temporal?: Client;
  /** City-local "YYYY-MM-DD"; defaults to the first day of the current month in the city. */
  startDate?: string;
  config?: Pick<Config, 'TEMPORAL_TASK_QUEUE' | 'CITY_TIME_ZONE' | 'ITEM_WORKFLOW_WAKE_LEAD_SECONDS'>;
  /** Accepted for symmetry with the roster seed; people are looked up by role. */
  roster?: unknown;
  planId?: string;
}

export interface SeededPlan {
  id: string;
  created: boolean;
  itemIds: string[];
  workflowsStarted: number;
}

async function findPeople(db: Db) {
  const leads = await db.person.findMany({
    where: { active: true, roles: { has: 'STAKEHOLDER_LEAD' } },
    orderBy: { email: 'asc' },
    select: { id: true, name: true, organisation: true },
  });
  if (leads.length === 0) throw new Error('no active STAKEHOLDER_LEAD in the roster; run the roster seed first');
  const leadFor = {} as Record<Lead, string>;
  (Object.keys(LEAD_ORGANISATIONS) as Lead[]).forEach((lead, i) => {
    const match = leads.find((p) => p.organisation && LEAD_ORGANISATIONS[lead].test(p.organisation));
    leadFor[lead] = (match ?? leads[i % leads.length]).id;
  });
  const officialFor = {} as Record<Official, string>;
  for (const [key, role] of Object.entries(OFFICIAL_ROLES) as [Official, (typeof OFFICIAL_ROLES)[Official]][]) {
    const person = await db.person.findFirst({ where: { active: true, roles: { has: role } }, orderBy: { email: 'asc' }, select: { id: true } });
    if (!person) throw new Error(`no active ${role} in the roster; run the roster seed first`);
    officialFor[key] = person.id;
  }
  return { leadFor, officialFor };
}

function currentLocalMonthStart(timeZone: string): string {
  const today = localDateOf(Date.now(), timeZone);
  return formatCivilDate({ ...today, day: 1 });
}

export async function seedClaytonPlan(db: Db, options: SeedPlanOptions = {}): Promise<SeededPlan> {
  const config = options.config ?? loadConfig();
  const timeZone = config.CITY_TIME_ZONE;
  const policy = currentPolicy();
  const planId = options.planId ?? CLAYTON_PLAN_ID;
  const { leadFor, officialFor } = await findPeople(db);

  const duties: RecurringDutyV1[] = [
    {
      key: 'goal1-community-session',
      goalNumber: 1,
      title: 'Monthly community engagement session',
      description: 'Residents, business owners, CPD and the City meet; the notes and follow-ups are published.',
      cadence: 'MONTHLY',
      ownerId: leadFor.engagement,
      sponsorId: officialFor.cityManager,
      dueLocalTime: DEFAULT_DUE_LOCAL_TIME,
    },
    {
      key: 'goal3-court-survey',
      goalNumber: 3,
      title: 'Quarterly municipal court user survey',
      description: 'Run the survey for the quarter and publish the results.',
      cadence: 'QUARTERLY',
      ownerId: leadFor.court,
      sponsorId: officialFor.cityManager,
      dueLocalTime: DEFAULT_DUE_LOCAL_TIME,
    },
  ];

  const existing = await db.actionPlan.findUnique({ where: { id: planId } });
  let plan: PlanRow;
  let created = false;
  if (existing) {
    plan = existing;
  } else {
    const startDate = options.startDate ?? currentLocalMonthStart(timeZone);
    const start = parseCivilDate(startDate);
    plan = await db.$transaction(async (tx) => {
      const row = await tx.actionPlan.create({
        data: {
          id: planId,
          title: 'City of Clayton 12-month action plan',
          startDate: zonedTimeToInstant(start, { hour: 0, minute: 0 }, timeZone),
          months: 12,
          timeZone,
          workflowId: actionPlanWorkflowId(planId),
          goals: { create: CLAYTON_GOALS.map((g) => ({ id: `${planId}-goal-${g.number}`, number: g.number, title: g.title, description: g.description })) },
        },
      });
      for (const item of DEMO_ITEMS) {
        const due = addMonths(start.year, start.month, item.dueMonth - 1);
        const id = `${planId}-${item.key}`;
        await tx.actionItem.create({
          data: {
            id,
            planId,
            goalId: `${planId}-goal-${item.goal}`,
            title: item.title,
            description: item.description,
            ownerId: leadFor[item.owner],
            sponsorId: officialFor[item.sponsor],
            dueAt: zonedTimeToInstant(lastBusinessDayOfMonth(due.year, due.month), parseWallTime(DEFAULT_DUE_LOCAL_TIME), timeZone),
            status: item.status ?? 'NOT_STARTED',
            percentComplete: item.percentComplete ?? 0,
            workflowId: actionItemWorkflowId(id),
          },
        });
      }
      await appendAudit(tx, {
        actorLabel: 'seed',
        action: 'plan.created',
        entityType: 'ActionPlan',
        entityId: planId,
        planId,
        data: { title: row.title, startDate, months: 12, goals: CLAYTON_GOALS.length, items: DEMO_ITEMS.length, duties: duties.map((d) => d.key) },
      });
      return row;
    });
    created = true;
  }

  const items = await db.actionItem.findMany({
    where: { planId, recurrenceKey: null, id: { in: DEMO_ITEMS.map((i) => `${planId}-${i.key}`) } },
    include: { owner: { select: { name: true } }, goal: { select: { title: true } } },
    orderBy: { dueAt: 'asc' },
  });

  let workflowsStarted = 0;
  if (options.temporal && plan.status === 'ACTIVE') {
    const deps = { db, temporal: options.temporal, config };
    if ((await startPlanWorkflow(deps, planWorkflowInput(plan, policy, duties))) === 'started') workflowsStarted += 1;
    const started = [];
    for (const item of items) {
      if (item.status === 'DONE') continue;
      if ((await startItemWorkflow(deps, itemWorkflowInput(item, plan, policy))) === 'started') started.push(item);
    }
    await announceItems(deps, plan, started);
    workflowsStarted += started.length;
  }
  return { id: planId, created, itemIds: items.map((i) => i.id), workflowsStarted };
}
