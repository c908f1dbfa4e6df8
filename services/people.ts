// The roster's writes: every way a person is created, changed or deactivated
// goes through here, so a phone number is always stored in E.164 and belongs
// to at most one active person (inbound texts are matched by it), and
// deactivating someone also revokes every link they were sent.
import type { Db } from '../lib/db';
import type { Prisma } from '../generated/prisma/client';
import { appendAudit } from '../lib/audit';
import { toE164 } from '../domain/phone';
import type { Role } from '../domain/roles';
import { badRequest, conflict, notFound } from './errors';

export interface PersonFields {
  name: string;
  title: string;
  phone?: string | null;
  roles: Role[];
  organisation?: string | null;
  active?: boolean;
}

/** The number as stored (E.164), null for none; a 400 naming `field` when it cannot be read. */
export function storedPhone(phone: string | null | undefined, field = 'phone'): string | null {
  if (phone === undefined || phone === null || phone.trim() === '') return null;
  const normalised = toE164(phone);
  if (!normalised) throw badRequest(field, `${field} must be a phone number in international form, e.g. +13145550101`, 'invalid_input', { code: 'invalid_phone' });
  return normalised;
}

/** The database said the number is already an active person's (partial unique index Person_phone_active_key). */
const isPhoneTaken = (err: unknown): boolean => {
  const e = err as { code?: unknown; message?: unknown; meta?: { target?: unknown } };
  if (e?.code !== 'P2002') return false;
  return JSON.stringify(e.meta?.target ?? '').includes('phone') || String(e.message ?? '').includes('Person_phone_active_key');
};

async function withPhoneConflictAnswered<T>(phone: string | null, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (phone && isPhoneTaken(err)) throw conflict(`phone ${phone} already belongs to another active person`, 'phone_taken');
    throw err;
  }
}

/** Creates the person with this email, or updates them (the roster seed and any import use this). */
export async function savePersonByEmail(db: Db, email: string, fields: PersonFields, extra: Pick<Prisma.PersonCreateInput, 'passwordHash'> = {}) {
  const phone = storedPhone(fields.phone);
  const data = { ...fields, phone, active: fields.active ?? true };
  return withPhoneConflictAnswered(phone, () =>
    db.person.upsert({
      where: { email },
      create: { email, ...data, ...extra },
      update: { ...data, ...(extra.passwordHash ? { passwordHash: extra.passwordHash } : {}) },
    }),
  );
}

/** Changes a person's details; a phone given is normalised, and refused when another active person has it. */
export async function updatePerson(db: Db, personId: string, fields: Partial<PersonFields>) {
  const phone = fields.phone === undefined ? undefined : storedPhone(fields.phone);
  return withPhoneConflictAnswered(phone ?? null, async () => {
    try {
      return await db.person.update({ where: { id: personId }, data: { ...fields, ...(phone === undefined ? {} : { phone }) } });
    } catch (err) {
      if ((err as { code?: unknown })?.code === 'P2025') throw notFound(`person ${personId}`);
      throw err;
    }
  });
}

/**
 * Deactivates a person: they can no longer sign in, be notified or act, and
 * every signed link sent to them so far stops working for good (also if they
 * are made active again later). Recorded in the audit trail.
 */
export async function deactivatePerson(db: Db, personId: string, by: { actorId: string | null; actorLabel: string }, at = new Date()) {
  return db.$transaction(async (tx) => {
    const person = await tx.person.findUnique({ where: { id: personId }, select: { id: true } });
    if (!person) throw notFound(`person ${personId}`);
    await tx.person.update({ where: { id: personId }, data: { active: false } });
    await tx.linkRevocation.upsert({ where: { personId }, create: { personId, revokedAt: at }, update: { revokedAt: at } });
    await tx.session.deleteMany({ where: { personId } });
    await appendAudit(tx, { ...by, action: 'person.deactivated', entityType: 'Person', entityId: personId, data: { linksRevokedAt: at.toISOString() }, at });
  });
}
