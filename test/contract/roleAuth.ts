// A Web Fuzzing Commons auth document with one entry per role, each sending
// that role's bearer token. schemathesis starts every operation with the first
// entry and moves an operation on to the next identity when it answers 401 or
// 403, so each operation is exercised by a role the policy lets use it. The
// PIO comes first because it drafts and approves statements (the chain the
// stateful phase should walk, which a first role refused at drafting used up
// its budget reaching); the city manager next declares and signs off.
import fs from 'node:fs';
import path from 'node:path';
import type { RoleKey } from '../../scripts/seed-roster';

const FIRST: readonly RoleKey[] = ['PIO', 'CITY_MANAGER'];

export function writeRoleAuthFile(dir: string, tokens: Record<RoleKey, string>): string {
  const roles = [...FIRST, ...(Object.keys(tokens) as RoleKey[]).filter((role) => !FIRST.includes(role))];
  const document = {
    schemaVersion: '1.0',
    auth: roles.map((role) => ({
      name: role,
      fixedHeaders: [{ name: 'Authorization', value: `Bearer ${tokens[role]}` }],
    })),
  };
  const file = path.join(dir, 'roles.wfc.json');
  fs.writeFileSync(file, JSON.stringify(document, null, 2));
  return file;
}
