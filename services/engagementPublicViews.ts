// What the public sees of Goal 1's engagement sessions: every session of
// every plan (upcoming, and past with the people counted by stakeholder
// group), and each plan's engagement figures for its dashboard (sessions
// promised against held, participation by group). Never the staff's notes,
// who scheduled a session, or its follow-ups' people.
import type { Db } from '../lib/db';
import { engagementFigures, type EngagementFigures } from '../domain/engagementFigures';
import { currentPolicy, localisePolicy } from '../policy/index';
import { findPlan } from './planViews';

/** The policy's engagement words in `language` (groups in the policy's order); null when the policy has no engagement section. */
export function engagementWords(language: string) {
  const policy = currentPolicy();
  const engagement = localisePolicy(policy, language).engagement;
  return engagement ? { groups: engagement.groups.map((g) => ({ key: g.key, label: g.label })), cadence: engagement.cadence, promisedPerYear: engagement.sessionsPromisedPerYear } : null;
}

export type PublicSession = Awaited<ReturnType<typeof publicSessions>>['upcoming'][number];

/** Upcoming sessions (soonest first) and past ones (latest first), each with its public facts. */
export async function publicSessions(db: Db, language: string, now = new Date()) {
  const words = engagementWords(language);
  const rows = await db.engagementSession.findMany({
    orderBy: { startsAt: 'asc' },
    select: {
      id: true,
      planId: true,
      title: true,
      description: true,
      startsAt: true,
      endsAt: true,
      place: true,
      onlineUrl: true,
      languages: true,
      accessibilityNotes: true,
      status: true,
      attendance: { select: { group: true, count: true } },
    },
  });
  const sessions = rows.map((r) => ({
    id: r.id,
    planId: r.planId,
    title: r.title,
    description: r.description,
    startsAt: r.startsAt.toISOString(),
    endsAt: r.endsAt.toISOString(),
    place: r.place,
    onlineUrl: r.onlineUrl,
    languages: r.languages,
    accessibilityNotes: r.accessibilityNotes,
    status: r.status,
    // Counts only, and only once the session was held.
    attendance:
      r.status === 'HELD'
        ? (words?.groups ?? []).map((g) => ({ group: g.key, label: g.label, count: r.attendance.find((a) => a.group === g.key)?.count ?? 0 }))
        : [],
  }));
  const upcoming = sessions.filter((s) => s.status === 'SCHEDULED' && Date.parse(s.endsAt) > now.getTime());
  const past = sessions.filter((s) => !upcoming.includes(s)).reverse();
  return { upcoming, past };
}

/** A plan's engagement figures for its public dashboard; null when the policy promises no sessions. */
export async function planEngagement(db: Db, planId: string, language: string, now = new Date()): Promise<EngagementFigures | null> {
  const words = engagementWords(language);
  if (!words) return null;
  const plan = await findPlan(db, planId);
  const rows = await db.engagementSession.findMany({
    where: { planId },
    select: { id: true, title: true, startsAt: true, status: true, attendance: { select: { group: true, count: true } } },
  });
  return engagementFigures({
    promisedPerYear: words.promisedPerYear,
    planStart: plan.startDate,
    planMonths: plan.months,
    now,
    groups: words.groups,
    sessions: rows.map((r) => ({
      id: r.id,
      title: r.title,
      startsAt: r.startsAt.toISOString(),
      status: r.status,
      attendance: Object.fromEntries(r.attendance.map((a) => [a.group, a.count])),
    })),
  });
}

/** Items of every active plan with their due dates, for the public calendar: titles and dates only. */
export async function publicItemDueDates(db: Db) {
  return db.actionItem.findMany({
    where: { plan: { status: 'ACTIVE' }, status: { not: 'DONE' } },
    select: { id: true, title: true, dueAt: true, planId: true, goal: { select: { number: true } } },
    orderBy: { dueAt: 'asc' },
    take: 1000,
  });
}
