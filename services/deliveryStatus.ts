// Twilio delivery status callbacks move a Notification row forward.
import type { Db } from '../lib/db';

/** Twilio's message statuses in the order they can happen; a late callback never moves a row backwards. */
const STATUS_RANK: Record<string, number> = {
  accepted: 1,
  scheduled: 1,
  queued: 1,
  sending: 2,
  sent: 3,
  delivered: 4,
  read: 4,
  undelivered: 4,
  failed: 4,
  canceled: 4,
};

/**
 * Moves a Notification forward on a Twilio status callback. Finds the row by
 * the id we put in the callback URL (a callback can outrun our own write of
 * the message sid) or else by the sid. Unknown messages are ignored.
 */
export async function applyStatusCallback(
  db: Db,
  input: { sid: string; providerStatus: string; errorCode: string | null; notificationId: string | null },
): Promise<boolean> {
  const incomingRank = STATUS_RANK[input.providerStatus] ?? 0;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    let row = input.notificationId ? await db.notification.findUnique({ where: { id: input.notificationId } }) : null;
    if (!row || (row.providerMessageId !== null && row.providerMessageId !== input.sid) || row.channel !== 'SMS') {
      row = await db.notification.findUnique({ where: { providerMessageId: input.sid } });
    }
    if (!row || row.status === 'UNDELIVERABLE') return false;
    const currentRank = row.providerStatus ? (STATUS_RANK[row.providerStatus] ?? 0) : 0;
    if (incomingRank < currentRank) return false;

    let status = row.status;
    let lastError = row.lastError;
    if (input.providerStatus === 'delivered' || input.providerStatus === 'read') status = 'DELIVERED';
    else if (input.providerStatus === 'undelivered' || input.providerStatus === 'failed') {
      status = 'FAILED';
      lastError = `twilio ${input.providerStatus}${input.errorCode ? ` (ErrorCode ${input.errorCode})` : ''}`;
    } else if (row.status === 'PENDING') status = 'SENT';

    // Optimistic: only if nobody changed the row since we read it; otherwise read again.
    try {
      await db.notification.update({
        where: { id: row.id, status: row.status, providerStatus: row.providerStatus },
        data: {
          status,
          providerStatus: input.providerStatus,
          lastError,
          ...(row.providerMessageId === null ? { providerMessageId: input.sid } : {}),
        },
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
