// Fail closed: production is what runs outside embedded mode, and it refuses
// to start with any setting the repository publishes or that cannot work for
// real, listing every problem at once. `npm run doctor` prints the same list,
// plus the demo credentials it finds in the database; the production seed
// creates nothing fictional.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ConfigError, DEV_SECRET, SHIPPED_DEFAULTS, checkConfig, parseConfig } from '../../lib/config';
import { InvalidLinkTokenError } from '../../lib/crypto';
import { readLinkToken, signedLinkUrls } from '../../lib/links';
import { DemoCredentialsError, refuseDemoCredentials } from '../../lib/demoCredentials';
import { hashPassword } from '../../api/auth';
import { seedDemoRoster } from '../../scripts/seed-roster';
import { createTestDatabase, type TestDatabase } from '../harness/database';
import { REPO_ROOT } from '../harness/paths';

const run = promisify(execFile);

/** Settings a real deployment would give: nothing published, nothing loopback. */
const GOOD_PRODUCTION = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgresql://app:s3cret-from-vault@db.internal:5432/commonground',
  PUBLIC_BASE_URL: 'https://commonground.clayton.example',
  LINK_SIGNING_SECRET: 'x'.repeat(24) + 'a-real-random-secret',
  ACTOR_CLAIM_SECRET: 'y'.repeat(24) + 'another-real-random-key',
  TWILIO_ACCOUNT_SID: 'AC' + 'ab12'.repeat(8),
  TWILIO_AUTH_TOKEN: 'f00dfeedf00dfeedf00dfeedf00dfeed',
  TWILIO_FROM_NUMBER: '+13145559876',
  TWILIO_API_BASE_URL: '',
  SMTP_HOST: 'smtp.clayton.example',
  SMTP_PORT: '587',
  MAIL_FROM: 'City of Clayton <alerts@clayton.example>',
  AUDIT_CHECKPOINT_KEY: 'MC4CAQAwBQYDK2VwBCIEIIb8LkwQhvRe7KmQzbQmb9VooSztL6GjfmEAUvCDN/cN',
};

/** Every setting whose shipped default production refuses. */
const UNSAFE_SHIPPED_DEFAULTS = [
  'LINK_SIGNING_SECRET',
  'ACTOR_CLAIM_SECRET',
  'TWILIO_AUTH_TOKEN',
  'DATABASE_URL',
  'SMTP_HOST',
  'TWILIO_API_BASE_URL',
  'TWILIO_ACCOUNT_SID',
  'TWILIO_FROM_NUMBER',
  'MAIL_FROM',
  'PUBLIC_BASE_URL',
  'AUDIT_CHECKPOINT_KEY',
];

const problemKeys = (env: Record<string, string>) => checkConfig(env).problems.map((p) => p.key);

describe('production is the default outside embedded mode', () => {
  it('no environment at all is the embedded mode', () => {
    expect(parseConfig({}).MODE).toBe('embedded');
  });

  it.each([
    ['NODE_ENV=production', { NODE_ENV: 'production' }],
    ['a non-loopback bind', { API_HOST: '0.0.0.0' }],
    ['an IPv6 wildcard bind', { API_HOST: '::' }],
    ['MODE=production', { MODE: 'production' }],
    ['MODE=embedded with NODE_ENV=production', { MODE: 'embedded', NODE_ENV: 'production' }],
  ])('%s with the shipped defaults refuses to start, naming every unsafe setting at once', (_label, env) => {
    let error: unknown;
    try {
      parseConfig(env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const keys = (error as ConfigError).problems.map((p) => p.key);
    expect(new Set(keys)).toEqual(new Set(UNSAFE_SHIPPED_DEFAULTS));
    for (const key of UNSAFE_SHIPPED_DEFAULTS) expect((error as ConfigError).message).toContain(`${key}:`);
  });

  it('loopback binds stay embedded', () => {
    for (const API_HOST of ['127.0.0.1', 'localhost', '::1', '127.0.0.2']) expect(parseConfig({ API_HOST }).MODE).toBe('embedded');
  });

  it('a deployment with real settings starts in production mode', () => {
    const config = parseConfig(GOOD_PRODUCTION);
    expect(config.MODE).toBe('production');
    expect(checkConfig(GOOD_PRODUCTION).warnings).toEqual([]);
  });

  it.each([
    ['LINK_SIGNING_SECRET', DEV_SECRET],
    ['LINK_SIGNING_SECRET', 'short-but-16-chars'],
    ['TWILIO_AUTH_TOKEN', SHIPPED_DEFAULTS.TWILIO_AUTH_TOKEN],
    ['DATABASE_URL', SHIPPED_DEFAULTS.DATABASE_URL],
    ['SMTP_HOST', 'localhost'],
    ['TWILIO_API_BASE_URL', 'http://127.0.0.1:8026'],
    ['TWILIO_API_BASE_URL', 'http://sms-proxy.clayton.example'],
    ['TWILIO_ACCOUNT_SID', SHIPPED_DEFAULTS.TWILIO_ACCOUNT_SID],
    ['TWILIO_FROM_NUMBER', SHIPPED_DEFAULTS.TWILIO_FROM_NUMBER],
    ['MAIL_FROM', SHIPPED_DEFAULTS.MAIL_FROM],
    ['PUBLIC_BASE_URL', 'http://commonground.clayton.example'],
    ['AUDIT_CHECKPOINT_KEY', ''],
    ['WORKFLOW_BUNDLE_PATH', '/tmp/workflow-bundle.js'],
  ])('production refuses %s=%s', (key, value) => {
    expect(problemKeys({ ...GOOD_PRODUCTION, [key]: value })).toEqual([key]);
  });

  it('a link signed with the development secret does not verify in production, and production cannot be given that secret', () => {
    const forged = signedLinkUrls({ PUBLIC_BASE_URL: 'https://x', LINK_SIGNING_SECRET: DEV_SECRET }, { ack: 3600, review: 3600, progress: 3600 })
      .review({ statementId: 'st-1', personId: 'city-manager' })
      .split('token=')[1];
    const production = parseConfig(GOOD_PRODUCTION);
    expect(() => readLinkToken(decodeURIComponent(forged), 'review', production)).toThrow(InvalidLinkTokenError);
    expect(() => parseConfig({ ...GOOD_PRODUCTION, LINK_SIGNING_SECRET: DEV_SECRET })).toThrow(/LINK_SIGNING_SECRET: is the development secret/);
    expect(() => parseConfig({ NODE_ENV: 'production', ...Object.fromEntries(Object.entries(GOOD_PRODUCTION).filter(([k]) => k !== 'LINK_SIGNING_SECRET')) })).toThrow(
      /LINK_SIGNING_SECRET/,
    );
  });

  it('a rehearsal may waive the local providers and http by name, never the secrets', () => {
    const rehearsal = { NODE_ENV: 'production', ALLOW_INSECURE: 'local-providers,http' };
    expect(new Set(problemKeys(rehearsal))).toEqual(new Set(['LINK_SIGNING_SECRET', 'ACTOR_CLAIM_SECRET', 'TWILIO_AUTH_TOKEN', 'DATABASE_URL', 'AUDIT_CHECKPOINT_KEY']));
    expect(checkConfig(rehearsal).warnings.join('\n')).toContain('ALLOW_INSECURE=local-providers,http waives production checks');
    expect(problemKeys({ ...rehearsal, ALLOW_INSECURE: 'everything' })).toContain('ALLOW_INSECURE.0');
  });

  it('SESSION_SECRET is gone: setting it only warns that it is unused', () => {
    const check = checkConfig({ ...GOOD_PRODUCTION, SESSION_SECRET: 'whatever-it-was' });
    expect(check.problems).toEqual([]);
    expect(check.warnings).toEqual([expect.stringContaining('SESSION_SECRET is set but not used')]);
  });
});

describe('secrets from files', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-secrets-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads <KEY>_FILE (a container secret), without its trailing line break', () => {
    const file = path.join(dir, 'link_signing_secret');
    fs.writeFileSync(file, 'a-secret-that-came-from-a-mounted-file\n');
    const { LINK_SIGNING_SECRET: _unused, ...rest } = GOOD_PRODUCTION;
    const config = parseConfig({ ...rest, LINK_SIGNING_SECRET_FILE: file });
    expect(config.LINK_SIGNING_SECRET).toBe('a-secret-that-came-from-a-mounted-file');
  });

  it('refuses a missing file and a secret given twice, alongside every other problem', () => {
    const keys = problemKeys({ NODE_ENV: 'production', TWILIO_AUTH_TOKEN_FILE: path.join(dir, 'missing'), SMTP_PASSWORD: 'x', SMTP_PASSWORD_FILE: path.join(dir, 'missing') });
    expect(keys).toEqual(expect.arrayContaining(['TWILIO_AUTH_TOKEN_FILE', 'SMTP_PASSWORD_FILE', 'LINK_SIGNING_SECRET', 'PUBLIC_BASE_URL']));
  });
});

describe('the published demo credentials in a production database', () => {
  let database: TestDatabase;
  const env = () => ({ ...process.env, ...GOOD_PRODUCTION, DATABASE_URL: database.url, PRISMA_SCHEMA_ENGINE_BINARY: '/bin/true', PRISMA_QUERY_ENGINE_LIBRARY: '/bin/true' });
  const tsx = (script: string, args: string[] = []) =>
    run(path.join(REPO_ROOT, 'node_modules/.bin/tsx'), [path.join(REPO_ROOT, script), ...args], { cwd: REPO_ROOT, env: env() }).then(
      (r) => ({ status: 0, output: r.stdout + r.stderr }),
      (err: { code: number; stdout: string; stderr: string }) => ({ status: err.code, output: err.stdout + err.stderr }),
    );

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database?.drop());

  it('the production seed creates no fictional people; a roster file adds real ones with tokens and no passwords', async () => {
    const seeded = await tsx('scripts/seed.ts');
    expect(seeded).toMatchObject({ status: 0 });
    expect(seeded.output).toContain('no demo people or plan are seeded');
    expect(await database.db.person.count()).toBe(0);
    expect(await database.db.actionPlan.count()).toBe(0);

    const file = path.join(os.tmpdir(), `cg-roster-${process.pid}.json`);
    fs.writeFileSync(
      file,
      JSON.stringify([
        { name: 'Real Manager', title: 'City Manager', email: 'Manager@Clayton.example', roles: ['CITY_MANAGER'], backupEmail: 'deputy@clayton.example' },
        { name: 'Real Deputy', title: 'Assistant City Manager', email: 'deputy@clayton.example' },
      ]),
    );
    try {
      const withRoster = await tsx('scripts/seed.ts', ['--roster', file]);
      expect(withRoster).toMatchObject({ status: 0 });
      expect(withRoster.output).toMatch(/manager@clayton\.example\s+\S{40,}/);
    } finally {
      fs.rmSync(file, { force: true });
    }
    const people = await database.db.person.findMany({ orderBy: { email: 'asc' }, include: { backup: true } });
    expect(people.map((p) => [p.email, p.passwordHash, p.backup?.email ?? null])).toEqual([
      ['deputy@clayton.example', null, null],
      ['manager@clayton.example', null, 'deputy@clayton.example'],
    ]);
  });

  it('the API refuses to start while demo tokens or the demo password would let someone in; the doctor lists them', async () => {
    await refuseDemoCredentials(database.db, 'production');
    await seedDemoRoster(database.db, { embeddedTokens: true, bcryptRounds: 4 });

    await expect(refuseDemoCredentials(database.db, 'embedded')).resolves.toBeUndefined();
    const refusal = await refuseDemoCredentials(database.db, 'production').catch((err: unknown) => err);
    expect(refusal).toBeInstanceOf(DemoCredentialsError);
    expect((refusal as Error).message).toMatch(/demo bearer tokens are valid in the database \(for .*city\.manager@example\.org/);
    expect((refusal as Error).message).toMatch(/active people have the demo password "demo-password" \(.*mayor@example\.org/);

    const doctor = await tsx('scripts/doctor.ts');
    expect(doctor.status).toBe(1);
    expect(doctor.output).toContain('mode: production');
    expect(doctor.output).toMatch(/- database: demo bearer tokens are valid/);
    expect(doctor.output).toMatch(/- database: active people have the demo password/);

    // Revoked tokens and real passwords: nothing left to refuse.
    await database.db.apiToken.updateMany({ data: { revokedAt: new Date() } });
    await database.db.person.updateMany({ data: { passwordHash: await hashPassword('a long and real passphrase') } });
    await expect(refuseDemoCredentials(database.db, 'production')).resolves.toBeUndefined();
    const healthy = await tsx('scripts/doctor.ts');
    expect(healthy).toMatchObject({ status: 0 });
    expect(healthy.output).toContain('ok: nothing production would refuse');
  });

  it('the doctor, in a production-like environment with the shipped defaults, lists each unsafe setting', async () => {
    const doctor = await run(path.join(REPO_ROOT, 'node_modules/.bin/tsx'), [path.join(REPO_ROOT, 'scripts/doctor.ts')], {
      cwd: REPO_ROOT,
      // Only what a forgetful deployment sets: the image's NODE_ENV.
      env: { PATH: process.env.PATH, NODE_ENV: 'production', PRISMA_SCHEMA_ENGINE_BINARY: '/bin/true', PRISMA_QUERY_ENGINE_LIBRARY: '/bin/true' },
    }).catch((err: { code: number; stdout: string }) => ({ code: err.code, stdout: err.stdout }));
    expect((doctor as { code?: number }).code).toBe(1);
    const listed = [...doctor.stdout.matchAll(/^ {2}- ([A-Z_]+):/gm)].map((m) => m[1]);
    expect(new Set(listed)).toEqual(new Set(UNSAFE_SHIPPED_DEFAULTS));
    expect(doctor.stdout).toMatch(/- database: /);
  });
});
