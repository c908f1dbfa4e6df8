// Signing in, as an attacker would try it: a cross-site form signing a visitor
// in (login CSRF), telling known from unknown addresses by the answer's time,
// guessing from one address or many, across API processes, and locking an
// official out of the console during an incident.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import cookieParser from 'cookie-parser';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../api/app';
import { hashPassword } from '../../api/auth';
import { errorHandler } from '../../api/errors';
import { createSessionRouter } from '../../api/session';
import type { Config } from '../../lib/config';
import type { Role } from '../../domain/roles';
import { SIGN_IN_LINK_PURPOSE, requestSignInLink } from '../../services/signInLinks';
import type { SignInLimits } from '../../services/signInThrottle';
import { createTestConfig } from '../harness/config';
import { createTestDatabase, type TestDatabase } from '../harness/database';
import { eventually } from '../harness/eventually';
import { listeningPlaceholder } from '../harness/freePort';
import { apiCaller, fetchFrom } from '../harness/http';
import { startSinks, type TestSinks } from '../harness/sinks';

const PASSWORD = 'correct horse battery staple';
// Port 1 refuses connections: nothing here needs Temporal.
const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });

let database: TestDatabase;
let sinks: TestSinks;
let config: Config;
const servers: Server[] = [];
let base: string;
const people: Record<string, { id: string; email: string }> = {};

async function addPerson(key: string, roles: Role[]) {
  people[key] = await database.db.person.create({
    data: { name: `Test ${key}`, title: key, email: `${key.toLowerCase()}@clayton.example`, roles, passwordHash: await hashPassword(PASSWORD) },
  });
}

async function listen(app: express.Express): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  database = await createTestDatabase();
  sinks = await startSinks();
  const placeholder = await listeningPlaceholder();
  servers.push(placeholder.server);
  base = `http://127.0.0.1:${placeholder.port}`;
  config = createTestConfig({ ...sinks.config, PUBLIC_BASE_URL: base });
  await addPerson('mayor', ['MAYOR']);
  await addPerson('timing', ['PIO']);
  await addPerson('lead', ['STAKEHOLDER_LEAD']);
  await addPerson('deputy', []);
  await addPerson('spray', ['ALDERMAN']);
  placeholder.server.on('request', createApp({ db: database.db, temporal, config }));
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  await sinks?.close();
  await database?.drop();
});

const call = apiCaller(() => fetchFrom(() => base));
let nextAddress = 0;
/** Each call from its own client address (the app trusts X-Forwarded-For from its loopback proxy). */
const fromNewAddress = () => ({ 'x-forwarded-for': `198.51.100.${(nextAddress += 1)}` });
const signIn = (email: string, password: string, headers: Record<string, string> = fromNewAddress()) =>
  call('POST', '/api/session', { json: { email, password }, headers });

describe('login CSRF: another site cannot sign a visitor in', () => {
  it('refuses a browser request from another origin, before looking at the password', async () => {
    const res = await signIn(people.mayor.email, PASSWORD, { ...fromNewAddress(), origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('cross_site');
    expect(res.headers.get('set-cookie')).toBeNull();
    const fetchMetadata = await signIn(people.mayor.email, PASSWORD, { ...fromNewAddress(), 'sec-fetch-site': 'cross-site' });
    expect(fetchMetadata.status).toBe(403);
  });

  it.each([
    ['an HTML form', 'application/x-www-form-urlencoded', (email: string) => `email=${encodeURIComponent(email)}&password=${encodeURIComponent(PASSWORD)}`],
    ['a text/plain form', 'text/plain', (email: string) => `{"email":"${email}","password":"${PASSWORD}"}`],
  ])('refuses %s (which a cross-site page can send without asking) with 415 and no cookie', async (_label, type, body) => {
    const res = await call('POST', '/api/session', { body: body(people.mayor.email), headers: { ...fromNewAddress(), 'content-type': type } });
    expect(res.status).toBe(415);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('the one-time link routes are held to the same rule', async () => {
    for (const path of ['/api/session/link', '/api/session/link/redeem']) {
      const res = await call('POST', path, { json: { email: people.mayor.email, token: 'x' }, headers: { ...fromNewAddress(), origin: 'https://evil.example' } });
      expect(res.status).toBe(403);
    }
  });

  it('our own page (same origin) signs in', async () => {
    const res = await signIn(people.mayor.email, PASSWORD, { ...fromNewAddress(), origin: base, 'sec-fetch-site': 'same-origin' });
    expect(res.status).toBe(201);
    expect(res.headers.get('set-cookie')).toMatch(/^cg_session=.*HttpOnly/i);
  });
});

describe('an unknown address answers as slowly as a known one', () => {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const timed = async (email: string) => {
    const started = process.hrtime.bigint();
    const res = await signIn(email, 'not the password');
    expect(res.status).toBe(401);
    return Number(process.hrtime.bigint() - started) / 1e6;
  };

  it('wrong password for a real account vs an address nobody has: medians within a factor of 2', async () => {
    await timed('warm-up@clayton.example');
    const known: number[] = [];
    const unknown: number[] = [];
    // Interleaved, so load on the machine falls on both alike; fewer tries than the account's lockout.
    for (let i = 0; i < 7; i += 1) {
      known.push(await timed(people.timing.email));
      unknown.push(await timed(`nobody-${i}@clayton.example`));
    }
    const ratio = median(known) / median(unknown);
    // The old decoy (cost 10 against real hashes at 12) answered unknown addresses about 4x faster.
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });
});

describe('the limits live in the shared store, not in one process', () => {
  const small: SignInLimits = {
    attemptsPerAddress: { points: 4, seconds: 60 },
    failuresPerAddress: { points: 3, seconds: 600 },
    failuresPerAccount: { points: 3, seconds: 600 },
  };
  let processA: string;
  let processB: string;

  beforeAll(async () => {
    const apiProcess = () => {
      const app = express();
      app.set('trust proxy', 'loopback');
      app.use(express.json());
      app.use(cookieParser());
      app.use(createSessionRouter({ db: database.db, config, signInLimits: small }));
      app.use(errorHandler);
      return listen(app);
    };
    [processA, processB] = await Promise.all([apiProcess(), apiProcess()]);
  });

  const from = (url: string) => apiCaller(() => fetchFrom(() => url));

  it('failures for one account on one process lock it on the other, from any address, even with the right password', async () => {
    for (let i = 0; i < 3; i += 1) expect((await from(processA)('POST', '/api/session', { json: { email: people.spray.email, password: `guess-${i}` }, headers: fromNewAddress() })).status).toBe(401);
    const locked = await from(processB)('POST', '/api/session', { json: { email: people.spray.email, password: PASSWORD }, headers: fromNewAddress() });
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBeTruthy();
  });

  it('one address trying many accounts is stopped, whichever account it tries next', async () => {
    const address = fromNewAddress();
    for (let i = 0; i < 3; i += 1) {
      expect((await from(i % 2 ? processA : processB)('POST', '/api/session', { json: { email: `spray-${i}@clayton.example`, password: 'x' }, headers: address })).status).toBe(401);
    }
    expect((await from(processA)('POST', '/api/session', { json: { email: people.lead.email, password: PASSWORD }, headers: address })).status).toBe(429);
  });

  it('one address cannot make us hash passwords without end', async () => {
    const address = fromNewAddress();
    const statuses = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await from(i % 2 ? processA : processB)('POST', '/api/session', { json: { email: people.lead.email, password: PASSWORD }, headers: address })).status);
    expect(statuses).toEqual([201, 201, 201, 201, 429]);
  });
});

describe('locking an official out during an active incident is impossible', () => {
  const mails = () => sinks.mail.messages().filter((m) => m.to.some((to) => to.includes(people.mayor.email)));

  beforeAll(async () => {
    for (let i = 0; i < 10; i += 1) expect((await signIn(people.mayor.email, `attacker-guess-${i}`)).status).toBe(401);
  });

  it('without an incident, the lock simply holds (and no link is offered)', async () => {
    const locked = await signIn(people.mayor.email, PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.json.error.details).toBeUndefined();
    expect(await requestSignInLink({ db: database.db, config, sendMail: async () => ({}) }, people.mayor.email)).toBe('not-eligible');
  });

  it('during an incident the locked answer offers an emailed link, which signs the official in once', async () => {
    const incident = await database.db.incident.create({
      data: {
        number: 'CI-2026-0901',
        workflowId: 'incident-CI-2026-0901',
        type: 'OFFICER_INVOLVED_SHOOTING',
        severity: 1,
        title: 'Active incident',
        summary: 'The attacker locks the mayor out now',
        policyVersion: 'clayton-2026.1',
        declaredById: people.mayor.id,
      },
    });
    await database.db.incidentRecipient.create({ data: { incidentId: incident.id, personId: people.deputy.id, role: 'MAYOR', kind: 'BACKUP' } });

    const locked = await signIn(people.mayor.email, PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.json.error.details).toEqual([{ field: 'signInLink', message: '/api/session/link' }]);

    const asked = await call('POST', '/api/session/link', { json: { email: people.mayor.email }, headers: fromNewAddress() });
    expect(asked.status).toBe(202);
    const [mail] = await eventually(async () => (mails().length > 0 ? mails() : undefined), 'the sign-in link email');
    const token = /#link=([A-Za-z0-9_-]+)/.exec(mail.text ?? '')?.[1];
    expect(token).toBeTruthy();
    expect(mail.text).toContain(`${base}/console/sign-in#link=`);

    // The stored record of the message never holds the live link.
    const [notification] = await database.db.notification.findMany({ where: { personId: people.mayor.id, purpose: SIGN_IN_LINK_PURPOSE } });
    expect(notification.body).not.toContain(token!);
    expect(notification.status).toBe('SENT');

    // Asking again (the attacker can ask too) sends nothing more in the same window.
    expect((await call('POST', '/api/session/link', { json: { email: people.mayor.email }, headers: fromNewAddress() })).status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(mails()).toHaveLength(1);

    const redeemed = await call('POST', '/api/session/link/redeem', { json: { token }, headers: fromNewAddress() });
    expect(redeemed.status).toBe(201);
    const cookie = (redeemed.headers.get('set-cookie') ?? '').split(';')[0];
    const me = await call('GET', '/api/me', { cookie });
    expect(me.json).toMatchObject({ via: 'session', person: { id: people.mayor.id } });

    const again = await call('POST', '/api/session/link/redeem', { json: { token }, headers: fromNewAddress() });
    expect(again.status).toBe(401);
    expect(again.json.error.code).toBe('invalid_link');
  });

  it('the link goes to officials and the incident\'s recipients only; anyone else gets the same answer and no mail', async () => {
    const noMail = { db: database.db, config, sendMail: async () => ({ messageId: `<${Math.random()}@test>` }) };
    expect(await requestSignInLink(noMail, people.lead.email)).toBe('not-eligible');
    expect(await requestSignInLink(noMail, 'nobody@clayton.example')).toBe('not-eligible');
    expect(await requestSignInLink(noMail, people.deputy.email)).toBe('sent');

    const known = await call('POST', '/api/session/link', { json: { email: people.timing.email }, headers: fromNewAddress() });
    const unknown = await call('POST', '/api/session/link', { json: { email: 'nobody@clayton.example' }, headers: fromNewAddress() });
    expect([known.status, unknown.status]).toEqual([202, 202]);
    expect(unknown.json).toEqual(known.json);
  });

  it('an expired link signs no one in', async () => {
    let sentText = '';
    const capture = { db: database.db, config, sendMail: async (mail: { text: string }) => ((sentText = mail.text), {}) };
    expect(await requestSignInLink(capture, people.timing.email, new Date(Date.now() - 60 * 60_000))).toBe('sent');
    const token = /#link=([A-Za-z0-9_-]+)/.exec(sentText)?.[1];
    const res = await call('POST', '/api/session/link/redeem', { json: { token }, headers: fromNewAddress() });
    expect(res.status).toBe(401);
  });
});

describe('security headers', () => {
  it('HSTS and Secure cookies where the public address is https; neither on plain http', async () => {
    const httpsApp = await listen(createApp({ db: database.db, temporal, config: { ...config, PUBLIC_BASE_URL: 'https://commonground.clayton.example' } }));
    const secure = apiCaller(() => fetchFrom(() => httpsApp));
    const page = await secure('GET', '/console/sign-in');
    expect(page.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const signedIn = await secure('POST', '/api/session', { json: { email: people.lead.email, password: PASSWORD }, headers: fromNewAddress() });
    expect(signedIn.status).toBe(201);
    expect(signedIn.headers.get('set-cookie')).toMatch(/;\s*Secure/i);

    const plain = await call('GET', '/console/sign-in');
    expect(plain.headers.get('strict-transport-security')).toBeNull();
  });
});
