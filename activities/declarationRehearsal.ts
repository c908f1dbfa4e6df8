// A declaration's database work, done once at start-up inside a transaction
// that is then rolled back. The first declaration after start-up otherwise
// pays for each of its statements the first time (Prisma compiles each query
// shape on first use, PostgreSQL loads each table's catalogue entries): about
// a tenth of a second, measured on the incident workflow's history. The same
// functions the declaration runs are called here, so the shapes warmed are
// the shapes used; nothing survives the rollback (the audit chain and the
// public data version are kept by commit-time triggers, which never fire).
import { randomUUID } from 'node:crypto';
import { rolledBack, type Db } from '../lib/db';
import type { TxClient } from '../lib/audit';
import type { Role } from '../domain/roles';
import type { RenderedMessage } from './notifications/templates';
import { recordIncidentRecipients } from './incidents';
import { insertNewRows, rowsStillLeased, SentRecorder } from './notifications/bulkRows';
import { deliveryLogRow, readAddressees, type PreparedMessage } from './notifications';

const REHEARSAL_LEASE = 'start-up rehearsal';

export interface RehearsalInput {
  /** Who a declaration tells first (the policy's most severe level). */
  roles: Role[];
  policyVersion: string;
  /** A declaration's messages as rendered, by channel. */
  rendered: Record<'EMAIL' | 'SMS', RenderedMessage>;
}

/** The rows a declaration would have written (all rolled back). */
export function rehearseDeclaration(db: Db, input: RehearsalInput): Promise<number> {
  return rolledBack(db, (tx) => declareAndLog(tx, input));
}

async function declareAndLog(tx: TxClient, { roles, policyVersion, rendered }: RehearsalInput): Promise<number> {
  const number = `WARM-UP-${randomUUID()}`;
  const incident = await tx.incident.create({
    data: { number, workflowId: number, type: 'WARM_UP', severity: 1, title: 'Start-up rehearsal', summary: 'Never committed.', policyVersion, declaredById: 'warm-up' },
    select: { id: true },
  });
  // Someone to tell even on a database with no people yet, as on a first start.
  await tx.person.create({
    data: { name: 'Start-up rehearsal', title: 'Never committed', email: `${number.toLowerCase()}@warm-up.invalid`, phone: '+15005550006', roles: roles.slice(0, 1) },
    select: { id: true },
  });
  const recipients = await recordIncidentRecipients(tx, incident.id, roles, new Date());
  const people = await readAddressees(tx, recipients.map((r) => r.personId));
  const messages: PreparedMessage[] = [...people.values()].flatMap((person) =>
    (['EMAIL', 'SMS'] as const).map((channel) => ({
      idempotencyKey: `${number}:${person.id}:${channel}`,
      channel,
      purpose: 'incident.declared',
      address: channel === 'EMAIL' ? person.email : person.phone,
      unreachable: null,
      displayName: person.name,
      rendered: rendered[channel],
      personId: person.id,
      incidentId: incident.id,
    })),
  );
  const created = await insertNewRows(tx, messages.filter((m) => m.address).map((m) => deliveryLogRow(m, REHEARSAL_LEASE)));
  const ids = [...created.values()].map((row) => row.id);
  const leased = await rowsStillLeased(tx, ids, REHEARSAL_LEASE);
  const recorder = new SentRecorder(tx);
  await Promise.all([...leased].map((id) => recorder.record({ id, providerMessageId: `rehearsal-${id}`, providerStatus: 'queued', sentAt: new Date() })));
  return created.size;
}
