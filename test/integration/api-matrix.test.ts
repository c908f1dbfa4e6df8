// The API on the whole running system (real Temporal dev server, database,
// worker with the real workflows and activities, mail and SMS sinks):
//  - the role x route matrix: every route without a token (401), with a bad
//    token (401), with each role that may not use it (403) and with each role
//    that may (2xx);
//  - bad input names the field; unknown ids are 404; actions the current state
//    does not allow are 409; Idempotency-Key; cookie sessions with CSRF.
import { documentedRoutes } from '../../api/openapi';
import { signLinkToken } from '../../lib/crypto';
import { ROLES, type Role } from '../../domain/roles';
import { DEMO_PASSWORD } from '../../scripts/seed-roster';
import { startTestSystem, type TestSystem } from '../harness/app';
import { apiCaller, type Answer } from '../harness/http';
import { eventually } from '../harness/eventually';

/** Notified of a severity-1 incident (clayton-2026.4, like 2026.1 to 2026.3). */
const RECIPIENTS: Role[] = ['CITY_MANAGER', 'POLICE_CHIEF', 'PIO', 'MAYOR', 'ALDERMAN', 'CITY_ATTORNEY'];
/** The city's staff: the recipients and the roles that draft or stand in without being notified. */
const STAFF: Role[] = [...RECIPIENTS, 'DEPUTY_CHIEF', 'COMMUNICATIONS_OFFICER', 'DEPUTY_PIO'];
/** Since clayton-2026.2 the police department and the communications staff draft. The chief first: the matrix follows their statement. */
const DRAFTERS: Role[] = ['POLICE_CHIEF', 'DEPUTY_CHIEF', 'COMMUNICATIONS_OFFICER', 'DEPUTY_PIO', 'PIO'];
/** At severity 1 the PIO approves, then the city manager signs off; the deputy PIO approves in the PIO's place when the PIO drafted. */
const DECIDERS_IN_ORDER: Role[] = ['PIO', 'CITY_MANAGER', 'DEPUTY_PIO'];

let sys: TestSystem;
/** Every 5xx any request in this file received; none of them sends anything but client mistakes or valid actions. */
const serverErrors: string[] = [];

const send = apiCaller(() => sys.request, { serverErrors });

/** Declares an incident and waits until its workflow has resolved recipients and deadlines (it answers updates from then on). */
async function declareAndWait(body: Record<string, unknown>, as: Role = 'CITY_MANAGER'): Promise<string> {
  const res = await send('POST', '/api/incidents', { as, json: body });
  expect(res.status).toBe(202);
  const number: string = res.json.number;
  await eventually(async () => {
    const detail = await send('GET', `/api/incidents/${number}`, { as: 'CITY_MANAGER' });
    return detail.json?.stateSource === 'workflow' && detail.json.recipients.length > 0 && detail.json.deadlines.length > 0;
  }, `incident ${number} to start`);
  return number;
}

/** The person behind each role's demo token. */
const personIdOf = (role: Role): string => {
  const person = Object.values(sys.roster.people).find((p) => p.email === tokenOwnerEmail[role]);
  if (!person) throw new Error(`no demo person for ${role}`);
  return person.id;
};
const tokenOwnerEmail: Record<Role, string> = {
  CITY_MANAGER: 'city.manager@example.org',
  POLICE_CHIEF: 'police.chief@example.org',
  PIO: 'pio@example.org',
  MAYOR: 'mayor@example.org',
  ALDERMAN: 'alderman.ward1@example.org',
  CITY_ATTORNEY: 'city.attorney@example.org',
  STAKEHOLDER_LEAD: 'engagement.lead@example.org',
  DEPUTY_CHIEF: 'deputy.chief@example.org',
  COMMUNICATIONS_OFFICER: 'communications.officer@example.org',
  DEPUTY_PIO: 'deputy.pio@example.org',
  COURT_CLERK: 'court.clerk@example.org',
};

beforeAll(async () => {
  sys = await startTestSystem();
}, 240_000);

afterAll(async () => {
  await sys?.stop();
}, 60_000);

// ---------------------------------------------------------------- the matrix

/** Shared by the matrix rows: filled in as the scenario runs. */
const scenario = {
  incident: '',
  /** A severity-3 incident, where the city manager may stand in for the PIO. */
  minorIncident: '',
  statementId: '',
  /** The statement each drafter submitted to the matrix incident. */
  statementBy: {} as Partial<Record<Role, string>>,
  /** Statements each approver revises and approves. */
  revisable: {} as Partial<Record<Role, string>>,
  /** The counsel's hold the city attorney placed. */
  holdId: '',
};

interface MatrixRow {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** As documented (express style), to check every documented route has a row. */
  route: string;
  /** The path a role acts on (without a role: for the requests without or with a bad token). */
  path: (role?: Role) => string;
  /** 'public' routes are checked for 2xx without credentials instead of 401. */
  allowed: Role[] | 'public' | 'any';
  /** Roles the permission lets through whom the rules then answer otherwise (e.g. 404: not a recipient). */
  answeredByRules?: { roles: Role[]; status: number };
  body?: (role: Role) => unknown;
  expect: number;
  /** Runs before the allowed roles act (e.g. set up what they act on). */
  before?: () => Promise<void>;
  /** Runs after the allowed roles have acted (e.g. remember an id). */
  after?: (answers: Answer[]) => void | Promise<void>;
}

const submitAs = async (role: Role, incident: string, title: string): Promise<string> => {
  const res = await send('POST', `/api/incidents/${incident}/statements`, { as: role, json: { kind: 'PUBLIC_UPDATE', title, body: 'Matrix text.' } });
  expect(res.status).toBe(201);
  return res.json.statementId;
};

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

// ---------------------------------------------------------------- Goal 1 engagement sessions

/** Who schedules sessions (clayton-2026.5 engagement.scheduleBy) and who reads plans (the city's staff and the stakeholder leads). */
const SESSION_SCHEDULERS: Role[] = ['STAKEHOLDER_LEAD', 'CITY_MANAGER'];
const PLAN_READERS: Role[] = [...STAFF, 'STAKEHOLDER_LEAD'];
const sessionScenario = { planId: '', upcoming: '', started: '', toCancel: {} as Partial<Record<Role, string>> };

async function scheduleMatrixSession(startsInMs: number, title: string): Promise<string> {
  const res = await send('POST', `/api/plans/${sessionScenario.planId}/sessions`, {
    as: 'STAKEHOLDER_LEAD',
    json: { title, startsAt: new Date(Date.now() + startsInMs).toISOString(), endsAt: new Date(Date.now() + startsInMs + 3_600_000).toISOString(), place: 'City Hall', languages: ['en'] },
  });
  expect(res.status).toBe(201);
  return res.json.id;
}

async function sessionPlanReady(): Promise<void> {
  if (sessionScenario.planId) return;
  const plan = await send('POST', '/api/plans', { as: 'CITY_MANAGER', json: { title: 'Matrix sessions plan', startDate: inDays(0).slice(0, 10), goals: [{ number: 1, title: 'Engagement' }] } });
  expect(plan.status).toBe(202);
  sessionScenario.planId = plan.json.id;
  sessionScenario.upcoming = await scheduleMatrixSession(30 * 86_400_000, 'Matrix session');
}

const sessionRows: MatrixRow[] = [
  { method: 'GET', route: '/api/public/sessions', path: () => '/api/public/sessions', allowed: 'public', expect: 200 },
  {
    method: 'POST',
    route: '/api/plans/:id/sessions',
    path: () => `/api/plans/${sessionScenario.planId || 'not-yet-created'}/sessions`,
    allowed: SESSION_SCHEDULERS,
    before: sessionPlanReady,
    body: (role) => ({ title: `Session by ${role}`, startsAt: inDays(20), endsAt: inDays(20.1), onlineUrl: 'https://meet.example.org/clayton', languages: ['en', 'es'] }),
    expect: 201,
  },
  { method: 'GET', route: '/api/plans/:id/sessions', path: () => `/api/plans/${sessionScenario.planId || 'not-yet-created'}/sessions`, allowed: PLAN_READERS, before: sessionPlanReady, expect: 200 },
  { method: 'GET', route: '/api/sessions/:id', path: () => `/api/sessions/${sessionScenario.upcoming || 'not-yet-scheduled'}`, allowed: PLAN_READERS, before: sessionPlanReady, expect: 200 },
  {
    method: 'PATCH',
    route: '/api/sessions/:id',
    path: () => `/api/sessions/${sessionScenario.upcoming || 'not-yet-scheduled'}`,
    allowed: SESSION_SCHEDULERS,
    before: sessionPlanReady,
    body: (role) => ({ accessibilityNotes: `Step-free entrance (checked by ${role})` }),
    expect: 200,
  },
  {
    method: 'POST',
    route: '/api/sessions/:id/cancel',
    path: (role) => `/api/sessions/${(role && sessionScenario.toCancel[role]) || sessionScenario.upcoming || 'not-yet-scheduled'}/cancel`,
    allowed: SESSION_SCHEDULERS,
    before: async () => {
      await sessionPlanReady();
      for (const role of SESSION_SCHEDULERS) sessionScenario.toCancel[role] = await scheduleMatrixSession(40 * 86_400_000, `To be cancelled by ${role}`);
    },
    body: () => ({ reason: 'Matrix cancellation' }),
    expect: 200,
  },
  {
    method: 'POST',
    route: '/api/sessions/:id/attendance',
    path: () => `/api/sessions/${sessionScenario.started || 'not-yet-scheduled'}/attendance`,
    allowed: SESSION_SCHEDULERS,
    before: async () => {
      await sessionPlanReady();
      sessionScenario.started = await scheduleMatrixSession(1_500, 'Matrix session that starts at once');
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    },
    body: (role) => ({ counts: [{ group: 'RESIDENTS', count: role === 'CITY_MANAGER' ? 12 : 11 }, { group: 'STUDENTS', count: 3 }], notes: 'Matrix notes' }),
    expect: 200,
  },
  {
    method: 'POST',
    route: '/api/sessions/:id/follow-ups',
    path: () => `/api/sessions/${sessionScenario.started || 'not-yet-scheduled'}/follow-ups`,
    allowed: SESSION_SCHEDULERS,
    body: (role) => ({ goalNumber: 1, title: `Follow-up recorded by ${role}`, ownerId: personIdOf('STAKEHOLDER_LEAD'), sponsorId: personIdOf('CITY_MANAGER'), dueAt: inDays(30) }),
    expect: 202,
  },
];

const matrix: MatrixRow[] = [
  { method: 'GET', route: '/healthz', path: () => '/healthz', allowed: 'public', expect: 200 },
  // Ready or degraded (200) while the database and Temporal answer; its 503 is covered by test/unit/operations.test.ts.
  { method: 'GET', route: '/readyz', path: () => '/readyz', allowed: 'public', expect: 200 },
  { method: 'GET', route: '/api/openapi.json', path: () => '/api/openapi.json', allowed: 'public', expect: 200 },
  { method: 'GET', route: '/api/policy', path: () => '/api/policy', allowed: 'public', expect: 200 },
  { method: 'GET', route: '/api/me', path: () => '/api/me', allowed: 'any', expect: 200 },
  {
    method: 'POST',
    route: '/api/incidents',
    path: () => '/api/incidents',
    allowed: ['CITY_MANAGER', 'POLICE_CHIEF'],
    body: (role) => ({ type: 'PUBLIC_MEDIA_ATTENTION', severity: 3, title: `Matrix declaration by ${role}`, summary: 'Matrix test' }),
    expect: 202,
  },
  { method: 'GET', route: '/api/incidents', path: () => '/api/incidents', allowed: STAFF, expect: 200 },
  { method: 'GET', route: '/api/incidents/:id', path: () => `/api/incidents/${scenario.incident}`, allowed: STAFF, expect: 200 },
  {
    method: 'POST',
    route: '/api/incidents/:id/acknowledgements',
    path: () => `/api/incidents/${scenario.incident}/acknowledgements`,
    allowed: RECIPIENTS,
    // Staff the incident did not notify may read it, but have nothing to acknowledge.
    answeredByRules: { roles: ['DEPUTY_CHIEF', 'COMMUNICATIONS_OFFICER', 'DEPUTY_PIO'], status: 404 },
    body: () => ({}),
    expect: 200,
  },
  {
    method: 'POST',
    route: '/api/incidents/:id/statements',
    path: () => `/api/incidents/${scenario.incident}/statements`,
    allowed: DRAFTERS,
    body: () => ({ kind: 'HOLDING_STATEMENT', title: 'Statement on the matrix incident', body: 'What we can confirm now.' }),
    expect: 201,
    after: (answers) => {
      DRAFTERS.forEach((role, i) => (scenario.statementBy[role] = answers[i].json.statementId));
      scenario.statementId = scenario.statementBy.POLICE_CHIEF!;
    },
  },
  { method: 'GET', route: '/api/statements/:id', path: () => `/api/statements/${scenario.statementId}`, allowed: STAFF, expect: 200 },
  { method: 'GET', route: '/api/approvals', path: () => '/api/approvals', allowed: STAFF, expect: 200 },
  {
    method: 'POST',
    route: '/api/statements/:id/revise-and-approve',
    path: (role) => `/api/statements/${(role && scenario.revisable[role]) || scenario.statementId}/revise-and-approve`,
    allowed: ['PIO', 'DEPUTY_PIO', 'CITY_MANAGER'],
    before: async () => {
      // The PIO at their own step (the deputy chief's draft); the deputy PIO in the PIO's place (a draft by the PIO);
      // the city manager in the PIO's place at severity 3 (at severity 1 the city manager signs off and names no stand-in).
      scenario.revisable.PIO = scenario.statementBy.DEPUTY_CHIEF;
      scenario.revisable.DEPUTY_PIO = await submitAs('PIO', scenario.incident, 'A second update by the PIO');
      scenario.revisable.CITY_MANAGER = await submitAs('PIO', scenario.minorIncident, 'An update on the minor incident');
    },
    body: (role) => ({ version: 1, title: `Revised by ${role}`, body: 'Clearer text.', comment: 'Tightened the wording.' }),
    expect: 200,
  },
  {
    method: 'POST',
    route: '/api/statements/:id/decisions',
    path: (role) => `/api/statements/${role === 'DEPUTY_PIO' ? scenario.statementBy.PIO : scenario.statementId}/decisions`,
    allowed: DECIDERS_IN_ORDER,
    body: () => ({ version: 1, decision: 'APPROVE' }),
    expect: 200,
  },
  {
    method: 'POST',
    route: '/api/incidents/:id/deadlines/:kind/extensions',
    path: () => `/api/incidents/${scenario.incident}/deadlines/final_report/extensions`,
    allowed: ['CITY_MANAGER', 'POLICE_CHIEF'],
    body: (role) => ({ newDueAt: inDays(role === 'CITY_MANAGER' ? 100 : 101), reason: `Extended by ${role} for the matrix test` }),
    expect: 200,
  },
  { method: 'GET', route: '/api/notifications', path: () => `/api/notifications?incidentId=${scenario.incident}`, allowed: ['CITY_MANAGER', 'POLICE_CHIEF', 'PIO'], expect: 200 },
  { method: 'GET', route: '/api/public/incidents', path: () => '/api/public/incidents', allowed: 'public', expect: 200 },
  { method: 'GET', route: '/api/i18n/:language', path: () => '/api/i18n/es', allowed: 'public', expect: 200 },
  { method: 'GET', route: '/api/media-list', path: () => '/api/media-list', allowed: ['PIO', 'DEPUTY_PIO', 'COMMUNICATIONS_OFFICER', 'CITY_MANAGER'], expect: 200 },
  { method: 'GET', route: '/api/public/incidents/:id', path: () => `/api/public/incidents/${scenario.incident}`, allowed: 'public', expect: 200 },
  { method: 'GET', route: '/api/public/audit/checkpoints', path: () => '/api/public/audit/checkpoints', allowed: 'public', expect: 200 },
  {
    method: 'POST',
    route: '/api/incidents/:id/close',
    path: () => `/api/incidents/${scenario.incident}/close`,
    allowed: ['CITY_MANAGER'],
    body: () => ({ summary: 'Investigation handed to the county prosecutor.' }),
    expect: 200,
  },
  { method: 'GET', route: '/api/incidents/:id/report', path: () => `/api/incidents/${scenario.incident}/report`, allowed: STAFF, expect: 200 },
  {
    method: 'POST',
    route: '/api/incidents/:id/holds',
    path: () => `/api/incidents/${scenario.incident}/holds`,
    allowed: ['CITY_ATTORNEY'],
    body: () => ({ scope: { kind: 'STATEMENT_KIND', statementKind: 'FINAL_REPORT' }, category: 'LITIGATION', detail: 'Matrix test hold.' }),
    expect: 201,
    after: (answers) => {
      scenario.holdId = answers[0].json.holdId;
    },
  },
  {
    method: 'POST',
    route: '/api/incidents/:id/holds/:holdId/release',
    path: () => `/api/incidents/${scenario.incident}/holds/${scenario.holdId || 'not-yet-placed'}/release`,
    allowed: ['CITY_ATTORNEY'],
    body: () => ({ note: 'Matrix test release.' }),
    expect: 200,
  },
  {
    method: 'POST',
    route: '/api/statements/:id/withdraw',
    // The PIO withdraws the published statement; the others the policy names try one still in approval.
    path: (role) => `/api/statements/${role === 'PIO' || !role ? scenario.statementId : scenario.statementBy.DEPUTY_CHIEF}/withdraw`,
    allowed: ['PIO'],
    answeredByRules: { roles: ['CITY_MANAGER', 'CITY_ATTORNEY'], status: 409 },
    body: () => ({ note: 'Withdrawn by the matrix test.' }),
    expect: 200,
  },
  // The court-user survey (Goal 3): the policy lets the court clerk and the city manager record closed cases' contacts.
  {
    method: 'POST',
    route: '/api/court-survey/contacts',
    path: () => '/api/court-survey/contacts',
    allowed: ['COURT_CLERK', 'CITY_MANAGER'],
    body: (role) => ({ channel: 'EMAIL', address: `matrix.${role.toLowerCase()}@example.net`, language: 'en', caseClosedOn: '2026-11-02' }),
    expect: 201,
  },
  { method: 'GET', route: '/api/court-survey/contacts', path: () => '/api/court-survey/contacts', allowed: ['COURT_CLERK', 'CITY_MANAGER'], expect: 200 },
  { method: 'GET', route: '/api/public/court-survey/summary', path: () => '/api/public/court-survey/summary', allowed: 'public', expect: 200 },
  ...sessionRows,
  { method: 'DELETE', route: '/api/session', path: () => '/api/session', allowed: 'any', expect: 204 },
];

/** Routes whose access is not a role: covered by their own tests below (the one-time sign-in links in test/security/signIn.test.ts). */
const COVERED_OUTSIDE_MATRIX = [
  'POST /api/session',
  'POST /api/session/link',
  'POST /api/session/link/redeem',
  'GET /ack/:token',
  'POST /ack/:token',
  // A resident's own routes (no account, a signed token) and adding and removing newsrooms: test/integration/subscriptions.test.ts
  'POST /api/public/subscriptions',
  'GET /api/public/subscriptions/:token',
  'POST /api/public/subscriptions/:token/unsubscribe',
  'DELETE /api/public/subscriptions/:token',
  'POST /api/media-list',
  'DELETE /api/media-list/:id',
  // The CSV import (a text/csv body) and the invited person's own routes (the link's token): test/integration/courtSurvey.test.ts
  'POST /api/court-survey/contacts.csv',
  'GET /api/public/court-survey/invitations/:token',
  'POST /api/public/court-survey/invitations/:token/answers',
  'POST /api/public/court-survey/invitations/:token/opt-out',
  // Residents' comments (no account) and their moderation (the item's owner or a moderator role, not a role alone): test/integration/comments.test.ts
  'GET /api/public/comments/challenge',
  'POST /api/public/comments',
  'GET /api/comments/queue',
  'POST /api/comments/:id/publish',
  'POST /api/comments/:id/reject',
  'POST /api/comments/:id/replies',
  'POST /api/comments/:id/link',
];

describe('role x route matrix', () => {
  beforeAll(async () => {
    scenario.incident = await declareAndWait({
      type: 'OFFICER_INVOLVED_SHOOTING',
      severity: 1,
      title: 'Matrix incident',
      summary: 'Officer-involved shooting used by the matrix test',
    });
    scenario.minorIncident = await declareAndWait({ type: 'OTHER', severity: 3, title: 'Minor matrix incident', summary: 'Used by the matrix test' });
  }, 90_000);

  it('has a row for every documented incident-domain route', () => {
    const rows = new Set([...matrix.map((r) => `${r.method} ${r.route}`), ...COVERED_OUTSIDE_MATRIX]);
    const documented = documentedRoutes()
      .filter((r) => !/\/plans|\/items|\/progress|\/webhooks|\/me\//.test(r.path))
      .map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(documented.filter((r) => !rows.has(r))).toEqual([]);
  });

  for (const row of matrix) {
    const name = `${row.method} ${row.route}`;
    const roles = row.allowed === 'public' || row.allowed === 'any' ? [...ROLES] : row.allowed;
    const byRules = row.answeredByRules?.roles ?? [];
    const forbidden = row.allowed === 'public' || row.allowed === 'any' ? [] : ROLES.filter((r) => !roles.includes(r) && !byRules.includes(r));

    it(`${name}: no token -> ${row.allowed === 'public' ? row.expect : 401}`, async () => {
      const res = await send(row.method, row.path(), { json: row.body?.('CITY_MANAGER') });
      if (row.allowed === 'public') {
        expect(res.status).toBe(row.expect);
      } else {
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      }
    });

    it(`${name}: bad token -> ${row.allowed === 'public' ? row.expect : 401}`, async () => {
      const res = await send(row.method, row.path(), { token: 'demo-nobody', json: row.body?.('CITY_MANAGER') });
      expect(res.status).toBe(row.allowed === 'public' ? row.expect : 401);
    });

    if (forbidden.length > 0) {
      it(`${name}: ${forbidden.join(', ')} -> 403`, async () => {
        for (const role of forbidden) {
          const res = await send(row.method, row.path(role), { as: role, json: row.body?.(role) });
          expect({ role, status: res.status, code: res.json?.error?.code }).toEqual({ role, status: 403, code: 'forbidden' });
        }
      });
    }

    if (row.answeredByRules) {
      const { roles: ruled, status } = row.answeredByRules;
      it(`${name}: ${ruled.join(', ')} pass the permission; the rules answer ${status}`, async () => {
        for (const role of ruled) {
          const res = await send(row.method, row.path(role), { as: role, json: row.body?.(role) });
          expect({ role, status: res.status }).toEqual({ role, status });
        }
      });
    }

    it(`${name}: ${row.allowed === 'public' ? 'every role' : roles.join(', ')} -> ${row.expect}`, async () => {
      await row.before?.();
      const answers: Answer[] = [];
      for (const role of roles) {
        const res = await send(row.method, row.path(role), { as: role, json: row.body?.(role) });
        expect({ role, status: res.status, error: res.json?.error }).toEqual({ role, status: row.expect, error: undefined });
        answers.push(res);
        if (row.route === '/api/statements/:id/decisions' && role === 'CITY_MANAGER') {
          // The last approval publishes; later rows read the published state.
          await eventually(async () => (await sys.db.statement.findUnique({ where: { id: scenario.statementId } }))?.status === 'PUBLISHED', 'publication');
        }
      }
      await row.after?.(answers);
    });
  }

  it('the scenario left what the matrix did in place: acknowledgements, publication, extensions, closure', async () => {
    const detail = await send('GET', `/api/incidents/${scenario.incident}`, { as: 'MAYOR' });
    expect(detail.json.state).toBe('CLOSED');
    for (const role of RECIPIENTS) {
      const me = detail.json.recipients.find((r: any) => r.personId === personIdOf(role));
      expect({ role, acknowledged: Boolean(me?.acknowledgedAt) }).toEqual({ role, acknowledged: true });
    }
    const finalReport = detail.json.deadlines.find((d: any) => d.key === 'final_report');
    expect(finalReport.extensions.map((e: any) => e.reason)).toEqual([
      'Extended by CITY_MANAGER for the matrix test',
      'Extended by POLICE_CHIEF for the matrix test',
    ]);
    const publicView = await send('GET', `/api/public/incidents/${scenario.incident}`);
    // Published, then withdrawn by the PIO: the fact and the note stay public, the text does not.
    expect(publicView.json.statements).toEqual([]);
    expect(publicView.json.withdrawnStatements.map((s: any) => [s.id, s.note])).toEqual([[scenario.statementId, 'Withdrawn by the matrix test.']]);
    const holding = publicView.json.deadlineList.find((d: any) => d.key === 'holding_statement');
    expect(holding.status).toBe('met');
    expect(publicView.json.holds).toEqual([expect.objectContaining({ status: 'released', reason: 'Litigation' })]);
  });
});

// ---------------------------------------------------------------- errors

describe('bad input names the field; unknown ids 404; state conflicts 409', () => {
  let incident: string;
  let statementId: string;

  beforeAll(async () => {
    incident = await declareAndWait({ type: 'USE_OF_FORCE_SERIOUS_INJURY', severity: 2, title: 'Errors incident', summary: 'Used by the error tests' });
  }, 60_000);

  it.each([
    [{ type: 'USE_OF_FORCE_SERIOUS_INJURY', severity: 'high', title: 't', summary: 's' }, 'severity'],
    [{ type: 'USE_OF_FORCE_SERIOUS_INJURY', severity: 0, title: 't', summary: 's' }, 'severity'],
    [{ type: 'UFO_SIGHTING', severity: 2, title: 't', summary: 's' }, 'type'],
    [{ type: 'OTHER', severity: 2, summary: 's' }, 'title'],
    [{ type: 'OTHER', severity: 2, title: 't', summary: '' }, 'summary'],
  ])('declaring %j -> 400 on %s, and nothing is written', async (body, field) => {
    const before = await sys.db.incident.count();
    const res = await send('POST', '/api/incidents', { as: 'CITY_MANAGER', json: body });
    expect(res.status).toBe(400);
    expect(res.json.error.field).toBe(field);
    expect(await sys.db.incident.count()).toBe(before);
  });

  it('statement drafts: missing title, unknown kind', async () => {
    const noTitle = await send('POST', `/api/incidents/${incident}/statements`, { as: 'PIO', json: { kind: 'HOLDING_STATEMENT', body: 'x' } });
    expect([noTitle.status, noTitle.json.error.field]).toEqual([400, 'title']);
    const badKind = await send('POST', `/api/incidents/${incident}/statements`, { as: 'PIO', json: { kind: 'TWEET', title: 't', body: 'b' } });
    expect([badKind.status, badKind.json.error.field]).toEqual([400, 'kind']);
  });

  it('the approval flow: out of turn 403, rejection needs a comment, stale version 409, revision, revise-and-approve, publish, then 409', async () => {
    const draft = await send('POST', `/api/incidents/${incident}/statements`, {
      as: 'POLICE_CHIEF',
      json: { kind: 'HOLDING_STATEMENT', title: 'Holding statement v1', body: 'First draft' },
    });
    expect(draft.status).toBe(201);
    expect(draft.headers.get('location')).toBe(`/api/statements/${draft.json.statementId}`);
    statementId = draft.json.statementId;
    const decide = (as: Role, body: unknown) => send('POST', `/api/statements/${statementId}/decisions`, { as, json: body });
    const reviseAndApprove = (as: Role, body: unknown) => send('POST', `/api/statements/${statementId}/revise-and-approve`, { as, json: body });

    // Severity 2: the PIO alone approves. The city manager may decide statements, but not this step.
    const outOfTurn = await decide('CITY_MANAGER', { version: 1, decision: 'APPROVE' });
    expect([outOfTurn.status, outOfTurn.json.error.message]).toEqual([403, 'the statement is waiting for the Public Information Officer']);

    // The PIO's queue shows it, with its deadline and time left; the city manager's does not.
    await eventually(async () => (await send('GET', '/api/approvals', { as: 'PIO' })).json.statements.some((x: any) => x.statementId === statementId), 'the PIO queue');
    const queued = (await send('GET', '/api/approvals?awaiting=me', { as: 'PIO' })).json.statements.find((x: any) => x.statementId === statementId);
    expect(queued).toMatchObject({
      incident: { number: incident, severity: 2 },
      version: 1,
      title: 'Holding statement v1',
      author: { id: personIdOf('POLICE_CHIEF'), name: expect.any(String) },
      awaiting: { role: 'PIO', roles: ['PIO'], standIn: false },
      stillToCome: [],
      deadline: { key: 'holding_statement', status: 'OPEN', overdue: false },
      mine: true,
      canReviseAndApprove: true,
      revisionApprovedBy: ['DEPUTY_PIO', 'CITY_MANAGER'],
    });
    expect(queued.deadline.timeLeftSeconds).toBeGreaterThan(3 * 3600);
    expect((await send('GET', '/api/approvals', { as: 'CITY_MANAGER' })).json.statements.map((x: any) => x.statementId)).not.toContain(statementId);
    const everyone = await send('GET', '/api/approvals?awaiting=anyone', { as: 'CITY_MANAGER' });
    expect(everyone.json.statements.find((x: any) => x.statementId === statementId)).toMatchObject({ mine: false, awaiting: { role: 'PIO' } });
    expect((await send('GET', '/api/approvals?awaiting=nobody', { as: 'PIO' })).json.error.field).toBe('awaiting');

    const noComment = await decide('PIO', { version: 1, decision: 'REJECT' });
    expect([noComment.status, noComment.json.error.field]).toEqual([400, 'comment']);

    const rejected = await decide('PIO', { version: 1, decision: 'REJECT', comment: 'Do not name the officer yet.' });
    expect(rejected.status).toBe(200);
    expect(rejected.json.status).toBe('CHANGES_REQUESTED');

    const revised = await send('POST', `/api/incidents/${incident}/statements`, {
      as: 'POLICE_CHIEF',
      json: { statementId, title: 'Holding statement v2', body: 'Second draft, without the name' },
    });
    expect(revised.status).toBe(200);
    expect(revised.json.currentVersion).toBe(2);

    const stale = await decide('PIO', { version: 1, decision: 'APPROVE' });
    expect(stale.status).toBe(409);

    // Revise and approve: the text is checked like any draft, the version must be current, and it must be your turn.
    const noBody = await reviseAndApprove('PIO', { version: 2, title: 'Holding statement v3' });
    expect([noBody.status, noBody.json.error.field]).toEqual([400, 'body']);
    expect((await reviseAndApprove('PIO', { version: 1, title: 'Holding statement v3', body: 'Third' })).status).toBe(409);
    expect((await reviseAndApprove('CITY_MANAGER', { version: 2, title: 'Holding statement v3', body: 'Third' })).status).toBe(403);
    const v3 = await reviseAndApprove('PIO', { version: 2, title: 'Holding statement v3', body: 'Third draft, edited by the PIO', comment: 'Shortened.' });
    expect(v3.status).toBe(200);
    expect(v3.json).toMatchObject({ currentVersion: 3, authorId: personIdOf('PIO'), awaiting: 'PIO', awaitingRoles: ['DEPUTY_PIO', 'CITY_MANAGER'] });
    // The PIO wrote version 3, so a stand-in approves it in the PIO's place.
    expect((await decide('PIO', { version: 3, decision: 'APPROVE' })).status).toBe(403);
    // The history, as the stand-in whose turn it now is reads it (they wrote and decided nothing yet: their role is their need to know).
    const statement = await send('GET', `/api/statements/${statementId}`, { as: 'DEPUTY_PIO' });
    expect(statement.json.versions.map((v: any) => [v.version, v.authorId])).toEqual([
      [1, personIdOf('POLICE_CHIEF')],
      [2, personIdOf('POLICE_CHIEF')],
      [3, personIdOf('PIO')],
    ]);
    expect(statement.json.approvals.filter((a: any) => a.version === 3)).toEqual([
      expect.objectContaining({ role: 'PIO', decision: 'APPROVED', approverId: personIdOf('PIO'), comment: 'Shortened.' }),
    ]);
    // The mayor reads where it stands and who decided, but no draft and no comment.
    const asMayor = await send('GET', `/api/statements/${statementId}`, { as: 'MAYOR' });
    expect(asMayor.json).toMatchObject({ status: 'PENDING_APPROVAL', currentVersion: 3, versions: [] });
    expect(asMayor.json.approvals.map((a: any) => [a.version, a.role, a.decision, a.comment])).toEqual([
      [1, 'PIO', 'REJECTED', null],
      [3, 'PIO', 'APPROVED', null],
    ]);
    for (const secret of ['First draft', 'Second draft', 'Third draft', 'Do not name the officer', 'Shortened.']) expect({ secret, leaks: asMayor.text.includes(secret) }).toEqual({ secret, leaks: false });

    expect((await decide('CITY_MANAGER', { version: 3, decision: 'APPROVE' })).status).toBe(200);
    await eventually(async () => (await sys.db.statement.findUnique({ where: { id: statementId } }))?.status === 'PUBLISHED', 'publication');

    // Once published, the mayor reads the published version, and still no earlier draft or comment.
    const publishedForMayor = await send('GET', `/api/statements/${statementId}`, { as: 'MAYOR' });
    expect(publishedForMayor.json.versions.map((v: any) => [v.version, v.title])).toEqual([[3, 'Holding statement v3']]);
    expect(publishedForMayor.json.approvals.every((a: any) => a.comment === null)).toBe(true);
    expect(publishedForMayor.text).not.toContain('First draft');

    const again = await decide('CITY_MANAGER', { version: 3, decision: 'APPROVE' });
    expect(again.status).toBe(409);
    expect((await reviseAndApprove('PIO', { version: 3, title: 'Holding statement v4', body: 'Fourth' })).status).toBe(409);

    const publicView = await send('GET', `/api/public/incidents/${incident}`);
    expect(publicView.json.statements).toEqual([expect.objectContaining({ title: 'Holding statement v3', body: 'Third draft, edited by the PIO' })]);
    expect(publicView.text).not.toContain('First draft');
    expect(publicView.text).not.toContain('Do not name the officer');
    expect(publicView.text).not.toContain('@example.org');
  });

  it('extensions: bad date, not later than now due, unknown deadline', async () => {
    const extend = (kind: string, body: unknown) =>
      send('POST', `/api/incidents/${incident}/deadlines/${kind}/extensions`, { as: 'POLICE_CHIEF', json: body });
    const notADate = await extend('final_report', { newDueAt: 'next week', reason: 'Waiting on the lab' });
    expect([notADate.status, notADate.json.error.field]).toEqual([400, 'newDueAt']);
    // In the future but earlier than the current due date (90 days): the workflow refuses, naming the field.
    // The request matches the document; the rule it breaks is one only the deadline knows: 422.
    const earlier = await extend('final_report', { newDueAt: inDays(10), reason: 'Waiting on the lab' });
    expect([earlier.status, earlier.json.error.field]).toEqual([422, 'newDueAt']);
    const noReason = await extend('final_report', { newDueAt: inDays(120) });
    expect([noReason.status, noReason.json.error.field]).toEqual([400, 'reason']);
    const unknown = await extend('moon_landing', { newDueAt: inDays(120), reason: 'Waiting on the lab' });
    expect(unknown.status).toBe(404);
  });

  it('acknowledging: for someone else only as city manager; a non-recipient is 404', async () => {
    const mayorForPio = await send('POST', `/api/incidents/${incident}/acknowledgements`, { as: 'MAYOR', json: { personId: personIdOf('PIO') } });
    expect(mayorForPio.status).toBe(403);
    // The deputy chief is told of no incident (since clayton-2026.4 the aldermen are told at every severity).
    const notRecipient = await send('POST', `/api/incidents/${incident}/acknowledgements`, {
      as: 'CITY_MANAGER',
      json: { personId: personIdOf('DEPUTY_CHIEF') },
    });
    expect(notRecipient.status).toBe(404);
    const forPio = await send('POST', `/api/incidents/${incident}/acknowledgements`, { as: 'CITY_MANAGER', json: { personId: personIdOf('PIO') } });
    expect(forPio.status).toBe(200);
    expect(forPio.json).toMatchObject({ personId: personIdOf('PIO'), alreadyAcknowledged: false });
    const repeat = await send('POST', `/api/incidents/${incident}/acknowledgements`, { as: 'PIO', json: {} });
    expect(repeat.json.alreadyAcknowledged).toBe(true);
  });

  it('unknown ids are 404 everywhere', async () => {
    const bodies = { ack: {}, statement: { kind: 'HOLDING_STATEMENT', title: 't', body: 'b' }, close: { summary: 's' } };
    const checks: [string, string, Role, unknown?][] = [
      ['GET', '/api/incidents/CI-2099-0001', 'MAYOR'],
      ['GET', '/api/incidents/cl0000000000000000000000', 'MAYOR'],
      ['POST', '/api/incidents/CI-2099-0001/acknowledgements', 'MAYOR', bodies.ack],
      ['POST', '/api/incidents/CI-2099-0001/statements', 'PIO', bodies.statement],
      ['POST', '/api/incidents/CI-2099-0001/close', 'CITY_MANAGER', bodies.close],
      ['GET', '/api/incidents/CI-2099-0001/report', 'MAYOR'],
      ['GET', '/api/statements/no-such-statement', 'MAYOR'],
      ['POST', '/api/statements/no-such-statement/decisions', 'CITY_MANAGER', { version: 1, decision: 'APPROVE' }],
      ['POST', '/api/statements/no-such-statement/revise-and-approve', 'PIO', { version: 1, title: 't', body: 'b' }],
      ['GET', '/api/notifications?incidentId=CI-2099-0001', 'PIO'],
      ['GET', '/api/public/incidents/CI-2099-0001', 'MAYOR'],
    ];
    for (const [method, path, as, body] of checks) {
      const res = await send(method, path, { as, json: body });
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
    }
  });

  it('the report is 409 before closing; closing twice and acknowledging after closing are 409', async () => {
    expect((await send('GET', `/api/incidents/${incident}/report`, { as: 'MAYOR' })).status).toBe(409);
    const closed = await send('POST', `/api/incidents/${incident}/close`, { as: 'CITY_MANAGER', json: { summary: 'Closed by the error tests' } });
    expect(closed.status).toBe(200);
    expect(closed.json.status).toBe('CLOSED');
    expect((await send('POST', `/api/incidents/${incident}/close`, { as: 'CITY_MANAGER', json: { summary: 'again' } })).status).toBe(409);
    expect((await send('POST', `/api/incidents/${incident}/acknowledgements`, { as: 'MAYOR', json: {} })).status).toBe(409);
    const report = await send('GET', `/api/incidents/${incident}/report`, { as: 'MAYOR' });
    expect(report.status).toBe(200);
    expect(report.json.report).toBeTruthy();
  });
});

// ---------------------------------------------------------------- idempotency

describe('Idempotency-Key', () => {
  const body = { type: 'OTHER', severity: 3, title: 'Idempotent declaration', summary: 'Declared twice by a nervous click' };

  it('a repeat returns the first incident with 200; a different body with the same key is 409', async () => {
    const first = await send('POST', '/api/incidents', { as: 'CITY_MANAGER', json: body, headers: { 'idempotency-key': 'click-1' } });
    expect(first.status).toBe(202);
    expect(first.headers.get('location')).toBe(`/api/incidents/${first.json.number}`);
    const repeat = await send('POST', '/api/incidents', { as: 'CITY_MANAGER', json: body, headers: { 'idempotency-key': 'click-1' } });
    expect(repeat.status).toBe(200);
    expect(repeat.json).toEqual(first.json);
    const changed = await send('POST', '/api/incidents', {
      as: 'CITY_MANAGER',
      json: { ...body, severity: 2 },
      headers: { 'idempotency-key': 'click-1' },
    });
    expect(changed.status).toBe(409);
    // Keys are per person: the chief's click-1 is a different declaration.
    const chief = await send('POST', '/api/incidents', { as: 'POLICE_CHIEF', json: body, headers: { 'idempotency-key': 'click-1' } });
    expect(chief.status).toBe(202);
    expect(chief.json.number).not.toBe(first.json.number);
  });

  it('a concurrent double-click creates one incident and one workflow', async () => {
    const [a, b] = await Promise.all(
      [0, 1].map(() => send('POST', '/api/incidents', { as: 'CITY_MANAGER', json: body, headers: { 'idempotency-key': 'double-click-2' } })),
    );
    expect([a.status, b.status].sort()).toEqual([200, 202]);
    expect(a.json.number).toBe(b.json.number);
    expect(await sys.db.incident.count({ where: { title: body.title, idempotencyKey: { endsWith: ':double-click-2' } } })).toBe(1);
    const description = await sys.temporal.workflow.getHandle(a.json.workflowId).describe();
    expect(description.status.name).toBe('RUNNING');
  });
});

// ---------------------------------------------------------------- sessions and links

describe('cookie session with CSRF, on the real system', () => {
  it('signs in with the demo password, acknowledges with the CSRF header, refuses without it', async () => {
    const number = await declareAndWait({ type: 'DEATH_IN_CUSTODY', severity: 1, title: 'Session incident', summary: 'Used by the session test' });
    const login = await send('POST', '/api/session', { json: { email: 'mayor@example.org', password: DEMO_PASSWORD } });
    expect(login.status).toBe(201);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    const csrf = login.json.csrfToken;
    const withoutCsrf = await send('POST', `/api/incidents/${number}/acknowledgements`, { json: {}, headers: { cookie } });
    expect(withoutCsrf.status).toBe(403);
    const withCsrf = await send('POST', `/api/incidents/${number}/acknowledgements`, { json: {}, headers: { cookie, 'x-csrf-token': csrf } });
    expect(withCsrf.status).toBe(200);
    const recipient = await sys.db.incidentRecipient.findFirst({ where: { incident: { number }, personId: personIdOf('MAYOR') } });
    expect(recipient?.acknowledgedVia).toBe('WEB');
  });
});

describe('signed acknowledge link', () => {
  it('GET shows a confirmation page without acknowledging; POST acknowledges via EMAIL_LINK', async () => {
    const number = await declareAndWait({ type: 'OFFICER_INVOLVED_SHOOTING', severity: 1, title: 'Link incident', summary: 'Used by the link test' });
    const personId = personIdOf('CITY_ATTORNEY');
    const token = signLinkToken({ p: 'ack', incidentNumber: number, personId }, 3600, sys.config.LINK_SIGNING_SECRET);
    const page = await send('GET', `/ack/${token}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`<form method="post" action="/ack/${token}">`);
    const untouched = await sys.db.incidentRecipient.findFirst({ where: { incident: { number }, personId } });
    expect(untouched?.acknowledgedAt).toBeNull();
    const done = await send('POST', `/ack/${token}`);
    expect(done.status).toBe(200);
    expect(done.text).toContain('acknowledged');
    const acknowledged = await sys.db.incidentRecipient.findFirst({ where: { incident: { number }, personId } });
    expect(acknowledged?.acknowledgedVia).toBe('EMAIL_LINK');
    // A link for someone not notified (severity 1 notifies no stakeholder leads) is a page, not a 5xx.
    const stranger = signLinkToken({ p: 'ack', incidentNumber: number, personId: personIdOf('STAKEHOLDER_LEAD') }, 3600, sys.config.LINK_SIGNING_SECRET);
    expect((await send('POST', `/ack/${stranger}`)).status).toBe(404);
  });
});

describe('after everything above', () => {
  it('no request got a 5xx, and the system is healthy', async () => {
    expect(serverErrors).toEqual([]);
    const health = await send('GET', '/healthz');
    expect(health.json).toEqual({ status: 'ok', checks: { database: 'ok', temporal: 'ok' } });
  });
});
