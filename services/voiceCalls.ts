// Acknowledgement calls, the API's side: the key an official pressed (Twilio's
// gather callback) and the call's progress (its status callbacks). Both name
// the Notification row the call was placed for (?n=<id> in the callback URL,
// which Twilio's signature covers), and the row names the person and the
// incident; the call's sid must be the one we placed for that row.
import type { Db } from '../lib/db';
import { acknowledgeUpdate } from '../domain/contracts/incident';
import { incidentWorkflowId, spokenIncidentNumber } from '../domain/ids';
import type { IncidentUpdater } from './inboundSms';
import { withTimeout } from './timeLimit';

/** What the call says next, and whether it asks again for a key. */
export interface GatherAnswer {
  say: string;
  askAgain: boolean;
}

/**
 * The official pressed `digits` on an acknowledgement call. 1 acknowledges
 * (via PHONE); another key is asked again once; a call we cannot match to one
 * we placed acknowledges nothing.
 */
export async function answerCallKeypress(
  deps: { db: Db; temporal: IncidentUpdater; timeoutMs?: number },
  input: { notificationId: string | null; callSid: string; digits: string; askedAgain: boolean },
): Promise<GatherAnswer> {
  const row = input.notificationId
    ? await deps.db.notification.findUnique({
        where: { id: input.notificationId },
        select: { channel: true, personId: true, providerMessageId: true, incident: { select: { number: true, status: true } } },
      })
    : null;
  const ours = row && row.channel === 'VOICE' && row.personId && row.incident && (row.providerMessageId === null || row.providerMessageId === input.callSid);
  if (!ours) return { say: 'Sorry, this call could not be matched to an incident. Please use the link in your email. Goodbye.', askAgain: false };
  const incident = row.incident!;
  if (input.digits !== '1') {
    return input.askedAgain
      ? { say: 'No acknowledgement was recorded. Please use the link in your email or reply A C K to the text. Goodbye.', askAgain: false }
      : { say: 'To acknowledge the incident, press 1.', askAgain: true };
  }
  if (incident.status === 'CLOSED') return { say: 'This incident is closed; no acknowledgement is needed. Goodbye.', askAgain: false };
  try {
    await withTimeout(
      deps.temporal.workflow
        .getHandle(incidentWorkflowId(incident.number))
        .executeUpdate(acknowledgeUpdate, { args: [{ personId: row.personId!, via: 'PHONE' }] }),
      deps.timeoutMs ?? 10_000,
    );
    return { say: `Thank you. Your acknowledgement of incident ${spokenIncidentNumber(incident.number)} is recorded. Goodbye.`, askAgain: false };
  } catch (err) {
    console.error(JSON.stringify({ component: 'twilio-voice', msg: 'call acknowledgement failed', incident: incident.number, error: (err as Error).message }));
    return { say: 'Sorry, we could not record your acknowledgement. Please use the link in your email. Goodbye.', askAgain: false };
  }
}

/** Twilio's call statuses in the order they can happen; a late callback never moves a row backwards. */
const CALL_STATUS_RANK: Record<string, number> = {
  queued: 1,
  initiated: 2,
  ringing: 3,
  'in-progress': 4,
  answered: 4,
  completed: 5,
  busy: 5,
  'no-answer': 5,
  failed: 5,
  canceled: 5,
};

const UNANSWERED = new Set(['busy', 'no-answer', 'failed', 'canceled']);

/**
 * Moves a call's Notification forward: answered and completed is DELIVERED;
 * busy, not answered, failed or cancelled is FAILED (the workflow calls again
 * as the policy says). Unknown calls are ignored.
 */
export async function applyCallStatus(
  db: Db,
  input: { notificationId: string | null; callSid: string; callStatus: string; duration: string | null },
): Promise<boolean> {
  const incomingRank = CALL_STATUS_RANK[input.callStatus] ?? 0;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    let row = input.notificationId ? await db.notification.findUnique({ where: { id: input.notificationId } }) : null;
    if (!row || row.channel !== 'VOICE' || (row.providerMessageId !== null && row.providerMessageId !== input.callSid)) {
      row = await db.notification.findUnique({ where: { providerMessageId: input.callSid } });
    }
    if (!row || row.channel !== 'VOICE' || row.status === 'UNDELIVERABLE') return false;
    const currentRank = row.providerStatus ? (CALL_STATUS_RANK[row.providerStatus] ?? 0) : 0;
    if (incomingRank < currentRank) return false;

    let status = row.status;
    let lastError = row.lastError;
    if (input.callStatus === 'completed') status = 'DELIVERED';
    else if (UNANSWERED.has(input.callStatus)) {
      status = 'FAILED';
      lastError = `call ${input.callStatus}`;
    } else if (row.status === 'PENDING') status = 'SENT';

    try {
      await db.notification.update({
        where: { id: row.id, status: row.status, providerStatus: row.providerStatus },
        data: { status, providerStatus: input.callStatus, lastError, ...(row.providerMessageId === null ? { providerMessageId: input.callSid } : {}) },
        select: { id: true },
      });
      return true;
    } catch (err) {
      // P2025: the row changed since we read it; read it again.
      if ((err as { code?: unknown })?.code !== 'P2025') throw err;
    }
  }
  return false;
}
