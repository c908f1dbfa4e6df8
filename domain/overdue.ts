// The single definitions of "overdue" and "in the future". Every page, read
// model and API answer asks these; none computes its own.

type Instant = Date | string | number;

const ms = (t: Instant): number => (t instanceof Date ? t.getTime() : typeof t === 'number' ? t : Date.parse(t));

/** A due time has passed from the instant it falls due (the ladder's first rung fires then). */
export const isPastDue = (dueAt: Instant, now: Instant): boolean => ms(dueAt) <= ms(now);

/** Strictly later than now: new due dates, extensions and start dates must be. */
export const isInFuture = (at: Instant, now: Instant): boolean => ms(at) > ms(now);

/**
 * An incident deadline: missed, or still open past its due time. One whose
 * clock a counsel's hold has stopped (heldSince) is not overdue while held.
 */
export function isDeadlineOverdue(deadline: { status: string; dueAt: Instant; heldSince?: Instant | null }, now: Instant): boolean {
  return deadline.status === 'MISSED' || (deadline.status === 'OPEN' && !deadline.heldSince && isPastDue(deadline.dueAt, now));
}

/** An action item: not done and past its due time. */
export function isItemOverdue(item: { status: string; dueAt: Instant }, now: Instant): boolean {
  return item.status !== 'DONE' && isPastDue(item.dueAt, now);
}
