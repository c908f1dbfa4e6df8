// The demo roster: plainly fictional people holding the plan's roles, each
// with a backup. Addresses are example.org; phones are in the fictional
// +1 314 555 01xx range, except one alderman whose +1555000 number the SMS
// sink rejects as invalid (Twilio 21211), so the email fallback is visible.
import bcrypt from 'bcryptjs';
import type { Person } from '../generated/prisma/client';
import type { Db } from '../lib/db';
import { hashToken, randomToken } from '../lib/crypto';
import { DEMO_PASSWORD, DEMO_TOKENS } from '../lib/demoCredentials';
import type { Role } from '../domain/roles';
import { savePersonByEmail } from '../services/people';

export type RoleKey = Role;

// The published demo credentials live in lib/ so production can refuse them (lib/demoCredentials.ts).
export { DEMO_PASSWORD, DEMO_TOKENS };

interface DemoPerson {
  key: string;
  name: string;
  title: string;
  email: string;
  phone: string | null;
  /**
   * Backups are reached as backups only through the person they stand in for;
   * a deputy's own role (drafting statements, approving in the PIO's place)
   * makes them no incident recipient of their own.
   */
  roles: Role[];
  organisation: string;
  backup: string | null;
  /** This person's bearer token is the demo token for the role. */
  tokenFor?: RoleKey;
}

const phone = (n: number): string => `+13145550${String(n).padStart(2, '0')}`;

export const DEMO_ROSTER: readonly DemoPerson[] = [
  { key: 'mayor', name: 'Morgan Hale', title: 'Mayor (demo)', email: 'mayor@example.org', phone: phone(101), roles: ['MAYOR'], organisation: 'Office of the Mayor', backup: 'mayorProTem', tokenFor: 'MAYOR' },
  { key: 'mayorProTem', name: 'Riley Okafor', title: 'Alderman, Ward 1, Mayor Pro Tem (demo)', email: 'alderman.ward1@example.org', phone: phone(102), roles: ['ALDERMAN'], organisation: 'Board of Aldermen', backup: 'cityClerk', tokenFor: 'ALDERMAN' },
  { key: 'alderman2', name: 'Jordan Whitfield', title: 'Alderman, Ward 2 (demo)', email: 'alderman.ward2@example.org', phone: phone(103), roles: ['ALDERMAN'], organisation: 'Board of Aldermen', backup: 'mayorProTem' },
  // The SMS sink answers 21211 for +1555000...: this alderman's texts fall back to email.
  { key: 'alderman3', name: 'Casey Brandt', title: 'Alderman, Ward 3 (demo)', email: 'alderman.ward3@example.org', phone: '+15550001234', roles: ['ALDERMAN'], organisation: 'Board of Aldermen', backup: 'mayorProTem' },
  { key: 'alderman4', name: 'Devon Achebe', title: 'Alderman, Ward 3 (demo, second seat)', email: 'alderman.ward3b@example.org', phone: phone(104), roles: ['ALDERMAN'], organisation: 'Board of Aldermen', backup: 'mayorProTem' },
  { key: 'alderman5', name: 'Sam Lindqvist', title: 'Alderman, Ward 2 (demo, second seat)', email: 'alderman.ward2b@example.org', phone: phone(105), roles: ['ALDERMAN'], organisation: 'Board of Aldermen', backup: 'mayorProTem' },
  { key: 'cityClerk', name: 'Pat Moreno', title: 'City Clerk (demo)', email: 'city.clerk@example.org', phone: phone(106), roles: [], organisation: 'City Clerk', backup: null },

  { key: 'cityManager', name: 'Alex Rutherford', title: 'City Manager (demo)', email: 'city.manager@example.org', phone: phone(110), roles: ['CITY_MANAGER'], organisation: 'City Manager', backup: 'assistantCityManager', tokenFor: 'CITY_MANAGER' },
  { key: 'assistantCityManager', name: 'Jamie Castellanos', title: 'Assistant City Manager (demo)', email: 'assistant.city.manager@example.org', phone: phone(111), roles: [], organisation: 'City Manager', backup: null },

  { key: 'policeChief', name: 'Taylor Brennan', title: 'Police Chief (demo)', email: 'police.chief@example.org', phone: phone(120), roles: ['POLICE_CHIEF'], organisation: 'Police Department', backup: 'deputyChief', tokenFor: 'POLICE_CHIEF' },
  { key: 'deputyChief', name: 'Chris Nakamura', title: 'Deputy Police Chief (demo)', email: 'deputy.chief@example.org', phone: phone(121), roles: ['DEPUTY_CHIEF'], organisation: 'Police Department', backup: null, tokenFor: 'DEPUTY_CHIEF' },
  { key: 'communicationsOfficer', name: 'Sasha Whitcombe', title: 'Police Department Communications Officer (demo)', email: 'communications.officer@example.org', phone: phone(122), roles: ['COMMUNICATIONS_OFFICER'], organisation: 'Police Department', backup: 'deputyChief', tokenFor: 'COMMUNICATIONS_OFFICER' },

  { key: 'pio', name: 'Robin Adeyemi', title: 'Public Information Officer (demo)', email: 'pio@example.org', phone: phone(130), roles: ['PIO'], organisation: 'Communications', backup: 'deputyPio', tokenFor: 'PIO' },
  { key: 'deputyPio', name: 'Quinn Halvorsen', title: 'Deputy Public Information Officer (demo)', email: 'deputy.pio@example.org', phone: phone(131), roles: ['DEPUTY_PIO'], organisation: 'Communications', backup: null, tokenFor: 'DEPUTY_PIO' },

  { key: 'cityAttorney', name: 'Drew Kaminski', title: 'City Attorney (demo)', email: 'city.attorney@example.org', phone: phone(140), roles: ['CITY_ATTORNEY'], organisation: 'City Attorney', backup: 'deputyCityAttorney', tokenFor: 'CITY_ATTORNEY' },
  { key: 'deputyCityAttorney', name: 'Elliot Ferreira', title: 'Deputy City Attorney (demo)', email: 'deputy.city.attorney@example.org', phone: phone(141), roles: [], organisation: 'City Attorney', backup: null },

  // Owners of the action plan's items (Goals 1-3 and the business community).
  { key: 'engagementLead', name: 'Harper Osei', title: 'Community Engagement Lead (demo)', email: 'engagement.lead@example.org', phone: phone(150), roles: ['STAKEHOLDER_LEAD'], organisation: 'Residents and Community Engagement', backup: 'assistantCityManager', tokenFor: 'STAKEHOLDER_LEAD' },
  { key: 'dispatchLead', name: 'Kendall Ruiz', title: 'Dispatch Centre Supervisor (demo)', email: 'dispatch.lead@example.org', phone: phone(151), roles: ['STAKEHOLDER_LEAD'], organisation: 'Police Department', backup: 'deputyChief' },
  { key: 'courtLead', name: 'Avery Lindgren', title: 'Municipal Court Administrator (demo)', email: 'court.lead@example.org', phone: phone(152), roles: ['STAKEHOLDER_LEAD'], organisation: 'Municipal Court', backup: 'assistantCityManager' },
  { key: 'courtClerk', name: 'Jordan Whitfield', title: 'Municipal Court Clerk (demo)', email: 'court.clerk@example.org', phone: phone(154), roles: ['COURT_CLERK'], organisation: 'Municipal Court', backup: 'courtLead', tokenFor: 'COURT_CLERK' },
  { key: 'businessLead', name: 'Reese Takahashi', title: 'Business District Liaison (demo)', email: 'business.lead@example.org', phone: phone(153), roles: ['STAKEHOLDER_LEAD'], organisation: 'Business Owners', backup: 'assistantCityManager' },
];

export interface SeededRoster {
  /** Keyed by the roster key (mayor, cityManager, alderman3, engagementLead, ...). */
  people: Record<string, Person>;
  /** One bearer token per role; the literal demo tokens in embedded mode. */
  tokens: Record<RoleKey, string>;
}

// bcrypt is deliberately slow; every demo person shares the password, so hash it once per process and cost.
const demoPasswordHashes = new Map<number, Promise<string>>();
function demoPasswordHash(rounds: number): Promise<string> {
  if (!demoPasswordHashes.has(rounds)) demoPasswordHashes.set(rounds, bcrypt.hash(DEMO_PASSWORD, rounds));
  return demoPasswordHashes.get(rounds)!;
}

/**
 * Creates or updates the demo roster (by email), links backups, and issues a
 * bearer token per role. Safe to run again. With `embeddedTokens` the tokens
 * are the literal demo strings and everyone's password is `demo-password`;
 * otherwise fresh random tokens are issued (earlier seed tokens are revoked)
 * and no passwords are set. `bcryptRounds` (default 12) lets tests trade the
 * hash's cost for speed; verification reads the cost from the hash.
 */
export async function seedDemoRoster(
  db: Db,
  options: { embeddedTokens: boolean; bcryptRounds?: number },
): Promise<SeededRoster> {
  const passwordHash = options.embeddedTokens ? await demoPasswordHash(options.bcryptRounds ?? 12) : null;

  const people: Record<string, Person> = {};
  for (const demo of DEMO_ROSTER) {
    // Through the roster's one write path: the phone stored in E.164, unique among active people.
    const fields = { name: demo.name, title: demo.title, phone: demo.phone, roles: demo.roles, organisation: demo.organisation, active: true };
    people[demo.key] = await savePersonByEmail(db, demo.email, fields, { passwordHash });
  }
  for (const demo of DEMO_ROSTER) {
    const backupId = demo.backup ? people[demo.backup].id : null;
    if (people[demo.key].backupId !== backupId) {
      people[demo.key] = await db.person.update({ where: { id: people[demo.key].id }, data: { backupId } });
    }
  }

  const tokens = {} as Record<RoleKey, string>;
  for (const demo of DEMO_ROSTER) {
    if (!demo.tokenFor) continue;
    const person = people[demo.key];
    const label = `demo ${demo.tokenFor.toLowerCase().replace(/_/g, '-')}`;
    if (options.embeddedTokens) {
      const token = DEMO_TOKENS[demo.tokenFor];
      await db.apiToken.upsert({
        where: { tokenHash: hashToken(token) },
        create: { tokenHash: hashToken(token), personId: person.id, label },
        update: { personId: person.id, label, revokedAt: null, expiresAt: null },
      });
      tokens[demo.tokenFor] = token;
    } else {
      const token = randomToken();
      await db.$transaction([
        db.apiToken.updateMany({ where: { personId: person.id, label, revokedAt: null }, data: { revokedAt: new Date() } }),
        db.apiToken.create({ data: { tokenHash: hashToken(token), personId: person.id, label } }),
      ]);
      tokens[demo.tokenFor] = token;
    }
  }
  return { people, tokens };
}
