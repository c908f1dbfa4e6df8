// The API against a real PostgreSQL database, with the Temporal server
// deliberately unreachable: authentication (tokens, sessions, CSRF), the
// read-side projections, the public allow-list, and the rollback of a
// declaration whose workflow cannot start.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../api/app';
import { hashPassword } from '../../api/auth';
import { verifyAuditChain, appendAudit } from '../../lib/audit';
import { hashToken, signLinkToken } from '../../lib/crypto';
import type { Role } from '../../domain/roles';
import { createTestConfig } from '../harness/config';
import { createTestDatabase, type TestDatabase } from '../harness/database';
import { apiCaller, fetchFrom } from '../harness/http';

const config = createTestConfig();
// Port 1 refuses connections: every Temporal call fails the way it does when the server is down.
const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });

let database: TestDatabase;
let server: Server;
let base: string;
const tokens: Partial<Record<Role | 'revoked' | 'expired' | 'inactive', string>> = {};
const people: Partial<Record<Role, { id: string; name: string; email: string }>> = {};
const PASSWORD = 'correct horse battery staple';

let phoneSeq = 100;
async function addPerson(role: Role, extra: { active?: boolean } = {}) {
  // One active person per number (the number names the sender of an inbound text).
  phoneSeq += 1;
  const person = await database.db.person.create({
    data: {
      name: `Demo ${role.toLowerCase()}`,
      title: role,
      email: `${role.toLowerCase()}.${Math.random().toString(36).slice(2, 8)}@example.org`,
      phone: `+15005550${phoneSeq}`,
      roles: [role],
      passwordHash: await hashPassword(PASSWORD),
      active: extra.active ?? true,
    },
  });
  return person;
}

async function addToken(personId: string, token: string, extra: { revokedAt?: Date; expiresAt?: Date } = {}) {
  await database.db.apiToken.create({ data: { personId, tokenHash: hashToken(token), label: 'test', ...extra } });
  return token;
}

beforeAll(async () => {
  database = await createTestDatabase();
  for (const role of ['CITY_MANAGER', 'POLICE_CHIEF', 'PIO', 'MAYOR', 'STAKEHOLDER_LEAD'] as Role[]) {
    const person = await addPerson(role);
    people[role] = person;
    tokens[role] = await addToken(person.id, `token-${role}`);
  }
  tokens.revoked = await addToken(people.CITY_MANAGER!.id, 'token-revoked', { revokedAt: new Date() });
  tokens.expired = await addToken(people.CITY_MANAGER!.id, 'token-expired', { expiresAt: new Date(Date.now() - 1000) });
  const inactive = await addPerson('CITY_MANAGER', { active: false });
  tokens.inactive = await addToken(inactive.id, 'token-inactive');

  const app = createApp({ db: database.db, temporal, config });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await database?.drop();
});

const call = apiCaller(() => fetchFrom(() => base));

describe('bearer tokens', () => {
  it('a valid token identifies the person', async () => {
    const res = await call('GET', '/api/me', { token: tokens.PIO });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ via: 'bearer', person: { id: people.PIO!.id, roles: ['PIO'] } });
    expect(res.json.csrfToken).toBeUndefined();
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it.each(['revoked', 'expired', 'inactive'] as const)('a %s token is refused with 401 invalid_token', async (kind) => {
    const res = await call('GET', '/api/me', { token: tokens[kind] });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('invalid_token');
  });

  it('an unknown token is refused with 401', async () => {
    expect((await call('GET', '/api/incidents', { token: 'not-a-token' })).status).toBe(401);
  });

  it('the wrong role is 403, before the body is even looked at', async () => {
    const res = await call('POST', '/api/incidents', { token: tokens.PIO, json: {} });
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('forbidden');
  });

  it('stakeholder leads are not incident staff', async () => {
    expect((await call('GET', '/api/incidents', { token: tokens.STAKEHOLDER_LEAD })).status).toBe(403);
  });
});

describe('cookie sessions and CSRF', () => {
  it('wrong password is 401 and sets no cookie', async () => {
    const res = await call('POST', '/api/session', { json: { email: people.MAYOR!.email, password: 'nope' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('a login without an email names the field', async () => {
    const res = await call('POST', '/api/session', { json: { password: 'x' } });
    expect(res.status).toBe(400);
    expect(res.json.error.field).toBe('email');
  });

  it('sign in, read, state change needs the CSRF token, sign out', async () => {
    const login = await call('POST', '/api/session', {
      json: { email: people.CITY_MANAGER!.email.toUpperCase(), password: PASSWORD },
    });
    expect(login.status).toBe(201);
    const setCookie = login.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^cg_session=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const cookie = setCookie.split(';')[0];
    const csrfToken: string = login.json.csrfToken;
    expect(login.json.person.id).toBe(people.CITY_MANAGER!.id);

    // The session row stores only a digest of the cookie value.
    const cookieValue = cookie.split('=')[1];
    const session = await database.db.session.findUnique({ where: { tokenHash: hashToken(cookieValue) } });
    expect(session?.csrfToken).toBe(csrfToken);

    const me = await call('GET', '/api/me', { cookie });
    expect(me.json).toMatchObject({ via: 'session', csrfToken });

    // Reads need no CSRF token.
    expect((await call('GET', '/api/incidents', { cookie })).status).toBe(200);

    const badBody = { type: 'OFFICER_INVOLVED_SHOOTING', severity: 9, title: 't', summary: 's' };
    const noCsrf = await call('POST', '/api/incidents', { cookie, json: badBody });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.json.error.code).toBe('csrf');
    const wrongCsrf = await call('POST', '/api/incidents', { cookie, json: badBody, headers: { 'x-csrf-token': 'forged' } });
    expect(wrongCsrf.status).toBe(403);
    // With the token the request gets through to validation (and fails there, on purpose).
    const withCsrf = await call('POST', '/api/incidents', { cookie, json: badBody, headers: { 'x-csrf-token': csrfToken } });
    expect(withCsrf.status).toBe(400);
    expect(withCsrf.json.error.field).toBe('severity');

    expect((await call('DELETE', '/api/session', { cookie })).status).toBe(403);
    const logout = await call('DELETE', '/api/session', { cookie, headers: { 'x-csrf-token': csrfToken } });
    expect(logout.status).toBe(204);
    expect(await database.db.session.count({ where: { id: session!.id } })).toBe(0);
    const after = await call('GET', '/api/me', { cookie });
    expect(after.status).toBe(401);
  });

  it('a bearer-token caller needs no CSRF token', async () => {
    const res = await call('POST', '/api/incidents', {
      token: tokens.CITY_MANAGER,
      json: { type: 'NOT_A_TYPE', severity: 1, title: 't', summary: 's' },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.field).toBe('type');
  });

  it('repeated wrong passwords lock the email for a while, even against the right one', async () => {
    const email = people.POLICE_CHIEF!.email;
    for (let i = 0; i < 10; i += 1) {
      expect((await call('POST', '/api/session', { json: { email, password: `guess-${i}` } })).status).toBe(401);
    }
    const locked = await call('POST', '/api/session', { json: { email, password: PASSWORD } });
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBeTruthy();
  });
});

describe('declaring when Temporal is down', () => {
  it('answers 503 and leaves no incident behind; the audit chain records the rollback and still verifies', async () => {
    const before = await database.db.incident.count();
    const res = await call('POST', '/api/incidents', {
      token: tokens.CITY_MANAGER,
      json: { type: 'PUBLIC_MEDIA_ATTENTION', severity: 2, title: 'Viral video of an arrest', summary: 'Video circulating since 9 am' },
      headers: { 'idempotency-key': 'rollback-test-1' },
    });
    expect(res.status).toBe(503);
    expect(res.json.error.code).toBe('unavailable');
    expect(await database.db.incident.count()).toBe(before);
    const actions = (await database.db.auditEvent.findMany({ orderBy: { seq: 'asc' } })).map((e) => e.action);
    expect(actions.slice(-2)).toEqual(['incident.declared', 'incident.declaration-rolled-back']);
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true });
  });

  it('a malformed Idempotency-Key names the header', async () => {
    const res = await call('POST', '/api/incidents', {
      token: tokens.CITY_MANAGER,
      json: { type: 'OTHER', severity: 3, title: 't', summary: 's' },
      headers: { 'idempotency-key': 'x'.repeat(201) },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.field).toBe('Idempotency-Key');
  });

  it('healthz reports the database up and Temporal down with 503', async () => {
    const res = await call('GET', '/healthz');
    expect(res.status).toBe(503);
    expect(res.json).toEqual({ status: 'degraded', checks: { database: 'ok', temporal: 'down' } });
  });
});

describe('projections of a closed incident (as the workflow activities leave them)', () => {
  let incidentId: string;
  const number = 'CI-2025-0042';
  const statementIds: Record<'published' | 'draft', string> = { published: '', draft: '' };

  beforeAll(async () => {
    const db = database.db;
    const declaredAt = new Date('2025-03-01T15:00:00Z');
    const incident = await db.incident.create({
      data: {
        number,
        workflowId: `incident-${number}`,
        type: 'OFFICER_INVOLVED_SHOOTING',
        severity: 1,
        title: 'Private working title',
        summary: 'Internal summary naming a witness',
        status: 'CLOSED',
        policyVersion: 'clayton-2026.1',
        declaredById: people.CITY_MANAGER!.id,
        declaredAt,
        closedAt: new Date('2025-04-01T15:00:00Z'),
        closureSummary: 'Closed after final report',
        afterActionReport: { headline: 'All deadlines but one met', deadlinesMet: 3, deadlinesMissed: 1 },
      },
    });
    incidentId = incident.id;
    await db.incidentRecipient.create({
      data: { incidentId, personId: people.MAYOR!.id, role: 'MAYOR', notifiedAt: declaredAt, acknowledgedAt: new Date('2025-03-01T15:05:00Z') },
    });
    await db.incidentRecipient.create({ data: { incidentId, personId: people.PIO!.id, role: 'PIO', notifiedAt: declaredAt } });
    const holding = await db.deadline.create({
      data: {
        incidentId,
        key: 'holding_statement',
        kind: 'HOLDING_STATEMENT',
        title: 'Holding statement',
        dueAt: new Date('2025-03-01T16:00:00Z'),
        originalDueAt: new Date('2025-03-01T16:00:00Z'),
        status: 'MET',
        metAt: new Date('2025-03-01T15:50:00Z'),
      },
    });
    await db.deadline.create({
      data: {
        incidentId,
        key: 'press_conference',
        kind: 'PRESS_CONFERENCE',
        title: 'Press conference',
        dueAt: new Date('2025-03-03T15:00:00Z'),
        originalDueAt: new Date('2025-03-02T15:00:00Z'),
        status: 'MISSED',
        overdueAt: new Date('2025-03-03T15:00:00Z'),
        extensions: {
          create: { fromDueAt: new Date('2025-03-02T15:00:00Z'), toDueAt: new Date('2025-03-03T15:00:00Z'), reason: 'Chief travelling', byId: people.CITY_MANAGER!.id },
        },
      },
    });
    const published = await db.statement.create({
      data: {
        incidentId,
        kind: 'HOLDING_STATEMENT',
        deadlineKey: holding.key,
        workflowId: 'statement-published-1',
        status: 'PUBLISHED',
        currentVersion: 2,
        publishedVersion: 2,
        publishedAt: new Date('2025-03-01T15:50:00Z'),
        createdById: people.PIO!.id,
        versions: {
          create: [
            { version: 1, title: 'Rejected draft title', body: 'Draft text with a name in it', authorId: people.PIO!.id },
            { version: 2, title: 'Statement on the incident', body: 'What we can confirm now.', authorId: people.PIO!.id },
          ],
        },
        approvals: {
          create: [
            { version: 1, approverId: people.CITY_MANAGER!.id, role: 'CITY_MANAGER', decision: 'REJECTED', comment: 'Remove the officer name' },
            { version: 2, approverId: people.CITY_MANAGER!.id, role: 'CITY_MANAGER', decision: 'APPROVED' },
            { version: 2, approverId: people.POLICE_CHIEF!.id, role: 'POLICE_CHIEF', decision: 'APPROVED' },
          ],
        },
      },
    });
    statementIds.published = published.id;
    const draft = await db.statement.create({
      data: {
        incidentId,
        kind: 'PUBLIC_UPDATE',
        workflowId: 'statement-draft-1',
        status: 'WITHDRAWN',
        createdById: people.PIO!.id,
        versions: { create: { version: 1, title: 'Unpublished update', body: 'Never went out', authorId: people.PIO!.id } },
      },
    });
    statementIds.draft = draft.id;
    await db.notification.create({
      data: {
        idempotencyKey: `incident-${number}|incident.declared|${people.MAYOR!.id}|EMAIL|0`,
        incidentId,
        personId: people.MAYOR!.id,
        channel: 'EMAIL',
        toAddress: people.MAYOR!.email,
        purpose: 'incident.declared',
        subject: 'Critical incident declared',
        body: 'Please acknowledge',
        status: 'DELIVERED',
        provider: 'smtp',
      },
    });
    await appendAudit(db, {
      actorId: people.CITY_MANAGER!.id,
      actorLabel: 'Demo city_manager',
      action: 'incident.declared',
      entityType: 'Incident',
      entityId: incidentId,
      incidentId,
      data: { number },
    });
  });

  it('staff detail falls back to the database and includes timeline, deadlines, acknowledgements and statements', async () => {
    const res = await call('GET', `/api/incidents/${number}`, { token: tokens.MAYOR });
    expect(res.status).toBe(200);
    expect(res.json.stateSource).toBe('database');
    expect(res.json.state).toBe('CLOSED');
    expect(res.json.acknowledgements).toEqual({ expected: 2, acknowledged: 1, silent: [people.PIO!.id] });
    expect(res.json.deadlines.map((d: any) => [d.key, d.status])).toEqual([
      ['holding_statement', 'MET'],
      ['press_conference', 'MISSED'],
    ]);
    expect(res.json.deadlines[1].extensions[0]).toMatchObject({ reason: 'Chief travelling' });
    // The mayor needs to know what was published, not the drafts before it (need to know: drafter, approvers, city manager).
    const statement = res.json.statements.find((s: any) => s.id === statementIds.published);
    expect(statement.versions.map((v: any) => v.version)).toEqual([2]);
    expect(statement.approvals).toHaveLength(3);
    const asCityManager = await call('GET', `/api/incidents/${number}`, { token: tokens.CITY_MANAGER });
    expect(asCityManager.json.statements.find((s: any) => s.id === statementIds.published).versions).toHaveLength(2);
    expect(res.json.timeline.map((e: any) => e.action)).toContain('incident.declared');
    // Lookup by internal id works too.
    expect((await call('GET', `/api/incidents/${incidentId}`, { token: tokens.MAYOR })).json.incident.number).toBe(number);
  });

  it('unknown incidents are 404, by number and by id', async () => {
    expect((await call('GET', '/api/incidents/CI-2025-9999', { token: tokens.MAYOR })).status).toBe(404);
    expect((await call('GET', '/api/incidents/ckxxxxxxxxxxxxxxxxxxxxxxx', { token: tokens.MAYOR })).status).toBe(404);
    expect((await call('GET', '/api/public/incidents/CI-2025-9999')).status).toBe(404);
  });

  it('acting on a closed incident is 409', async () => {
    const close = await call('POST', `/api/incidents/${number}/close`, { token: tokens.CITY_MANAGER, json: { summary: 'again' } });
    expect(close.status).toBe(409);
    const ack = await call('POST', `/api/incidents/${number}/acknowledgements`, { token: tokens.PIO, json: {} });
    expect(ack.status).toBe(409);
    const revise = await call('POST', `/api/incidents/${number}/statements`, {
      token: tokens.PIO,
      json: { statementId: statementIds.published, title: 'Changed', body: 'Changed after publication' },
    });
    expect(revise.status).toBe(409);
  });

  it('deciding on a published statement is 409; on an unknown one 404', async () => {
    const res = await call('POST', `/api/statements/${statementIds.published}/decisions`, {
      token: tokens.CITY_MANAGER,
      json: { version: 2, decision: 'APPROVE' },
    });
    expect(res.status).toBe(409);
    expect((await call('POST', '/api/statements/nope/decisions', { token: tokens.CITY_MANAGER, json: { version: 1, decision: 'APPROVE' } })).status).toBe(404);
  });

  it('the after-action report is served once closed', async () => {
    const res = await call('GET', `/api/incidents/${number}/report`, { token: tokens.PIO });
    expect(res.status).toBe(200);
    expect(res.json.report).toEqual({ headline: 'All deadlines but one met', deadlinesMet: 3, deadlinesMissed: 1 });
  });

  it('the delivery log names recipients for staff who may see it', async () => {
    const res = await call('GET', `/api/notifications?incidentId=${number}`, { token: tokens.PIO });
    expect(res.status).toBe(200);
    expect(res.json.notifications).toHaveLength(1);
    expect(res.json.notifications[0]).toMatchObject({ channel: 'EMAIL', status: 'DELIVERED', personName: people.MAYOR!.name });
    expect((await call('GET', `/api/notifications?incidentId=${number}`, { token: tokens.MAYOR })).status).toBe(403);
    const bad = await call('GET', '/api/notifications?limit=0', { token: tokens.PIO });
    expect(bad.status).toBe(400);
    expect(bad.json.error.field).toBe('limit');
  });

  it('the public view shows only published text and deadline outcomes, nothing private', async () => {
    const res = await call('GET', `/api/public/incidents/${number}`);
    expect(res.status).toBe(200);
    expect(res.json.statements).toEqual([
      {
        id: statementIds.published,
        kind: 'HOLDING_STATEMENT',
        title: 'Statement on the incident',
        body: 'What we can confirm now.',
        publishedAt: '2025-03-01T15:50:00.000Z',
        deadlineKey: 'holding_statement',
        // The words a reader sees, in the language asked for (the default here).
        kindLabel: 'Holding statement',
        language: 'en',
      },
    ]);
    expect(res.json.deadlineList.map((d: any) => [d.key, d.status, d.extended])).toEqual([
      ['holding_statement', 'met', false],
      ['press_conference', 'missed', true],
    ]);
    expect(res.json.deadlineList[0].metOnTime).toBe(true);
    expect(res.json.typeLabel).toBe('Officer-involved shooting');

    const text = res.text;
    for (const secret of [
      'Private working title',
      'Internal summary',
      'Rejected draft',
      'Draft text with a name',
      'Remove the officer name',
      'Never went out',
      'Chief travelling',
      people.MAYOR!.email,
      people.MAYOR!.name,
      people.PIO!.id,
      '+1500555',
    ]) {
      expect(text).not.toContain(secret);
    }
    const list = await call('GET', '/api/public/incidents');
    expect(list.json.incidents.find((i: any) => i.number === number)).toMatchObject({ publishedStatements: 1, deadlines: { open: 0, met: 1, missed: 1 } });
    expect(list.text).not.toContain('Private working title');
  });

  it('ack links: expired 410, wrong purpose 400, closed incident 409 — never 5xx', async () => {
    const payload = { p: 'ack', incidentNumber: number, personId: people.PIO!.id };
    const expired = signLinkToken(payload, 60, config.LINK_SIGNING_SECRET, new Date(Date.now() - 3600_000));
    expect((await call('GET', `/ack/${expired}`)).status).toBe(410);
    const review = signLinkToken({ ...payload, p: 'review' }, 3600, config.LINK_SIGNING_SECRET);
    expect((await call('GET', `/ack/${review}`)).status).toBe(400);
    const valid = signLinkToken(payload, 3600, config.LINK_SIGNING_SECRET);
    const page = await call('GET', `/ack/${valid}`);
    expect(page.status).toBe(409);
    expect(page.text).toContain('is closed');
    expect((await call('POST', `/ack/${valid}`)).status).toBe(409);
    const unknownIncident = signLinkToken({ ...payload, incidentNumber: 'CI-2025-7777' }, 3600, config.LINK_SIGNING_SECRET);
    expect((await call('POST', `/ack/${unknownIncident}`)).status).toBe(404);
  });
});
