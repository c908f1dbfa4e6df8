// npm run person:deactivate -- <email>: the person can no longer sign in, be
// notified or act, and every signed link sent to them stops working for good
// (services/people.ts). Recorded in the audit trail as done by the operator.
import os from 'node:os';
import { config } from '../lib/config';
import { createDb } from '../lib/db';
import { deactivatePerson } from '../services/people';

async function main(): Promise<void> {
  const email = process.argv[2];
  if (!email) throw new Error('usage: npm run person:deactivate -- <email>');
  const db = createDb(config().DATABASE_URL, { max: 2 });
  try {
    const person = await db.person.findUnique({ where: { email }, select: { id: true, name: true } });
    if (!person) throw new Error(`no person with email ${email}`);
    await deactivatePerson(db, person.id, { actorId: null, actorLabel: `operator:${os.userInfo().username}` });
    console.log(`${person.name} <${email}> deactivated; their signed links no longer work`);
  } finally {
    await db.$disconnect();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
