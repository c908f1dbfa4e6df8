// The engagement dashboard's figures (Goal 1), computed from the sessions of
// one plan: sessions promised against sessions held, and how many people of
// each stakeholder group came, in total and per session. "Promised" is the
// policy's sessions a year, pro rata to the day over the plan's months: a
// quarterly promise (4 a year) owes 1 session after a quarter of a 12-month
// plan, and 4 by its end. Pure, so the numbers are tested on their own.

const DAY_MS = 86_400_000;

export interface EngagementSessionFacts {
  id: string;
  title: string;
  startsAt: string;
  status: 'SCHEDULED' | 'HELD' | 'CANCELLED';
  /** Group key -> people counted (HELD sessions). */
  attendance: Record<string, number>;
}

export interface EngagementFigures {
  /** Sessions promised for the whole plan (the policy's yearly number, scaled to the plan's months). */
  promisedForPlan: number;
  /** Sessions promised by now: pro rata to the day, rounded down. */
  promisedToDate: number;
  held: number;
  scheduled: number;
  cancelled: number;
  /** Every group of the policy in its order, with the total counted over the plan's held sessions. */
  groups: { key: string; label: string; total: number }[];
  totalAttendance: number;
  /** Held sessions, oldest first, with their counts per group (0 where none were recorded). */
  sessions: { id: string; title: string; startsAt: string; counts: Record<string, number>; total: number }[];
}

export interface EngagementFiguresInput {
  promisedPerYear: number;
  planStart: Date;
  planMonths: number;
  now: Date;
  groups: { key: string; label: string }[];
  sessions: EngagementSessionFacts[];
}

/** The plan's end: `months` calendar months after its start (UTC arithmetic is close enough for counting days). */
function planEnd(start: Date, months: number): Date {
  const end = new Date(start.getTime());
  end.setUTCMonth(end.getUTCMonth() + months);
  return end;
}

export function engagementFigures(input: EngagementFiguresInput): EngagementFigures {
  const { promisedPerYear, planStart, planMonths, now, groups } = input;
  const end = planEnd(planStart, planMonths);
  const planDays = Math.max(1, (end.getTime() - planStart.getTime()) / DAY_MS);
  const elapsedDays = Math.min(planDays, Math.max(0, (now.getTime() - planStart.getTime()) / DAY_MS));
  const promisedForPlan = Math.round((promisedPerYear * planMonths) / 12);
  const promisedToDate = Math.floor((promisedForPlan * elapsedDays) / planDays + 1e-9);

  const held = input.sessions.filter((s) => s.status === 'HELD').sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
  const sessions = held.map((s) => {
    const counts = Object.fromEntries(groups.map((g) => [g.key, Math.max(0, s.attendance[g.key] ?? 0)]));
    return { id: s.id, title: s.title, startsAt: s.startsAt, counts, total: Object.values(counts).reduce((a, b) => a + b, 0) };
  });
  const groupTotals = groups.map((g) => ({ key: g.key, label: g.label, total: sessions.reduce((sum, s) => sum + s.counts[g.key], 0) }));
  return {
    promisedForPlan,
    promisedToDate,
    held: held.length,
    scheduled: input.sessions.filter((s) => s.status === 'SCHEDULED').length,
    cancelled: input.sessions.filter((s) => s.status === 'CANCELLED').length,
    groups: groupTotals,
    totalAttendance: groupTotals.reduce((sum, g) => sum + g.total, 0),
    sessions,
  };
}
