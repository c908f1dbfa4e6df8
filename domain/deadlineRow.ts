// An incident deadline's facts with real dates: DeadlineRowV1 (the contract's
// ISO strings) as the database keeps it and every read model shows it.
import type { DeadlineRowV1 } from './contracts/incidentActivities';

type DateFields = 'dueAt' | 'originalDueAt' | 'metAt' | 'overdueAt';

export type DeadlineRow = Omit<DeadlineRowV1, DateFields> & { dueAt: Date; originalDueAt: Date; metAt: Date | null; overdueAt: Date | null };

/** The row for a deadline the workflow tracks (its notice counters are the workflow's own). */
export const deadlineRowOf = (d: DeadlineRowV1): DeadlineRow => ({
  key: d.key,
  kind: d.kind,
  title: d.title,
  dueAt: new Date(d.dueAt),
  originalDueAt: new Date(d.originalDueAt),
  status: d.status,
  metAt: d.metAt ? new Date(d.metAt) : null,
  overdueAt: d.overdueAt ? new Date(d.overdueAt) : null,
});
