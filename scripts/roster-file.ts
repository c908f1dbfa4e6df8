// The production roster: real people from a JSON file the city keeps, never
// the fictional demo roster. Upserted by email (safe to run again); backups are
// named by email; each person holding a role gets a fresh bearer token (an
// earlier one from this script is revoked), shown once. No passwords are set.
import fs from 'node:fs';
import { z } from 'zod';
import type { Db } from '../lib/db';
import { hashToken, randomToken } from '../lib/crypto';
import { ROLES } from '../domain/roles';

const rosterSchema = z
  .array(
    z.object({
      name: z.string().trim().min(1).max(200),
      title: z.string().trim().min(1).max(200),
      email: z.string().trim().toLowerCase().email(),
      phone: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number').nullable().default(null),
      roles: z.array(z.enum(ROLES)).default([]),
      organisation: z.string().trim().min(1).max(200).nullable().default(null),
      backupEmail: z.string().trim().toLowerCase().email().nullable().default(null),
    }),
  )
  .superRefine((people, ctx) => {
    const emails = new Set(people.map((p) => p.email));
    people.forEach((p, i) => {
      if (p.backupEmail && !emails.has(p.backupEmail)) ctx.addIssue({ code: 'custom', path: [i, 'backupEmail'], message: `${p.backupEmail} is not in the file` });
      if (p.backupEmail === p.email) ctx.addIssue({ code: 'custom', path: [i, 'backupEmail'], message: 'a person cannot be their own backup' });
    });
  });

export type RosterFile = z.infer<typeof rosterSchema>;

export function readRosterFile(file: string): RosterFile {
  const result = rosterSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!result.success) {
    throw new Error(`${file}: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return result.data;
}

const TOKEN_LABEL = 'roster file';

/** Returns the new bearer token of each person with a role, by email. */
export async function applyRoster(db: Db, roster: RosterFile): Promise<Record<string, string>> {
  const ids = new Map<string, string>();
  for (const p of roster) {
    const fields = { name: p.name, title: p.title, phone: p.phone, roles: p.roles, organisation: p.organisation, active: true };
    const person = await db.person.upsert({ where: { email: p.email }, create: { email: p.email, ...fields }, update: fields });
    ids.set(p.email, person.id);
  }
  const tokens: Record<string, string> = {};
  for (const p of roster) {
    const personId = ids.get(p.email)!;
    await db.person.update({ where: { id: personId }, data: { backupId: p.backupEmail ? ids.get(p.backupEmail)! : null } });
    if (p.roles.length === 0) continue;
    const token = randomToken();
    await db.$transaction([
      db.apiToken.updateMany({ where: { personId, label: TOKEN_LABEL, revokedAt: null }, data: { revokedAt: new Date() } }),
      db.apiToken.create({ data: { tokenHash: hashToken(token), personId, label: TOKEN_LABEL } }),
    ]);
    tokens[p.email] = token;
  }
  return tokens;
}
