// The start-up rehearsals of a declaration, the worker's
// (activities/declarationRehearsal.ts) and the API's (rehearseDeclarationRecord):
// on a real database they run the statements a declaration runs, and keep
// nothing, not even an incident number, a bump of the public data version or
// a link in the audit chain.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../generated/prisma/client';
import { rehearseDeclaration } from '../../activities/declarationRehearsal';
import { createIncidentActivities } from '../../activities/incidents';
import { renderMessage } from '../../activities/notifications';
import { severityPolicy } from '../../domain/policy/lookups';
import { DEFAULT_POLICY } from '../../policy';
import { seedDemoRoster } from '../../scripts/seed-roster';
import { rehearseDeclarationRecord } from '../../services/declareIncident';
import { createTestConfig } from '../harness/config';
import { createTestDatabase, type TestDatabase } from '../harness/database';

let database: TestDatabase;
/** A client that reports each statement it sends. */
const loggingClient = (url: string) => new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 2 }), log: [{ emit: 'event', level: 'query' }] });
let logged: ReturnType<typeof loggingClient>;
const statements: string[] = [];

const config = createTestConfig();
const sample = { incidentNumber: 'CI-2026-0001', title: 'Rehearsal', severity: 1, type: 'X', typeLabel: 'X', summary: 'x', recipient: { id: 'p', name: 'P', title: 'T' } };
const input = {
  roles: severityPolicy(DEFAULT_POLICY, 1).recipients,
  policyVersion: DEFAULT_POLICY.version,
  rendered: { EMAIL: renderMessage('incident.declared', sample, 'EMAIL', config, new Date()), SMS: renderMessage('incident.declared', sample, 'SMS', config, new Date()) },
};

/** What a rehearsal could leave behind. */
async function footprint() {
  const db = database.db;
  const [version] = await db.$queryRaw<{ last_value: bigint }[]>`SELECT last_value FROM "public_data_version"`;
  return {
    incidents: await db.incident.count(),
    people: await db.person.count(),
    recipients: await db.incidentRecipient.count(),
    notifications: await db.notification.count(),
    auditEvents: await db.auditEvent.count(),
    incidentNumbers: await db.incidentSequence.findMany(),
    publicDataVersion: version.last_value,
  };
}

/**
 * Statements as sent, without the transaction's own BEGIN / COMMIT / ROLLBACK,
 * and with their lists of values folded: the same statement for ten people or
 * for one is the same statement to warm.
 */
const dataStatements = () =>
  statements
    .filter((s) => !/^(BEGIN|COMMIT|ROLLBACK)/i.test(s.trim()))
    .map((s) => s.replace(/\$\d+/g, '$').replace(/ IN \([$,]+\)/g, ' IN (…)').replace(/ VALUES \(.*?\)(?= ON CONFLICT| RETURNING|$)/, ' VALUES …'));

beforeAll(async () => {
  database = await createTestDatabase();
  logged = loggingClient(database.url);
  logged.$on('query', (e) => statements.push(e.query));
});

afterAll(async () => {
  await logged?.$disconnect();
  await database?.drop();
});

test('on a database with nobody in it yet, the rehearsal still writes a declaration (one rehearsal person, email and text) and keeps none of it', async () => {
  const before = await footprint();
  expect(await rehearseDeclaration(database.db, input)).toBe(2);
  expect(await footprint()).toEqual(before);
});

test("with the roster, it writes every recipient's rows, then keeps nothing", async () => {
  await seedDemoRoster(database.db, { embeddedTokens: false, bcryptRounds: 4 });
  const recipients = await database.db.person.count({ where: { active: true, roles: { hasSome: input.roles } } });
  const reachable = await database.db.person.count({ where: { active: true, roles: { hasSome: input.roles }, phone: { not: null } } });
  const before = await footprint();
  expect(await rehearseDeclaration(database.db, input)).toBe(recipients + reachable + 2);
  expect(await footprint()).toEqual(before);
});

test("a real declaration's recipients are read and recorded with the statements the rehearsal ran", async () => {
  statements.length = 0;
  await rehearseDeclaration(logged as never, input);
  const rehearsed = new Set(dataStatements());
  // The delivery log: rows written, leases checked, sends marked SENT.
  expect([...rehearsed].some((s) => /^INSERT INTO "public"\."Notification"/.test(s))).toBe(true);
  expect([...rehearsed].some((s) => s.includes('UPDATE "Notification" SET "updatedAt" = now()'))).toBe(true);
  expect([...rehearsed].some((s) => s.includes('UPDATE "Notification" AS n'))).toBe(true);

  const declarer = await database.db.person.findFirstOrThrow({ where: { roles: { has: 'CITY_MANAGER' } } });
  const incident = await database.db.incident.create({
    data: { number: 'CI-2026-0100', workflowId: 'incident-CI-2026-0100', type: 'X', severity: 1, title: 'Real', summary: 'x', policyVersion: DEFAULT_POLICY.version, declaredById: declarer.id },
  });
  statements.length = 0;
  const activities = createIncidentActivities({ db: logged as never, config: { POLICY_FILE: undefined } });
  const { recipients } = await activities.prepareDeclaration({ version: DEFAULT_POLICY.version, severity: 1, incidentId: incident.id, at: new Date().toISOString() });
  expect(recipients.length).toBeGreaterThan(0);
  const real = dataStatements();
  expect(real.length).toBeGreaterThan(3);
  expect(real.filter((s) => !rehearsed.has(s))).toEqual([]);
});

test("the API's rehearsal writes a declaration's record (number, incident, audit event) and keeps nothing, not even the number", async () => {
  await database.db.incidentSequence.upsert({ where: { year: 2026 }, create: { year: 2026, last: 7 }, update: {} });
  const before = await footprint();
  statements.length = 0;
  await rehearseDeclarationRecord(logged as never, config);
  const rehearsed = dataStatements();
  for (const table of ['IncidentSequence', 'Incident', 'AuditEvent']) {
    expect(rehearsed.some((s) => s.includes(`INSERT INTO "${table}"`) || s.includes(`INSERT INTO "public"."${table}"`))).toBe(true);
  }
  expect(await footprint()).toEqual(before);
});
