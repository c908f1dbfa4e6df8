// The action plan on the whole running system: the real Temporal dev server
// (Schedules included), PostgreSQL, the worker with the real workflows and
// activities, SMTP to the mail sink and the Twilio-shaped SMS sink.
import { hashToken, signLinkToken } from '../../lib/crypto';
import type { RoleKey } from '../../scripts/seed-roster';
import { recurringDutyScheduleId } from '../../domain/ids';
import { itemShortCode } from '../../domain/itemCode';
import { currentPolicy } from '../../policy/index';
import { CLAYTON_PLAN_ID, seedClaytonPlan } from '../../scripts/seed-plan';
import { itemWorkflowInput, startItemWorkflow } from '../../services/planService';
import { formatCivilDate, localDateOf } from '../../domain/time/cityTime';
import { startTestSystem, type TestSystem } from '../harness/app';
import { apiCaller } from '../harness/http';
import { eventually } from '../harness/eventually';

let sys: TestSystem;
/** Any 5xx seen by any request: none is acceptable for these scenarios. */
const serverErrors: string[] = [];
const CHICAGO = 'America/Chicago';

const call = apiCaller(() => sys.request, { serverErrors });

const inDays = (days: number) => formatCivilDate(localDateOf(Date.now() + days * 86_400_000, CHICAGO));

beforeAll(async () => {
  sys = await startTestSystem();
}, 120_000);

afterAll(async () => {
  await sys?.stop();
});

afterEach(() => {
  expect(serverErrors).toEqual([]);
});

describe('the Clayton plan seed and its recurring duties', () => {
  it('seeds four goals, demo items owned by stakeholder leads and running workflows; running it again changes nothing', async () => {
    const startDate = formatCivilDate({ ...localDateOf(Date.now(), CHICAGO), day: 1 });
    const first = await seedClaytonPlan(sys.db, { temporal: sys.temporal, config: sys.config, startDate });
    expect(first).toMatchObject({ id: CLAYTON_PLAN_ID, created: true });
    expect(first.itemIds).toHaveLength(8);
    const again = await seedClaytonPlan(sys.db, { temporal: sys.temporal, config: sys.config });
    expect(again).toMatchObject({ id: CLAYTON_PLAN_ID, created: false, workflowsStarted: 0, itemIds: first.itemIds });

    const goals = await sys.db.goal.findMany({ where: { planId: CLAYTON_PLAN_ID }, orderBy: { number: 'asc' } });
    expect(goals.map((g) => g.number)).toEqual([1, 2, 3, 4]);
    expect(goals[1].title).toMatch(/suspicious person/);
    const items = await sys.db.actionItem.findMany({ where: { id: { in: first.itemIds } }, include: { owner: true } });
    expect(items.every((i) => i.owner.roles.includes('STAKEHOLDER_LEAD'))).toBe(true);
    for (const item of items) {
      const description = await sys.temporal.workflow.getHandle(item.workflowId).describe();
      expect({ id: item.id, status: description.status.name }).toEqual({ id: item.id, status: 'RUNNING' });
    }
    const plan = await sys.temporal.workflow.getHandle(`action-plan-${CLAYTON_PLAN_ID}`).describe();
    expect(plan.status.name).toBe('RUNNING');
  });

  it('runs the Goal 1 session and Goal 3 survey as Schedules in America/Chicago; each period gets exactly one item, even when a schedule fires twice', async () => {
    const today = localDateOf(Date.now(), CHICAGO);
    const monthKey = `goal1-community-session:${formatCivilDate(today).slice(0, 7)}`;
    const quarterKey = `goal3-court-survey:${today.year}-Q${Math.floor((today.month - 1) / 3) + 1}`;

    const session = sys.temporal.schedule.getHandle(recurringDutyScheduleId(CLAYTON_PLAN_ID, 'goal1-community-session'));
    const survey = sys.temporal.schedule.getHandle(recurringDutyScheduleId(CLAYTON_PLAN_ID, 'goal3-court-survey'));
    // The plan workflow creates the schedules in an activity, after the seed has returned.
    const described = (handle: typeof session, what: string) => eventually(() => handle.describe().catch(() => undefined), what);
    const sessionSpec = (await described(session, 'the session schedule')).spec;
    expect(sessionSpec.timezone).toBe(CHICAGO);
    expect(sessionSpec.calendars?.[0]).toMatchObject({ dayOfMonth: [{ start: 1, end: 1, step: 1 }], hour: [{ start: 9, end: 9, step: 1 }] });
    const surveyMonths = (await described(survey, 'the survey schedule')).spec.calendars?.[0].month;
    expect(surveyMonths).toEqual(['JANUARY', 'APRIL', 'JULY', 'OCTOBER'].map((m) => ({ start: m, end: m, step: 1 })));

    // Created on the schedule's immediate first fire.
    await eventually(() => sys.db.actionItem.findUnique({ where: { recurrenceKey: monthKey } }), 'the monthly session item');
    await eventually(() => sys.db.actionItem.findUnique({ where: { recurrenceKey: quarterKey } }), 'the quarterly survey item');

    // A second fire for the same period: the run completes, but no second item.
    // The first run must have finished, or the schedule's default overlap policy (skip) drops the trigger.
    await eventually(async () => (await session.describe()).info.runningActions.length === 0, 'the first fire to finish');
    const { recentActions } = (await session.describe()).info;
    // A run's workflow id ends in its fire time to the second, so a second fire within the same second would be refused as a duplicate.
    const firstFire = Math.max(...recentActions.map((a) => Math.max(a.scheduledAt.getTime(), a.takenAt.getTime())));
    await new Promise((r) => setTimeout(r, Math.max(0, Math.floor(firstFire / 1000) * 1000 + 1_050 - Date.now())));
    const runsBefore = recentActions.length;
    await session.trigger();
    await eventually(async () => (await session.describe()).info.recentActions.length > runsBefore && true, 'the second fire');
    const secondRun = (await session.describe()).info.recentActions.at(-1)!.action.workflow.workflowId;
    const result = await sys.temporal.workflow.getHandle(secondRun).result();
    expect(result).toMatchObject({ recurrenceKey: monthKey, created: false, workflowStarted: false });
    expect(await sys.db.actionItem.count({ where: { recurrenceKey: { startsWith: 'goal1-community-session:' } } })).toBe(1);

    const dutyItem = await sys.db.actionItem.findUniqueOrThrow({ where: { recurrenceKey: monthKey } });
    expect((await sys.temporal.workflow.getHandle(dutyItem.workflowId).describe()).status.name).toBe('RUNNING');
  });

  it('publishes nothing private: the public record has goals and only published snapshots', async () => {
    const res = await call('GET', `/api/public/plans/${CLAYTON_PLAN_ID}`);
    expect(res.status).toBe(200);
    expect(res.json.goals).toHaveLength(4);
    expect(res.json.snapshots).toEqual([]);
    expect(res.json.finalReport).toBeNull();
    expect(res.text).not.toMatch(/@example\.org|\+1314/);
    const list = await call('GET', '/api/public/plans');
    expect(list.json.plans.map((p: { id: string }) => p.id)).toContain(CLAYTON_PLAN_ID);
    expect((await call('GET', '/api/public/plans/no-such-plan')).status).toBe(404);
  });
});

describe('managing a plan through the API', () => {
  let planId: string;
  let itemId: string;
  const people = () => sys.roster.people;

  it('the city manager creates a plan (202 + Location); bad input names the field', async () => {
    const bad = await call('POST', '/api/plans', { as: 'CITY_MANAGER', json: { title: 'x', startDate: '2027-02-30', goals: [] } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.field).toBe('startDate');
    const badZone = await call('POST', '/api/plans', { as: 'CITY_MANAGER', json: { title: 'x', startDate: '2027-02-01', timeZone: 'Mars/Base' } });
    expect(badZone.json.error.field).toBe('timeZone');

    const res = await call('POST', '/api/plans', {
      as: 'CITY_MANAGER',
      json: { title: 'Integration plan', startDate: inDays(0), months: 12, goals: [{ number: 1, title: 'Engagement' }, { number: 3, title: 'Court survey' }] },
    });
    expect(res.status).toBe(202);
    planId = res.json.id;
    expect(res.headers.get('location')).toBe(`/api/plans/${planId}`);
    const state = await eventually(async () => {
      try {
        return await sys.temporal.workflow.getHandle(`action-plan-${planId}`).query('planState');
      } catch {
        return undefined;
      }
    }, 'plan workflow state');
    expect(state).toMatchObject({ status: 'ACTIVE', monthsCompleted: 0 });
    expect((await call('GET', `/api/plans/${planId}`, { as: 'ALDERMAN' })).json.goals.map((g: any) => g.number)).toEqual([1, 3]);
  });

  it('adds an item (workflow started under its business id); rejects unknown people, self-sponsoring and past due dates', async () => {
    const base = { goalNumber: 1, title: 'Community listening session', ownerId: people().engagementLead.id, sponsorId: people().cityManager.id, dueAt: inDays(40) };
    // 400: the request does not match the document; 422: it does, but breaks a rule only the data knows.
    for (const [patch, field, status] of [
      [{ ownerId: 'nobody' }, 'ownerId', 422],
      [{ sponsorId: people().engagementLead.id }, 'sponsorId', 422],
      [{ dueAt: '2020-01-01' }, 'dueAt', 422],
      [{ dueAt: 'next tuesday' }, 'dueAt', 400],
      [{ goalNumber: 2 }, 'goalNumber', 422],
      [{ title: '   ' }, 'title', 400],
    ] as const) {
      const res = await call('POST', `/api/plans/${planId}/items`, { as: 'CITY_MANAGER', json: { ...base, ...patch } });
      expect({ patch, status: res.status, field: res.json.error.field }).toEqual({ patch, status, field });
    }
    expect(await sys.db.actionItem.count({ where: { planId } })).toBe(0);

    const res = await call('POST', `/api/plans/${planId}/items`, { as: 'CITY_MANAGER', json: base });
    expect(res.status).toBe(202);
    itemId = res.json.id;
    expect(res.headers.get('location')).toBe(`/api/plans/${planId}/items/${itemId}`);
    expect(res.json).toMatchObject({ status: 'NOT_STARTED', owner: { id: people().engagementLead.id }, workflowId: `action-item-${itemId}` });
    // 17:00 city time on the given date.
    expect(new Intl.DateTimeFormat('en-US', { timeZone: CHICAGO, hour: 'numeric', hour12: false }).format(new Date(res.json.dueAt))).toBe('17');
    // Its first reminder is weeks away: the workflow sleeps on a server timer until a day before it.
    const detail = await call('GET', `/api/plans/${planId}/items/${itemId}`, { as: 'PIO' });
    expect(detail.json.live).toBeNull();
    expect(detail.json.asleep.nextEvent).toMatchObject({ stepKey: 'reminder-14d', kind: 'REMINDER' });
    // (the server's clock starts the delay the API computed, so the two agree to within the start's round trip)
    const wakesBeforeReminderMs = Date.parse(detail.json.asleep.nextEvent.at) - Date.parse(detail.json.asleep.wakesAt);
    expect(Math.abs(wakesBeforeReminderMs - sys.config.ITEM_WORKFLOW_WAKE_LEAD_SECONDS * 1000)).toBeLessThan(2000);
  });

  it('owners post progress on their own items; others may not; BLOCKED tells the sponsor by email at once', async () => {
    // A second stakeholder lead with a token of their own.
    await sys.db.apiToken.create({ data: { tokenHash: hashToken('plan-test-dispatch-lead'), personId: people().dispatchLead.id, label: 'plan test' } });
    const other = await call('POST', `/api/plans/${planId}/items/${itemId}/progress`, { token: 'plan-test-dispatch-lead', json: { note: 'not mine', percentComplete: 10 } });
    expect(other.status).toBe(403);
    const mayor = await call('POST', `/api/plans/${planId}/items/${itemId}/progress`, { as: 'MAYOR', json: { note: 'x', percentComplete: 10 } });
    expect(mayor.status).toBe(403);
    const badPercent = await call('POST', `/api/plans/${planId}/items/${itemId}/progress`, { as: 'STAKEHOLDER_LEAD', json: { note: 'x', percentComplete: 101 } });
    expect(badPercent.json.error.field).toBe('percentComplete');

    const ok = await call('POST', `/api/plans/${planId}/items/${itemId}/progress`, { as: 'STAKEHOLDER_LEAD', json: { note: 'Venue booked', percentComplete: 40 } });
    expect(ok.status).toBe(200);
    // Acting on a sleeping item runs its workflow at once; from then on it answers for itself.
    const woken = await call('GET', `/api/plans/${planId}/items/${itemId}`, { as: 'PIO' });
    expect(woken.json).toMatchObject({ asleep: null, live: { percentComplete: 40, nextEvent: { stepKey: 'reminder-14d' } } });
    expect(ok.json).toMatchObject({ status: 'IN_PROGRESS', percentComplete: 40 });
    const row = await sys.db.actionItem.findUniqueOrThrow({ where: { id: itemId } });
    expect(row).toMatchObject({ status: 'IN_PROGRESS', percentComplete: 40 });
    expect(await sys.db.progressUpdate.findMany({ where: { itemId } })).toEqual([expect.objectContaining({ note: 'Venue booked', via: 'API', authorId: people().engagementLead.id })]);

    sys.sinks.mail.clear();
    const blocked = await call('POST', `/api/plans/${planId}/items/${itemId}/status`, { as: 'STAKEHOLDER_LEAD', json: { status: 'BLOCKED', note: 'The venue cancelled' } });
    expect(blocked.json.status).toBe('BLOCKED');
    // Sent before the update answered (the sink may still be storing it).
    const toSponsor = await eventually(async () => {
      const found = sys.sinks.mail.messages().filter((m) => m.to.some((t) => t.includes(people().cityManager.email)) && /^Blocked:/.test(m.subject));
      return found.length > 0 && found;
    }, 'the blocked email', 2_000);
    expect(toSponsor).toHaveLength(1);
    expect(toSponsor[0].text).toContain('The venue cancelled');
  });

  it('a reschedule needs a reason and the sponsor; approval moves the due date and the ladder', async () => {
    const path = `/api/plans/${planId}/items/${itemId}/reschedules`;
    const noReason = await call('POST', path, { as: 'STAKEHOLDER_LEAD', json: { toDueAt: inDays(70), reason: ' ' } });
    expect(noReason.json.error.field).toBe('reason');
    const req = await call('POST', path, { as: 'STAKEHOLDER_LEAD', json: { toDueAt: inDays(70), reason: 'Venue cancelled; new one free in two months' } });
    expect(req.status).toBe(201);
    const { requestId } = req.json;
    // Refused by the item's workflow, under the code pages word it by (common conflicts.reschedule_pending).
    const again = await call('POST', path, { as: 'STAKEHOLDER_LEAD', json: { toDueAt: inDays(80), reason: 'again' } });
    expect(again).toMatchObject({ status: 409, json: { error: { code: 'reschedule_pending' } } });

    const decision = `${path}/${requestId}/decision`;
    expect((await call('POST', decision, { as: 'STAKEHOLDER_LEAD', json: { decision: 'APPROVE' } })).status).toBe(403);
    expect((await call('POST', decision, { as: 'MAYOR', json: { decision: 'APPROVE' } })).status).toBe(403);
    expect((await call('POST', `${path}/nope/decision`, { as: 'CITY_MANAGER', json: { decision: 'APPROVE' } })).status).toBe(404);
    const approved = await call('POST', decision, { as: 'CITY_MANAGER', json: { decision: 'APPROVE', note: 'Fine' } });
    expect(approved.status).toBe(200);
    expect(approved.json.reschedulesApproved).toBe(1);
    const row = await sys.db.actionItem.findUniqueOrThrow({ where: { id: itemId } });
    expect(formatCivilDate(localDateOf(row.dueAt, CHICAGO))).toBe(inDays(70));
    expect(approved.json.dueAt).toBe(row.dueAt.toISOString());
    expect(await sys.db.rescheduleRequest.findUniqueOrThrow({ where: { id: requestId } })).toMatchObject({ status: 'APPROVED', decidedById: people().cityManager.id });
    expect(await call('POST', decision, { as: 'CITY_MANAGER', json: { decision: 'REJECT' } })).toMatchObject({ status: 409, json: { error: { code: 'already_decided' } } });
  });

  it('serves the dashboard and "my items", and completing stops the workflow', async () => {
    const dash = await call('GET', `/api/plans/${planId}/dashboard`, { as: 'MAYOR' });
    expect(dash.status).toBe(200);
    expect(dash.json.current.totals).toMatchObject({ items: 1, blocked: 1 });
    expect(dash.json.history).toEqual([]);
    expect(dash.json.live).toMatchObject({ monthsCompleted: 0 });

    const mine = await call('GET', '/api/me/items', { as: 'STAKEHOLDER_LEAD' });
    expect(mine.json.items.map((i: any) => i.id)).toContain(itemId);
    const sponsored = await call('GET', '/api/me/items', { as: 'CITY_MANAGER' });
    expect(sponsored.json.sponsored.map((i: any) => i.id)).toContain(itemId);

    const done = await call('POST', `/api/plans/${planId}/items/${itemId}/complete`, { as: 'STAKEHOLDER_LEAD', json: { note: 'Held on the new date' } });
    expect(done.json).toMatchObject({ status: 'DONE', percentComplete: 100, nextEvent: null });
    await eventually(async () => (await sys.temporal.workflow.getHandle(`action-item-${itemId}`).describe()).status.name === 'COMPLETED', 'the item workflow to complete');
    expect((await call('POST', `/api/plans/${planId}/items/${itemId}/complete`, { as: 'STAKEHOLDER_LEAD', json: {} })).status).toBe(409);
    expect((await sys.db.actionItem.findUniqueOrThrow({ where: { id: itemId } })).completedAt).not.toBeNull();
  });

  it('imports CSV all-or-nothing, naming every bad row by line and field; exports CSV and JSON', async () => {
    const before = await sys.db.actionItem.count({ where: { planId } });
    const badCsv = [
      'goal,title,description,owner_email,sponsor_email,due_date',
      `1,Good row,,engagement.lead@example.org,city.manager@example.org,${inDays(30)}`,
      `1,Unknown owner,,nobody@example.org,city.manager@example.org,2020-01-01`,
      `9,,"multi-line`,
      `description",court.lead@example.org,court.lead@example.org,not-a-date`,
    ].join('\n');
    const bad = await call('POST', `/api/plans/${planId}/items/import`, { as: 'CITY_MANAGER', body: badCsv, headers: { 'content-type': 'text/csv' } });
    // Any text is a CSV file to the document; what its rows break is refused with 422.
    expect(bad.status).toBe(422);
    expect(bad.json.error.details.map((d: any) => d.field)).toEqual([
      'line 3.owner_email',
      'line 3.due_date',
      'line 4.goal',
      'line 4.title',
      'line 4.sponsor_email',
      'line 4.due_date',
    ]);
    expect(await sys.db.actionItem.count({ where: { planId } })).toBe(before);

    const goodCsv = [
      'goal,title,description,owner_email,sponsor_email,due_date,ignored',
      `1,"Session notes, published",Within two weeks,Engagement.Lead@example.org,city.manager@example.org,${inDays(30)},x`,
      `3,Survey translation,,court.lead@example.org,city.attorney@example.org,${inDays(45)}T12:00:00-05:00,`,
    ].join('\r\n');
    const good = await call('POST', `/api/plans/${planId}/items/import`, { as: 'CITY_MANAGER', body: goodCsv, headers: { 'content-type': 'text/csv' } });
    expect(good.status).toBe(202);
    expect(good.json.imported).toBe(2);
    for (const item of good.json.items) {
      expect((await sys.temporal.workflow.getHandle(item.workflowId).describe()).status.name).toBe('RUNNING');
    }
    expect((await call('POST', `/api/plans/${planId}/items/import`, { as: 'CITY_MANAGER', json: { csv: goodCsv } })).status).toBe(415);
    expect((await call('POST', `/api/plans/${planId}/items/import`, { as: 'PIO', body: goodCsv, headers: { 'content-type': 'text/csv' } })).status).toBe(403);

    const csv = await call('GET', `/api/plans/${planId}/items.csv`, { as: 'CITY_MANAGER' });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.text).toContain('"Session notes, published"');
    expect(csv.text.split('\r\n')[0]).toBe('goal,title,description,owner_email,sponsor_email,due_date,id,due_at,owner_name,sponsor_name,status,percent_complete,completed_at,recurrence_key');
    // Those who do not manage the plan get people by name and organisation, not their email addresses.
    const forLead = await call('GET', `/api/plans/${planId}/items.csv`, { as: 'STAKEHOLDER_LEAD' });
    expect(forLead.text.split('\r\n')[0]).toBe('goal,title,description,due_date,id,due_at,owner_name,owner_organisation,sponsor_name,sponsor_organisation,status,percent_complete,completed_at,recurrence_key');
    expect(forLead.text).not.toContain('@example.org');
    const json = await call('GET', `/api/plans/${planId}/items.json`, { as: 'STAKEHOLDER_LEAD' });
    expect(json.json.items).toHaveLength(before + 2);

    // The export reads back in as no change: its rows carry the items' ids.
    const reimport = await call('POST', `/api/plans/${planId}/items/import`, { as: 'CITY_MANAGER', body: csv.text, headers: { 'content-type': 'text/csv' } });
    expect(reimport.status).toBe(202);
    expect(reimport.json).toMatchObject({ imported: 0, updated: 0, unchanged: before + 2 });
    expect(await sys.db.actionItem.count({ where: { planId } })).toBe(before + 2);
  });
});

describe('owners act without signing in', () => {
  let planId: string;

  beforeAll(async () => {
    const res = await call('POST', '/api/plans', { as: 'CITY_MANAGER', json: { title: 'Link plan', startDate: inDays(0), goals: [{ number: 1, title: 'Engagement' }] } });
    planId = res.json.id;
  });

  it('a reminder email carries a signed progress link; the page is a labelled form that posts progress', async () => {
    const owner = sys.roster.people.businessLead;
    const goal = await sys.db.goal.findFirstOrThrow({ where: { planId } });
    const plan = await sys.db.actionPlan.findUniqueOrThrow({ where: { id: planId } });
    // A short test ladder: one reminder 2 seconds after the start.
    const dueAt = new Date(Date.now() + 5_000 + 86_400_000);
    const id = `link-item-${Date.now()}`;
    const item = await sys.db.actionItem.create({
      data: { id, planId, goalId: goal.id, title: 'Business district walk', ownerId: owner.id, sponsorId: sys.roster.people.cityManager.id, dueAt, workflowId: `action-item-${id}` },
      include: { owner: true, goal: true },
    });
    const ladder = { reminderLocalTime: '09:00', reminders: [{ key: 'soon', secondsBefore: 86_400 }], overdue: [] };
    await startItemWorkflow({ db: sys.db, temporal: sys.temporal, config: sys.config }, itemWorkflowInput(item, plan, currentPolicy(), ladder));

    const email = await eventually(
      async () => sys.sinks.mail.messages().find((m) => m.to.some((t) => t.includes(owner.email)) && /^Reminder: Business district walk/.test(m.subject)),
      'the reminder email',
    );
    const link = /https?:\/\/[^\s"<>]+\/progress\/[A-Za-z0-9._~-]+/.exec(email.text ?? '')?.[0];
    expect(link).toBeDefined();
    const path = new URL(link!).pathname;
    const sms = await eventually(async () => sys.sinks.sms.messages().find((m) => m.to === owner.phone && /Reminder/.test(m.body)), 'the reminder SMS');
    expect(sms.body).toContain('/progress/');
    expect(sms.body).toContain(`Reply DONE ${itemShortCode(item.id)}`);

    const page = await call('GET', path);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.text).toContain('<label for="percentComplete">');
    expect(page.text).toContain('<label for="note">');
    expect(page.text).toContain('Business district walk');

    const invalid = await call('POST', path, { body: 'percentComplete=150&status=IN_PROGRESS&note=', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(invalid.status).toBe(400);
    expect(invalid.text).toContain('aria-invalid="true"');
    expect(invalid.text).toContain('Enter a whole number from 0 to 100');
    expect(await sys.db.progressUpdate.count({ where: { itemId: item.id } })).toBe(0);

    const posted = await call('POST', path, { body: 'percentComplete=30&status=IN_PROGRESS&note=Route+agreed+with+CPD', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(posted.status).toBe(200);
    expect(posted.text).toContain('30% complete');
    expect(await sys.db.progressUpdate.findMany({ where: { itemId: item.id } })).toEqual([
      expect.objectContaining({ via: 'EMAIL_LINK', percentComplete: 30, note: 'Route agreed with CPD', authorId: owner.id }),
    ]);

    // The link has acted: using it again answers a page and changes nothing.
    const again = await call('POST', path, { body: 'percentComplete=40&status=IN_PROGRESS&note=Again', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(again.status).toBe(410);
    expect(again.text).toContain('already used');
    expect((await call('GET', path)).status).toBe(410);
    expect(await sys.db.progressUpdate.count({ where: { itemId: item.id } })).toBe(1);
  });

  it('expired and forged links get a page saying so, never a 5xx', async () => {
    const owner = sys.roster.people.businessLead;
    const expired = signLinkToken({ p: 'progress', itemId: 'x', personId: owner.id }, 60, sys.config.LINK_SIGNING_SECRET, new Date(Date.now() - 3_600_000));
    expect((await call('GET', `/progress/${expired}`)).status).toBe(410);
    expect((await call('GET', '/progress/not-a-token')).status).toBe(400);
    const wrongPurpose = signLinkToken({ p: 'ack', itemId: 'x', personId: owner.id }, 60, sys.config.LINK_SIGNING_SECRET);
    expect((await call('GET', `/progress/${wrongPurpose}`)).status).toBe(400);
    const unknownItem = signLinkToken({ p: 'progress', itemId: 'nope', personId: owner.id }, 60, sys.config.LINK_SIGNING_SECRET);
    expect((await call('GET', `/progress/${unknownItem}`)).status).toBe(404);
  });

  it('an SMS reply "PROGRESS <code> 50 met with ECDC" posts progress on that item; "DONE <code>" completes it; without a code nothing changes', async () => {
    const owner = sys.roster.people.businessLead;
    const item = await sys.db.actionItem.findFirstOrThrow({ where: { planId, ownerId: owner.id, status: { not: 'DONE' } } });
    const code = itemShortCode(item.id);
    const unclear = await sys.sinks.sms.reply({ from: owner.phone!, body: '50 met with ECDC' });
    expect(unclear.body).toContain('nothing was changed');
    expect(unclear.body).toContain(code);
    expect(await sys.db.progressUpdate.count({ where: { itemId: item.id, via: 'SMS' } })).toBe(0);
    expect((await sys.sinks.sms.reply({ from: owner.phone!, body: 'DONE' })).body).toContain('nothing was changed');

    const answer = await sys.sinks.sms.reply({ from: owner.phone!, body: `PROGRESS ${code} 50 met with ECDC` });
    expect(answer.httpStatus).toBe(200);
    expect(answer.body).toContain('50% complete');
    expect(await sys.db.actionItem.findUniqueOrThrow({ where: { id: item.id } })).toMatchObject({ percentComplete: 50, status: 'IN_PROGRESS' });
    expect(await sys.db.progressUpdate.findFirst({ where: { itemId: item.id, via: 'SMS' } })).toMatchObject({ note: 'met with ECDC', percentComplete: 50 });

    const done = await sys.sinks.sms.reply({ from: owner.phone!, body: `done ${code.toLowerCase()}` });
    expect(done.body).toContain('marked done');
    expect(await sys.db.actionItem.findUniqueOrThrow({ where: { id: item.id } })).toMatchObject({ status: 'DONE', percentComplete: 100 });

    const byText = await sys.db.progressUpdate.count({ where: { itemId: item.id, via: 'SMS' } });
    const stranger = await sys.sinks.sms.reply({ from: '+13145559876', body: `PROGRESS ${code} 20 started` });
    expect(stranger.body).toContain('not registered');
    expect(await sys.db.progressUpdate.count({ where: { itemId: item.id, via: 'SMS' } })).toBe(byText);
  });
});
