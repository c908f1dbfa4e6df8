// Replies to incident emails. The email an official gets when an incident is
// declared (or when they are called in as a backup) has a signed Reply-To,
// ack+<notification>.<mac>@<reply domain> (lib/replyAddress.ts). A reply to it
// acknowledges the incident for the person that email was sent to, through
// the incident workflow's acknowledge update (via EMAIL_REPLY), when:
//  - one of its recipients is such an address and its signature holds (a
//    sender address alone never acknowledges anything);
//  - it comes from the address the email was sent to (a forwarded email
//    answered by someone else does not acknowledge for the official);
//  - it is not an automatic answer (out-of-office, bounce);
//  - it arrives within the acknowledgement link's lifetime (the `links.ack`
//    of the incident's pinned policy);
//  - like a signed link, it works only for a person who is still active and
//    whose links were not revoked after the email was sent.
// Every refusal that names a real message is audited for staff.
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Config } from '../lib/config';
import type { Db } from '../lib/db';
import { appendAudit } from '../lib/audit';
import { bareAddress, readReplyAddress } from '../lib/replyAddress';
import { acknowledgeUpdate } from '../domain/contracts/incident';
import { SYSTEM_ACTORS } from '../domain/systemActors';
import { currentPolicy, durationMs } from '../policy';
import { pinnedPolicyOf } from './policyView';
import { toHttpError } from './errors';
import { executeUpdate } from './temporal';

/**
 * The inbound-parse webhook's body (POST /webhooks/email/inbound, JSON). A
 * relay maps its provider's fields onto these; `to` lists the envelope
 * recipients (or the To and Cc addresses), `headers` the message's headers by
 * lower-case name (only the auto-reply ones are read).
 */
export const InboundEmailRequest = z.object({
  from: z.string().min(1).max(1_000).describe('The From header, e.g. "Mayor <mayor@example.org>"'),
  to: z.array(z.string().min(1).max(1_000)).min(1).max(100).describe('Recipient addresses: the envelope recipients, or To and Cc'),
  subject: z.string().max(2_000).optional(),
  text: z.string().max(200_000).optional().describe('The plain-text body (not read: any reply acknowledges)'),
  messageId: z.string().max(1_000).optional(),
  inReplyTo: z.string().max(1_000).optional(),
  headers: z.record(z.string().max(5_000)).optional().describe('Message headers by lower-case name, e.g. {"auto-submitted": "auto-replied"}'),
  receivedAt: z.string().max(100).optional(),
});
export type InboundEmail = z.infer<typeof InboundEmailRequest>;

export type InboundEmailOutcome =
  | 'acknowledged'
  | 'already-acknowledged'
  | 'not-for-us'
  | 'auto-reply'
  | 'sender-mismatch'
  | 'expired'
  | 'revoked'
  | 'incident-closed'
  | 'not-a-recipient';

/** The purposes of the emails whose reply acknowledges (a fallback email included). */
const ACKNOWLEDGEABLE = new Set(['incident.declared', 'incident.ack-escalation', 'incident.declared.fallback', 'incident.ack-escalation.fallback']);

/** RFC 3834 and the de-facto headers out-of-office and list software set; and bounces. */
export function isAutomaticReply(mail: Pick<InboundEmail, 'from' | 'headers'>): boolean {
  const h = Object.fromEntries(Object.entries(mail.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v.toLowerCase().trim()]));
  if (h['auto-submitted'] && h['auto-submitted'] !== 'no') return true;
  if (['bulk', 'junk', 'list', 'auto_reply'].includes(h.precedence ?? '')) return true;
  if (h['x-autoreply'] || h['x-autorespond'] || h['x-auto-response-suppress']?.includes('all')) return true;
  if (h['list-id'] || h['list-unsubscribe']) return true;
  const sender = bareAddress(mail.from) ?? '';
  return /^(mailer-daemon|postmaster)@/.test(sender);
}

export async function handleInboundEmail(
  { db, temporal, config }: { db: Db; temporal: Client; config: Pick<Config, 'LINK_SIGNING_SECRET' | 'INBOUND_EMAIL_DOMAIN'> },
  mail: InboundEmail,
  now = new Date(),
): Promise<{ outcome: InboundEmailOutcome; incident?: string }> {
  const address = mail.to.map((to) => readReplyAddress(to, config)).find((a) => a !== null);
  if (!address) return { outcome: 'not-for-us' };
  const notification = await db.notification.findUnique({
    where: { id: address.notificationId },
    select: { id: true, channel: true, purpose: true, incidentId: true, personId: true, toAddress: true, createdAt: true, incident: { select: { number: true, status: true, workflowId: true, policyVersion: true } } },
  });
  if (!notification || notification.channel !== 'EMAIL' || !notification.incident || !notification.personId || !ACKNOWLEDGEABLE.has(notification.purpose)) {
    return { outcome: 'not-for-us' };
  }
  const incident = notification.incident;
  const refuse = async (outcome: InboundEmailOutcome, reason: string) => {
    await appendAudit(db, {
      actorLabel: SYSTEM_ACTORS.INBOUND_EMAIL,
      action: 'incident.email-reply-refused',
      entityType: 'Notification',
      entityId: notification.id,
      incidentId: notification.incidentId,
      data: { personId: notification.personId, reason, from: mail.from.slice(0, 300), messageId: mail.messageId?.slice(0, 300) ?? null },
    });
    return { outcome, incident: incident.number };
  };

  if (isAutomaticReply(mail)) return { outcome: 'auto-reply', incident: incident.number };
  if (bareAddress(mail.from) !== notification.toAddress.trim().toLowerCase()) {
    return refuse('sender-mismatch', 'the reply did not come from the address the email was sent to');
  }
  const lifetime = (pinnedPolicyOf(incident.policyVersion) ?? currentPolicy()).links.ack;
  if (now.getTime() - notification.createdAt.getTime() > durationMs(lifetime)) {
    return refuse('expired', `the reply came more than ${lifetime} after the email`);
  }
  const [person, revocation] = await Promise.all([
    db.person.findUnique({ where: { id: notification.personId }, select: { active: true } }),
    db.linkRevocation.findUnique({ where: { personId: notification.personId } }),
  ]);
  if (!person?.active || (revocation && notification.createdAt <= revocation.revokedAt)) {
    return refuse('revoked', 'the person is no longer active, or their links were revoked after the email was sent');
  }
  if (incident.status === 'CLOSED') return { outcome: 'incident-closed', incident: incident.number };

  try {
    const result = await executeUpdate(
      temporal,
      incident.workflowId,
      acknowledgeUpdate,
      { personId: notification.personId, via: 'EMAIL_REPLY' },
      `incident ${incident.number} is no longer running`,
    );
    return { outcome: result.alreadyAcknowledged ? 'already-acknowledged' : 'acknowledged', incident: incident.number };
  } catch (err) {
    // 404: not one of its recipients; 409: closed, or the workflow has finished. Neither gets better by retrying.
    const answer = toHttpError(err);
    if (answer.status === 409) return { outcome: 'incident-closed', incident: incident.number };
    if (answer.status === 404) return { outcome: 'not-a-recipient', incident: incident.number };
    throw err;
  }
}
