// One-time sign-in links: the way in for an official whose password sign-in is
// locked (or forgotten) while an incident is active. Anyone may ask for one;
// the answer is the same whoever asks, and a link is only emailed to an active
// person who holds an incident role or is a recipient of an active incident.
// The link carries 256 random bits; only their digest is stored, it works once
// and expires after SIGN_IN_LINK_TTL_MINUTES. At most one email per person per
// SEND_WINDOW_MINUTES, whoever asks how often: the window's Notification row
// (unique idempotency key) is written before the message is sent.
import type { Db } from '../lib/db';
import type { Config } from '../lib/config';
import type { SendMail } from '../lib/smtp';
import { appendAudit } from '../lib/audit';
import { hashToken, randomToken } from '../lib/crypto';
import type { Role } from '../domain/roles';
import { isPermitted } from './policyView';

export const SIGN_IN_LINK_TTL_MINUTES = 15;
export const SEND_WINDOW_MINUTES = 5;
export const SIGN_IN_LINK_PURPOSE = 'sign_in_link';
/** The Notification row and the delivery log never hold a live link. */
const STORED_BODY = 'One-time sign-in link (the link itself is not stored).';

export interface SignInLinkDeps {
  db: Db;
  config: Pick<Config, 'PUBLIC_BASE_URL'>;
  sendMail: SendMail;
}

export type LinkRequestOutcome = 'sent' | 'already-sent-in-window' | 'not-eligible' | 'send-failed';

const isUniqueViolation = (err: unknown) => typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'P2002';

/** True while an incident is active and the person is one of its officials. */
export async function mayUseSignInLink(db: Db, person: { id: string; roles: readonly Role[] }): Promise<boolean> {
  const activeIncidents = await db.incident.count({ where: { status: 'ACTIVE' } });
  if (activeIncidents === 0) return false;
  if (isPermitted([...person.roles], 'readIncidents')) return true;
  return (await db.incidentRecipient.count({ where: { personId: person.id, incident: { status: 'ACTIVE' } } })) > 0;
}

export const anyIncidentActive = async (db: Db): Promise<boolean> => (await db.incident.count({ where: { status: 'ACTIVE' } })) > 0;

export function signInLinkUrl(config: Pick<Config, 'PUBLIC_BASE_URL'>, token: string): string {
  // In the fragment: never sent to the server, a proxy's log or a Referer; the page posts it.
  return `${config.PUBLIC_BASE_URL.replace(/\/$/, '')}/console/sign-in#link=${token}`;
}

export async function requestSignInLink(deps: SignInLinkDeps, email: string, now = new Date()): Promise<LinkRequestOutcome> {
  const { db } = deps;
  const person = await db.person.findFirst({
    where: { email: { equals: email, mode: 'insensitive' }, active: true },
    select: { id: true, email: true, name: true, roles: true },
  });
  if (!person || !(await mayUseSignInLink(db, person))) return 'not-eligible';

  const window = Math.floor(now.getTime() / (SEND_WINDOW_MINUTES * 60_000));
  const subject = 'Your one-time sign-in link';
  let notificationId: string;
  try {
    const row = await db.notification.create({
      data: {
        idempotencyKey: `sign-in-link:${person.id}:${window}`,
        personId: person.id,
        channel: 'EMAIL',
        toAddress: person.email,
        purpose: SIGN_IN_LINK_PURPOSE,
        subject,
        body: STORED_BODY,
        provider: 'smtp',
      },
    });
    notificationId = row.id;
  } catch (err) {
    if (isUniqueViolation(err)) return 'already-sent-in-window';
    throw err;
  }

  const token = randomToken();
  const expiresAt = new Date(now.getTime() + SIGN_IN_LINK_TTL_MINUTES * 60_000);
  await db.signInLink.create({ data: { personId: person.id, tokenHash: hashToken(token), expiresAt } });
  await appendAudit(db, { actorId: person.id, actorLabel: person.name, action: 'auth.sign-in-link.sent', entityType: 'Person', entityId: person.id, data: { expiresAt: expiresAt.toISOString() } });
  try {
    const info = await deps.sendMail({
      to: person.email,
      subject,
      text: [
        `${person.name},`,
        '',
        'Someone asked to sign you in to the Common Ground staff console while an incident is active.',
        `This link signs you in once, within ${SIGN_IN_LINK_TTL_MINUTES} minutes:`,
        '',
        signInLinkUrl(deps.config, token),
        '',
        'If it was not you, someone may be trying to sign in as you: tell the city\'s IT security contact.',
      ].join('\n'),
    });
    await db.notification.update({ where: { id: notificationId }, data: { status: 'SENT', sentAt: new Date(), attempts: 1, providerMessageId: info.messageId ?? null } });
    return 'sent';
  } catch (err) {
    await db.notification.update({ where: { id: notificationId }, data: { status: 'FAILED', attempts: 1, lastError: (err as Error).message.slice(0, 500) } });
    return 'send-failed';
  }
}

/** The person a link signs in, once; undefined for an unknown, used or expired link or an inactive person. */
export async function redeemSignInLink(db: Db, token: string, now = new Date()) {
  const link = await db.signInLink.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { person: { select: { id: true, name: true, title: true, email: true, roles: true, active: true, language: true } } },
  });
  if (!link || link.usedAt || link.expiresAt <= now || !link.person.active) return undefined;
  // Two tabs redeeming the same link race here; exactly one wins.
  const claimed = await db.signInLink.updateMany({ where: { id: link.id, usedAt: null }, data: { usedAt: now } });
  if (claimed.count !== 1) return undefined;
  await appendAudit(db, { actorId: link.person.id, actorLabel: link.person.name, action: 'auth.sign-in-link.used', entityType: 'Person', entityId: link.person.id });
  return link.person;
}
