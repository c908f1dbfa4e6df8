// Goal 1's engagement sessions on the whole system (Temporal dev server,
// PostgreSQL, the mail sink, the worker and the API): the engagement lead
// schedules a session; a Spanish ENGAGEMENT_SESSIONS subscriber hears of it
// at once and again a day before, in Spanish; bad input names the field;
// attendance is only taken once the session has started, by group, counts
// only; a follow-up becomes a real action item with its workflow; the public
// API, page, calendar feed and plan dashboard show it all without the staff's
// notes; and a cancelled session stops its reminders.
import { startTestSystem, type TestSystem } from '../harness/app';
import { eventually } from '../harness/eventually';
import { parseIcs } from '../harness/feeds';
import { apiCaller } from '../harness/http';
import { updateSession } from '../../services/engagementSessions';

let sys: TestSystem;
const call = apiCaller(() => sys.request);

beforeAll(async () => {
  sys = await startTestSystem();
}, 120_000);

afterAll(async () => {
  await sys?.stop();
});

const SUBSCRIBER = 'vecina.sesiones@example.net';
const PRIVATE_NOTES = 'Private note: two residents asked about officer names.';
const iso = (msFromNow: number) => new Date(Date.now() + msFromNow).toISOString();
const DAY = 86_400_000;
const mailTo = (address: string) => sys.sinks.mail.messages().filter((m) => m.envelope.to.includes(address));

let planId = '';
let upcomingId = '';
let startedId = '';
let followUpId = '';

const sessionBody = (over: Record<string, unknown> = {}) => ({
  title: 'Community conversation: policing downtown',
  description: 'An open conversation with the Police Chief and the City Manager.',
  startsAt: iso(DAY + 6_000),
  endsAt: iso(DAY + 6_000 + 2 * 3_600_000),
  place: 'Clayton Center, 50 Gay Ave',
  languages: ['en', 'es'],
  accessibilityNotes: 'Step-free entrance; ASL interpretation on request.',
  ...over,
});

describe('engagement sessions on the running system', () => {
  beforeAll(async () => {
    const plan = await call('POST', '/api/plans', { as: 'CITY_MANAGER', json: { title: 'Sessions plan', startDate: iso(0).slice(0, 10), goals: [{ number: 1, title: 'Engagement' }] } });
    expect(plan.status).toBe(202);
    planId = plan.json.id;
    // A resident who confirmed sessions by email, in Spanish.
    await sys.db.subscription.create({
      data: { channel: 'EMAIL', address: SUBSCRIBER, language: 'es', status: 'ACTIVE', confirmedAt: new Date(Date.now() - 60_000), topics: { create: [{ topic: 'ENGAGEMENT_SESSIONS', scope: '' }] } },
    });
  });

  it('refuses anyone but the schedulers the policy names, and bad input naming the field', async () => {
    expect((await call('POST', `/api/plans/${planId}/sessions`, { json: sessionBody() })).status).toBe(401);
    for (const role of ['PIO', 'MAYOR', 'POLICE_CHIEF', 'COURT_CLERK'] as const) {
      expect((await call('POST', `/api/plans/${planId}/sessions`, { as: role, json: sessionBody() })).status).toBe(403);
    }
    const refused = async (over: Record<string, unknown>, status: number, field: string) => {
      const res = await call('POST', `/api/plans/${planId}/sessions`, { as: 'STAKEHOLDER_LEAD', json: sessionBody(over) });
      expect({ status: res.status, field: res.json?.error?.field }).toEqual({ status, field });
    };
    await refused({ onlineUrl: 'http://meet.example.org/clayton' }, 422, 'onlineUrl');
    await refused({ onlineUrl: 'ftp://files.example.org/x' }, 422, 'onlineUrl');
    await refused({ endsAt: iso(DAY - 3_600_000) }, 422, 'endsAt');
    await refused({ startsAt: iso(-3_600_000), endsAt: iso(3_600_000) }, 422, 'startsAt');
    await refused({ place: undefined }, 422, 'place');
    await refused({ languages: ['en', 'en'] }, 422, 'languages');
    await refused({ languages: ['xx'] }, 400, 'languages.0');
    await refused({ startsAt: 'next Tuesday' }, 400, 'startsAt');
    await refused({ unknown: true }, 400, 'body');
    expect(await sys.db.engagementSession.count()).toBe(0);
  });

  it('the engagement lead schedules a session: the Spanish subscriber is told at once, and again a day before, in Spanish', async () => {
    const res = await call('POST', `/api/plans/${planId}/sessions`, { as: 'STAKEHOLDER_LEAD', json: sessionBody() });
    expect(res.status).toBe(201);
    upcomingId = res.json.id;
    expect(res.headers.get('location')).toBe(`/api/sessions/${upcomingId}`);
    expect(res.json).toMatchObject({ status: 'SCHEDULED', languages: ['en', 'es'], place: 'Clayton Center, 50 Gay Ave' });

    const announced = await eventually(async () => mailTo(SUBSCRIBER).find((m) => m.subject.startsWith('Nueva sesión: Community conversation')), 'the announcement');
    expect(announced.text).toContain('Lugar: Clayton Center, 50 Gay Ave');
    expect(announced.text).toContain('Accesibilidad: Step-free entrance');
    expect(announced.text).toContain(`/sessions#session-${upcomingId}`);
    // The 7-day reminder had passed when it was scheduled; the 1-day one falls 6 seconds later.
    const reminder = await eventually(async () => mailTo(SUBSCRIBER).find((m) => m.subject.startsWith('Próximamente: Community conversation')), 'the day-before reminder', 30_000);
    expect(reminder.text).toContain('Le invitamos: Community conversation');
    expect(mailTo(SUBSCRIBER)).toHaveLength(2);
    const rows = await sys.db.notification.findMany({ where: { purpose: 'public.session-upcoming' } });
    expect(new Set(rows.map((r) => r.idempotencyKey)).size).toBe(rows.length);
  });

  it('attendance is refused before the session starts (409), and follow-ups before it is held', async () => {
    const early = await call('POST', `/api/sessions/${upcomingId}/attendance`, { as: 'STAKEHOLDER_LEAD', json: { counts: [{ group: 'RESIDENTS', count: 4 }] } });
    expect(early.status).toBe(409);
    const followUp = await call('POST', `/api/sessions/${upcomingId}/follow-ups`, {
      as: 'STAKEHOLDER_LEAD',
      json: { goalNumber: 1, title: 'Too early', ownerId: sys.roster.people.engagementLead.id, sponsorId: sys.roster.people.cityManager.id, dueAt: iso(30 * DAY) },
    });
    expect(followUp.status).toBe(409);
  });

  it('records attendance by group once the session has started, checking every count', async () => {
    const res = await call('POST', `/api/plans/${planId}/sessions`, {
      as: 'CITY_MANAGER',
      json: sessionBody({ title: 'Business district listening session', startsAt: iso(1_500), endsAt: iso(3_600_000), place: undefined, onlineUrl: 'https://meet.example.org/clayton-business' }),
    });
    expect(res.status).toBe(201);
    startedId = res.json.id;
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    const refused = async (json: unknown, status: number, field: string) => {
      const answer = await call('POST', `/api/sessions/${startedId}/attendance`, { as: 'STAKEHOLDER_LEAD', json });
      expect({ status: answer.status, field: answer.json?.error?.field }).toEqual({ status, field });
    };
    await refused({ counts: [{ group: 'RESIDENTS', count: -1 }] }, 400, 'counts.0.count');
    await refused({ counts: [{ group: 'RESIDENTS', count: 2.5 }] }, 400, 'counts.0.count');
    await refused({ counts: [{ group: 'RESIDENTS', count: 3, name: 'Ana' }] }, 400, 'counts.0');
    await refused({ counts: [{ group: 'RESIDENTS', count: 3 }, { group: 'TEACHERS', count: 3 }] }, 422, 'counts.1.group');
    await refused({ counts: [{ group: 'RESIDENTS', count: 3 }, { group: 'RESIDENTS', count: 4 }] }, 422, 'counts.1.group');
    await refused({ counts: [] }, 400, 'counts');
    await refused({ counts: [{ group: 'RESIDENTS', count: 3 }], names: ['Ana'] }, 400, 'body');
    expect((await sys.db.engagementSession.findUniqueOrThrow({ where: { id: startedId } })).status).toBe('SCHEDULED');

    const recorded = await call('POST', `/api/sessions/${startedId}/attendance`, {
      as: 'STAKEHOLDER_LEAD',
      json: {
        counts: [
          { group: 'RESIDENTS', count: 21 },
          { group: 'BUSINESS_OWNERS', count: 9 },
          { group: 'POLICE_OFFICERS', count: 4 },
          { group: 'CIVIC_AND_FAITH_LEADERS', count: 2 },
        ],
        notes: PRIVATE_NOTES,
      },
    });
    expect(recorded.status).toBe(200);
    expect(recorded.json).toMatchObject({ status: 'HELD', notes: PRIVATE_NOTES, attendance: { RESIDENTS: 21, BUSINESS_OWNERS: 9, POLICE_OFFICERS: 4, CIVIC_AND_FAITH_LEADERS: 2 } });
    expect(await sys.db.auditEvent.count({ where: { action: 'session.attendance_recorded', entityId: startedId } })).toBe(1);
  });

  it('a follow-up becomes a real action item of the plan, with its workflow, linked to the session', async () => {
    const res = await call('POST', `/api/sessions/${startedId}/follow-ups`, {
      as: 'STAKEHOLDER_LEAD',
      json: { goalNumber: 1, title: 'Publish parking enforcement hours for business owners', ownerId: sys.roster.people.businessLead.id, sponsorId: sys.roster.people.cityManager.id, dueAt: iso(30 * DAY) },
    });
    expect(res.status).toBe(202);
    followUpId = res.json.id;
    expect(res.headers.get('location')).toBe(`/api/plans/${planId}/items/${followUpId}`);
    const item = await sys.db.actionItem.findUniqueOrThrow({ where: { id: followUpId } });
    expect(item).toMatchObject({ planId, engagementSessionId: startedId, title: 'Publish parking enforcement hours for business owners' });
    await eventually(async () => {
      try {
        return (await sys.temporal.workflow.getHandle(item.workflowId).describe()).status.name === 'RUNNING';
      } catch {
        return false;
      }
    }, "the item's workflow");
    const detail = await call('GET', `/api/sessions/${startedId}`, { as: 'MAYOR' });
    expect(detail.json.followUps.map((f: { id: string }) => f.id)).toEqual([followUpId]);
    const bad = await call('POST', `/api/sessions/${startedId}/follow-ups`, {
      as: 'STAKEHOLDER_LEAD',
      json: { goalNumber: 7, title: 'No such goal', ownerId: sys.roster.people.businessLead.id, sponsorId: sys.roster.people.cityManager.id, dueAt: iso(30 * DAY) },
    });
    expect({ status: bad.status, field: bad.json.error.field }).toEqual({ status: 422, field: 'goalNumber' });
  });

  it("the people a follow-up can be given to: the active ones, by name, without their addresses", async () => {
    await sys.db.person.update({ where: { id: sys.roster.people.alderman3.id }, data: { active: false } });
    try {
      const res = await call('GET', `/api/plans/${planId}/people`, { as: 'STAKEHOLDER_LEAD' });
      expect(res.status).toBe(200);
      const people = res.json.people as { id: string; name: string }[];
      expect(people.map((p) => p.id)).toEqual(expect.arrayContaining([sys.roster.people.businessLead.id, sys.roster.people.cityManager.id]));
      expect(people.map((p) => p.id)).not.toContain(sys.roster.people.alderman3.id);
      for (const person of people) expect(Object.keys(person).sort()).toEqual(['id', 'name', 'organisation', 'title']);
      expect(JSON.stringify(res.json)).not.toContain('@example.org');
      expect((await call('GET', '/api/plans/no-such-plan/people', { as: 'STAKEHOLDER_LEAD' })).status).toBe(404);
    } finally {
      await sys.db.person.update({ where: { id: sys.roster.people.alderman3.id }, data: { active: true } });
    }
  });

  it('the public API, page and plan dashboard show the sessions and the counts, never the notes', async () => {
    const api = await call('GET', '/api/public/sessions?lang=es');
    expect(api.status).toBe(200);
    expect(api.json.upcoming.map((s: { id: string }) => s.id)).toEqual([upcomingId]);
    const held = api.json.past.find((s: { id: string }) => s.id === startedId);
    expect(held.attendance.find((a: { group: string }) => a.group === 'BUSINESS_OWNERS')).toEqual({ group: 'BUSINESS_OWNERS', label: 'Dueños de negocios', count: 9 });
    expect(api.text).not.toContain(PRIVATE_NOTES);
    expect(api.text).not.toContain('notes');

    const page = await (await sys.request('/sessions?lang=es')).text();
    expect(page).toContain('Sesiones de participación comunitaria');
    expect(page).toContain('Community conversation: policing downtown');
    expect(page).toContain('Dueños de negocios');
    expect(page).not.toContain('Private note');

    const dashboard = await (await sys.request(`/plans/${planId}`)).text();
    expect(dashboard).toContain('Sessions promised by now: 0. Held: 1. Scheduled: 1.');
    expect(dashboard).toMatch(/<th scope="row">Business owners<\/th><td>9<\/td>/);
    expect(dashboard).toMatch(/<th scope="row">Residents<\/th><td>21<\/td>/);
    expect(dashboard).toContain('<svg class="chart engagement-chart"');
    expect(dashboard).not.toContain('Private note');
  });

  it('the calendar feed has the sessions as events with their times and the action items as due dates', async () => {
    const res = await sys.request('/feeds/plan.ics');
    expect(res.headers.get('content-type')).toMatch(/^text\/calendar/);
    const calendar = parseIcs(await res.text());
    const events = calendar.components.filter((c) => c.name === 'VEVENT');
    const session = events.find((e) => e.props.UID?.startsWith(`session-${upcomingId}@`));
    const upcoming = await sys.db.engagementSession.findUniqueOrThrow({ where: { id: upcomingId } });
    const icsTime = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    expect(session?.props).toMatchObject({ SUMMARY: 'Community conversation: policing downtown', DTSTART: icsTime(upcoming.startsAt), DTEND: icsTime(upcoming.endsAt), LOCATION: 'Clayton Center, 50 Gay Ave' });
    const item = events.find((e) => e.props.UID?.startsWith(`item-${followUpId}@`));
    const row = await sys.db.actionItem.findUniqueOrThrow({ where: { id: followUpId } });
    expect(item?.props).toMatchObject({ SUMMARY: 'Due: Publish parking enforcement hours for business owners (Goal 1)', DTSTART: icsTime(row.dueAt) });
    expect(JSON.stringify(calendar)).not.toContain('Private note');
  });

  it('a change whose call to the workflow fails after the signal landed is rolled back in the workflow as well as in the row', async () => {
    const res = await call('POST', `/api/plans/${planId}/sessions`, { as: 'STAKEHOLDER_LEAD', json: sessionBody({ title: 'Lost answer', startsAt: iso(5 * DAY), endsAt: iso(5 * DAY + 3_600_000) }) });
    expect(res.status).toBe(201);
    const id = res.json.id as string;
    const handle = sys.temporal.workflow.getHandle(`engagement-session-${id}`);
    await eventually(async () => (await handle.query<{ startsAt: string }>('engagementSessionState')).startsAt === res.json.startsAt, 'the workflow to run');
    // A Temporal client whose first signal-with-start lands and then reports a failure (its answer lost).
    let loseNextAnswer = true;
    const workflow = new Proxy(sys.temporal.workflow, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target);
        if (prop !== 'signalWithStart') return typeof value === 'function' ? value.bind(target) : value;
        return async (...args: Parameters<typeof target.signalWithStart>) => {
          const started = await target.signalWithStart(...args);
          if (loseNextAnswer) {
            loseNextAnswer = false;
            throw new Error('deadline exceeded');
          }
          return started;
        };
      },
    });
    const temporal = new Proxy(sys.temporal, {
      get: (target, prop) => (prop === 'workflow' ? workflow : ((value) => (typeof value === 'function' ? value.bind(target) : value))(Reflect.get(target, prop, target))),
    });
    const lead = await sys.db.person.findFirstOrThrow({ where: { roles: { has: 'STAKEHOLDER_LEAD' }, email: 'engagement.lead@example.org' } });
    await expect(
      updateSession({ db: sys.db, temporal, config: sys.config }, id, { startsAt: iso(9 * DAY), endsAt: iso(9 * DAY + 3_600_000) }, { id: lead.id, name: lead.name }),
    ).rejects.toMatchObject({ status: 503 });
    expect((await sys.db.engagementSession.findUniqueOrThrow({ where: { id } })).startsAt.toISOString()).toBe(res.json.startsAt);
    expect((await handle.query<{ startsAt: string }>('engagementSessionState')).startsAt).toBe(res.json.startsAt);
  });

  it('a rescheduled session is reminded for its new time; a cancelled one stops its reminders and says so in public', async () => {
    const moved = await call('PATCH', `/api/sessions/${upcomingId}`, { as: 'STAKEHOLDER_LEAD', json: { startsAt: iso(10 * DAY), endsAt: iso(10 * DAY + 3_600_000) } });
    expect(moved.status).toBe(200);
    const badMove = await call('PATCH', `/api/sessions/${upcomingId}`, { as: 'STAKEHOLDER_LEAD', json: { endsAt: iso(DAY) } });
    expect({ status: badMove.status, field: badMove.json.error.field }).toEqual({ status: 422, field: 'endsAt' });
    const handle = sys.temporal.workflow.getHandle(`engagement-session-${upcomingId}`);
    await eventually(async () => (await handle.query<{ startsAt: string }>('engagementSessionState')).startsAt === moved.json.startsAt, 'the workflow to take the new time');

    const cancelled = await call('POST', `/api/sessions/${upcomingId}/cancel`, { as: 'CITY_MANAGER', json: { reason: 'The venue flooded.' } });
    expect(cancelled.status).toBe(200);
    expect(cancelled.json.status).toBe('CANCELLED');
    await eventually(async () => (await handle.describe()).status.name === 'COMPLETED', 'the reminders to stop');
    expect((await call('POST', `/api/sessions/${upcomingId}/cancel`, { as: 'CITY_MANAGER', json: { reason: 'Again' } })).status).toBe(409);
    const page = await (await sys.request('/sessions')).text();
    expect(page).toMatch(/Community conversation: policing downtown <span class="badge">Cancelled<\/span>/);
  });
});
