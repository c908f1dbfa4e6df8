// An incident deadline as every read model sees it: one row shape
// (domain/deadlineRow.ts), read from the database or from the running
// workflow's state, and one JSON form for staff.
import type { Prisma } from '../generated/prisma/client';
import type { DeadlineRow } from '../domain/deadlineRow';
import { isDeadlineOverdue } from '../domain/overdue';

/** The columns of a DeadlineRow, for queries that feed deadline views. */
export const deadlineRowSelect = {
  key: true,
  kind: true,
  title: true,
  dueAt: true,
  originalDueAt: true,
  status: true,
  metAt: true,
  overdueAt: true,
} as const satisfies Record<keyof DeadlineRow, true> & Prisma.DeadlineSelect;

export type ExtensionRow = Prisma.DeadlineExtensionGetPayload<{
  select: { fromDueAt: true; toDueAt: true; reason: true; byId: true; at: true };
}>;

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

const extensionJson = (e: ExtensionRow) => ({
  fromDueAt: e.fromDueAt.toISOString(),
  toDueAt: e.toDueAt.toISOString(),
  reason: e.reason,
  byId: e.byId,
  at: e.at.toISOString(),
});

/** A deadline's facts, and since when a counsel's hold has stopped its clock (if it has). */
export type HeldDeadlineRow = DeadlineRow & { heldSince?: Date | null };

/** A deadline for staff: its facts, whether it is overdue now, whether a hold stops it, and every extension. */
export function deadlineJson(row: HeldDeadlineRow, extensions: readonly ExtensionRow[], now: Date) {
  return {
    key: row.key,
    kind: row.kind,
    title: row.title,
    dueAt: row.dueAt.toISOString(),
    originalDueAt: row.originalDueAt.toISOString(),
    status: row.status,
    metAt: iso(row.metAt),
    overdueAt: iso(row.overdueAt),
    overdue: isDeadlineOverdue(row, now),
    heldSince: iso(row.heldSince ?? null),
    extensions: extensions.map(extensionJson),
  };
}
