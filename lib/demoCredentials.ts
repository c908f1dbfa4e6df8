// The embedded mode's published credentials, and the check that none of them
// is usable in a production database. The README lists them, so anyone can
// try them: production refuses to start while one is present.
import bcrypt from 'bcryptjs';
import type { Db } from './db';
import { hashToken } from './crypto';
import type { Role } from '../domain/roles';

/** Every demo person's console password (embedded mode only). */
export const DEMO_PASSWORD = 'demo-password';

/** The literal bearer tokens of the embedded mode (listed in the README). */
export const DEMO_TOKENS: Record<Role, string> = {
  CITY_MANAGER: 'demo-city-manager',
  POLICE_CHIEF: 'demo-police-chief',
  PIO: 'demo-pio',
  MAYOR: 'demo-mayor',
  ALDERMAN: 'demo-alderman',
  CITY_ATTORNEY: 'demo-city-attorney',
  STAKEHOLDER_LEAD: 'demo-stakeholder-lead',
  DEPUTY_CHIEF: 'demo-deputy-chief',
  COMMUNICATIONS_OFFICER: 'demo-communications-officer',
  DEPUTY_PIO: 'demo-deputy-pio',
  COURT_CLERK: 'demo-court-clerk',
};

export interface DemoCredentialFinding {
  kind: 'demo-token' | 'demo-password';
  /** Whose credential it is (an email), never the secret itself. */
  who: string;
}

/**
 * Unrevoked demo bearer tokens, and active people whose password is the demo
 * password. Each distinct hash is compared once (bcrypt salts differ per hash,
 * so a digest lookup cannot find them).
 */
export async function findDemoCredentials(db: Db): Promise<DemoCredentialFinding[]> {
  const tokens = await db.apiToken.findMany({
    where: { tokenHash: { in: Object.values(DEMO_TOKENS).map(hashToken) }, revokedAt: null },
    select: { person: { select: { email: true } } },
  });
  const findings: DemoCredentialFinding[] = tokens.map((t) => ({ kind: 'demo-token', who: t.person.email }));

  const people = await db.person.findMany({ where: { active: true, passwordHash: { not: null } }, select: { email: true, passwordHash: true } });
  const verdicts = new Map<string, Promise<boolean>>();
  for (const person of people) {
    const hash = person.passwordHash!;
    if (!verdicts.has(hash)) verdicts.set(hash, bcrypt.compare(DEMO_PASSWORD, hash));
    if (await verdicts.get(hash)) findings.push({ kind: 'demo-password', who: person.email });
  }
  return findings;
}

/** The findings as the start-up refusal and the doctor print them. */
export function describeDemoCredentials(findings: DemoCredentialFinding[]): string[] {
  const list = (kind: DemoCredentialFinding['kind']) => findings.filter((f) => f.kind === kind).map((f) => f.who);
  const lines: string[] = [];
  const tokens = list('demo-token');
  const passwords = list('demo-password');
  if (tokens.length > 0) lines.push(`demo bearer tokens are valid in the database (for ${tokens.join(', ')}): revoke them`);
  if (passwords.length > 0) lines.push(`active people have the demo password "${DEMO_PASSWORD}" (${passwords.join(', ')}): reset or deactivate them`);
  return lines;
}

export class DemoCredentialsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Refusing to start in production mode:\n${problems.map((p) => `  - database: ${p}`).join('\n')}`);
    this.name = 'DemoCredentialsError';
  }
}

/** Production start-up stops here while any published credential would let someone in. */
export async function refuseDemoCredentials(db: Db, mode: 'embedded' | 'production'): Promise<void> {
  if (mode !== 'production') return;
  const problems = describeDemoCredentials(await findDemoCredentials(db));
  if (problems.length > 0) throw new DemoCredentialsError(problems);
}
