// The delivery log's rows for many messages at once: one statement where one
// message at a time would take one round trip each. Used by the batch send
// (index.ts); each row is still one message with its own idempotency key.
import type { Db } from '../../lib/db';
import type { TxClient } from '../../lib/audit';
import type { Prisma } from '../../generated/prisma/client';

/** Rows written by this call; keys already in the log (a retried batch) are left out, to be resumed one by one. */
export async function insertNewRows(db: Db | TxClient, rows: Prisma.NotificationCreateManyInput[]): Promise<Map<string, { id: string; createdAt: Date }>> {
  if (rows.length === 0) return new Map();
  const created = await db.notification.createManyAndReturn({
    data: rows,
    skipDuplicates: true,
    select: { id: true, idempotencyKey: true, createdAt: true },
  });
  return new Map(created.map((row) => [row.idempotencyKey, { id: row.id, createdAt: row.createdAt }]));
}

/**
 * The rows among `ids` whose lease this attempt still holds (touched, so the
 * lease stays fresh). An attempt held up past its timeout has been replaced,
 * and the rows it lost are not its to send.
 */
export async function rowsStillLeased(db: Db | TxClient, ids: string[], lease: string): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const held = await db.$queryRaw<{ id: string }[]>`
    UPDATE "Notification" SET "updatedAt" = now()
    WHERE "id" = ANY(${ids}::text[]) AND "status" = 'PENDING' AND "providerStatus" = ${lease}
    RETURNING "id"`;
  return new Set(held.map((row) => row.id));
}

export interface AcceptedSend {
  id: string;
  providerMessageId: string;
  providerStatus: string | null;
  sentAt: Date;
}

/**
 * Marks accepted messages SENT in as few statements as the sends allow: a
 * send that completes while a write is under way joins the next one. Each
 * caller waits for its own row's write, so nobody is told "sent" before the
 * log says so. `advanced` is false where the row had already moved on (a
 * status callback got there first).
 */
export class SentRecorder {
  private queue: { send: AcceptedSend; done: (advanced: boolean) => void; failed: (err: unknown) => void }[] = [];
  private writing = false;

  constructor(private readonly db: Db | TxClient) {}

  record(send: AcceptedSend): Promise<boolean> {
    return new Promise((done, failed) => {
      this.queue.push({ send, done, failed });
      if (!this.writing) void this.writeQueued();
    });
  }

  private async writeQueued(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        try {
          const advanced = await this.markSent(batch.map((entry) => entry.send));
          for (const entry of batch) entry.done(advanced.has(entry.send.id));
        } catch (err) {
          for (const entry of batch) entry.failed(err);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  private async markSent(sends: AcceptedSend[]): Promise<Set<string>> {
    const rows = await this.db.$queryRaw<{ id: string }[]>`
      UPDATE "Notification" AS n
      SET "status" = 'SENT', "providerMessageId" = v.provider_message_id, "providerStatus" = v.provider_status,
          "sentAt" = v.sent_at, "lastError" = NULL, "updatedAt" = now()
      FROM unnest(${sends.map((s) => s.id)}::text[], ${sends.map((s) => s.providerMessageId)}::text[],
                  ${sends.map((s) => s.providerStatus)}::text[], ${sends.map((s) => s.sentAt)}::timestamptz[])
           AS v(id, provider_message_id, provider_status, sent_at)
      WHERE n."id" = v.id AND n."status" = 'PENDING'
      RETURNING n."id"`;
    return new Set(rows.map((row) => row.id));
  }
}
