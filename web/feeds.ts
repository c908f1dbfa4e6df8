// The two public feeds. Both are views over exactly the data the public API
// returns (GET /api/public/incidents[/:id]), built by the same functions, so
// a feed can never show more than the public pages do.
//   /feeds/statements.atom  published statements, newest first, with counsel's
//                           holds and withdrawals as entries of their own
//                           (Atom, RFC 4287)
//   /feeds/deadlines.ics    upcoming public deadlines, and those a counsel's
//                           hold has stopped, marked so (iCalendar, RFC 5545)
// Both come from the public read cache (services/publicViews.ts): a feed
// request costs at most one small query, and a feed is written once for all
// the requests that read the same records.
import { Router } from 'express';
import { loadPublicIncidentRecords, type PublicIncidentView } from '../services/publicViews';
import { buildAtomFeed, buildCalendar, type AtomEntry, type CalendarEvent } from './feedFormats';
import { asyncRoute } from './asyncRoute';
import type { WebDeps } from './deps';

const MAX_ATOM_ENTRIES = 100;

/** One written feed per records array: the cache hands every request in the same second the same array. */
function writtenOnce(write: (incidents: PublicIncidentView[], now: Date) => string) {
  const written = new WeakMap<PublicIncidentView[], string>();
  return (incidents: PublicIncidentView[], now: Date): string => {
    let text = written.get(incidents);
    if (text === undefined) {
      text = write(incidents, now);
      written.set(incidents, text);
    }
    return text;
  };
}

const hostOf = (baseUrl: string) => new URL(baseUrl).hostname;

type PublicHold = PublicIncidentView['holds'][number];

type SayDate = (iso: string) => string;

/** "Dec 10, 2026, 3:04 PM" in the city's time zone: feeds say a time as the public pages do. */
function dateSayer(timeZone: string): SayDate {
  const format = new Intl.DateTimeFormat('en-US', { timeZone, dateStyle: 'medium', timeStyle: 'short' });
  return (iso) => format.format(new Date(iso));
}

function holdHeadline(hold: PublicHold, publicDate: SayDate): string {
  if (hold.status === 'active') return `Publication held by counsel since ${publicDate(hold.since)}, reason: ${hold.reason}`;
  return `Counsel's hold ${hold.status === 'lapsed' ? 'lapsed' : 'released'} (reason: ${hold.reason})`;
}

function holdText(number: string, hold: PublicHold, publicDate: SayDate): string {
  const what = `The City Attorney held ${hold.covers} for incident ${number} from ${publicDate(hold.since)}. Reason: ${hold.reason}.`;
  if (hold.status === 'active') {
    return `${what}\n\nWhile it is held, what it covers is not published and the deadlines it covers are paused. It lapses no later than ${publicDate(hold.lapsesAt)}.`;
  }
  return `${what}\n\nThe hold ${hold.status === 'lapsed' ? 'reached the longest time the plan allows and lapsed' : 'was released'} on ${publicDate(hold.endedAt ?? hold.since)}; the paused deadlines run again.`;
}

export function createFeedsRouter({ db, config }: WebDeps): Router {
  const router = Router();
  const publicDate = dateSayer(config.CITY_TIME_ZONE);
  const base = config.PUBLIC_BASE_URL.replace(/\/$/, '');

  const atomFeed = writtenOnce((incidents, now) => {
    const entries: AtomEntry[] = incidents
      .flatMap((incident) => [
        ...incident.statements.map((s) => ({
          id: `${base}/incidents/${incident.number}#statement-${s.id}`,
          title: `${incident.number}: ${s.title}`,
          published: new Date(s.publishedAt),
          updated: new Date(s.publishedAt),
          link: `${base}/incidents/${encodeURIComponent(incident.number)}#statement-${encodeURIComponent(s.id)}`,
          content: s.body,
          author: 'City of Clayton',
          category: s.kind,
        })),
        // The same entry id as the statement had: a feed reader replaces the withdrawn text with the note.
        ...incident.withdrawnStatements.map((s) => ({
          id: `${base}/incidents/${incident.number}#statement-${s.id}`,
          title: `${incident.number}: Withdrawn: ${s.kindLabel} published ${publicDate(s.publishedAt)}`,
          published: new Date(s.publishedAt),
          updated: new Date(s.withdrawnAt),
          link: `${base}/incidents/${encodeURIComponent(incident.number)}#statement-${encodeURIComponent(s.id)}`,
          content: `The City withdrew this ${s.kindLabel.toLowerCase()} on ${publicDate(s.withdrawnAt)}.\n\n${s.note}`,
          author: 'City of Clayton',
          category: 'WITHDRAWN',
        })),
        ...incident.holds.map((hold) => ({
          id: `${base}/incidents/${incident.number}#hold-${hold.id}`,
          title: `${incident.number}: ${holdHeadline(hold, publicDate)}`,
          published: new Date(hold.since),
          updated: new Date(hold.endedAt ?? hold.since),
          link: `${base}/incidents/${encodeURIComponent(incident.number)}#holds`,
          content: holdText(incident.number, hold, publicDate),
          author: 'City of Clayton',
          category: 'HELD_BY_COUNSEL',
        })),
      ])
      .sort((a, b) => b.published.getTime() - a.published.getTime())
      .slice(0, MAX_ATOM_ENTRIES);
    return buildAtomFeed({
      id: `${base}/feeds/statements.atom`,
      title: 'City of Clayton: published critical incident statements',
      subtitle: 'Every statement the City published under its Critical Incident Communications Plan.',
      selfUrl: `${base}/feeds/statements.atom`,
      siteUrl: `${base}/`,
      entries,
      now,
    });
  });

  router.get(
    '/feeds/statements.atom',
    asyncRoute(async (_req, res) => {
      const now = new Date();
      const xml = atomFeed(await loadPublicIncidentRecords({ db, config }, now), now);
      res.setHeader('Cache-Control', 'no-cache');
      res.type('application/atom+xml; charset=utf-8').send(xml);
    }),
  );

  const calendar = writtenOnce((incidents, now) => {
    const events: CalendarEvent[] = incidents.flatMap((incident) =>
      incident.deadlineList
        .filter((d) => (d.status === 'open' && Date.parse(d.dueAt) > now.getTime()) || d.status === 'held')
        .map((d) => {
          const held = d.status === 'held' && d.heldByCounsel;
          return {
            // Stable across extensions and holds, so a calendar moves the event instead of adding a second one.
            uid: `${incident.number}-${d.key}@${hostOf(base)}`,
            start: new Date(d.dueAt),
            summary: held
              ? `Held by counsel since ${publicDate(held.since)}, reason: ${held.reason}: ${d.title} (${incident.number})`
              : `Due: ${d.title} (${incident.number})`,
            description:
              `The City's Critical Incident Communications Plan requires the ${d.title.toLowerCase()} for incident ${incident.number} ` +
              `(${incident.typeLabel}) by this time.` +
              (held
                ? ` Held by counsel since ${publicDate(held.since)}, reason: ${held.reason}. Its clock is stopped; it falls due again when the hold ends.`
                : '') +
              (d.extended ? ` The deadline was ${d.movedBy === 'hold' ? "moved after a counsel's hold" : 'extended'}; first due ${new Date(d.originalDueAt).toISOString()}.` : '') +
              ` Follow it at ${base}/incidents/${incident.number}`,
            url: `${base}/incidents/${encodeURIComponent(incident.number)}`,
            categories: ['Critical incident', d.kind, ...(held ? ['HELD_BY_COUNSEL'] : [])],
            ...(held ? { status: 'TENTATIVE' as const } : {}),
          };
        }),
    );
    events.sort((a, b) => a.start.getTime() - b.start.getTime());
    return buildCalendar({
      name: 'City of Clayton public deadlines',
      description: 'Upcoming deadlines the City committed to under its Critical Incident Communications Plan.',
      events,
      now,
    });
  });

  router.get(
    '/feeds/deadlines.ics',
    asyncRoute(async (_req, res) => {
      const now = new Date();
      const ics = calendar(await loadPublicIncidentRecords({ db, config }, now), now);
      res.setHeader('Cache-Control', 'no-cache');
      res.setHeader('Content-Disposition', 'inline; filename="clayton-deadlines.ics"');
      res.type('text/calendar; charset=utf-8').send(ics);
    }),
  );

  return router;
}
