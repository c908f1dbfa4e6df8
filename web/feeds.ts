// The two public feeds. Both are views over exactly the data the public API
// returns (GET /api/public/incidents[/:id]), built by the same functions, so
// a feed can never show more than the public pages do.
//   /feeds/statements.atom  published statements, newest first (Atom, RFC 4287)
//   /feeds/deadlines.ics    upcoming public deadlines (iCalendar, RFC 5545)
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

export function createFeedsRouter({ db, config }: WebDeps): Router {
  const router = Router();
  const base = config.PUBLIC_BASE_URL.replace(/\/$/, '');

  const atomFeed = writtenOnce((incidents, now) => {
    const entries: AtomEntry[] = incidents
      .flatMap((incident) =>
        incident.statements.map((s) => ({
          id: `${base}/incidents/${incident.number}#statement-${s.id}`,
          title: `${incident.number}: ${s.title}`,
          published: new Date(s.publishedAt),
          updated: new Date(s.publishedAt),
          link: `${base}/incidents/${encodeURIComponent(incident.number)}#statement-${encodeURIComponent(s.id)}`,
          content: s.body,
          author: 'City of Clayton',
          category: s.kind,
        })),
      )
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
        .filter((d) => d.status === 'open' && Date.parse(d.dueAt) > now.getTime())
        .map((d) => ({
          // Stable across extensions, so a calendar moves the event instead of adding a second one.
          uid: `${incident.number}-${d.key}@${hostOf(base)}`,
          start: new Date(d.dueAt),
          summary: `Due: ${d.title} (${incident.number})`,
          description:
            `The City's Critical Incident Communications Plan requires the ${d.title.toLowerCase()} for incident ${incident.number} ` +
            `(${incident.typeLabel}) by this time.` +
            (d.extended ? ` The deadline was extended from ${new Date(d.originalDueAt).toISOString()}.` : '') +
            ` Follow it at ${base}/incidents/${incident.number}`,
          url: `${base}/incidents/${encodeURIComponent(incident.number)}`,
          categories: ['Critical incident', d.kind],
        })),
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
