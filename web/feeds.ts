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
// the requests that read the same records (the Atom feed once per data
// version, the calendar, which drops deadlines as they pass, once a second). ?lang=es gives either feed in
// that language (the policy's and the catalogue's words); English otherwise.
import { Router, type Request } from 'express';
import { dateLocale, languageOr, translator, type Translate } from '../lib/i18n';
import { loadPublicIncidentRecords, writtenPerDataVersion, type PublicIncidentView } from '../services/publicViews';
import { buildAtomFeed, buildCalendar, type AtomEntry, type CalendarEvent } from './feedFormats';
import { asyncRoute } from './asyncRoute';
import { sendWritten, writtenBody, type WrittenBody } from '../lib/writtenBody';
import type { WebDeps } from './deps';

const MAX_ATOM_ENTRIES = 100;

/** One written feed (bytes and ETag) per records array: the cache hands every request in the same second and language the same array. */
function writtenOnce(write: (incidents: PublicIncidentView[], now: Date, language: string) => string) {
  const written = new WeakMap<PublicIncidentView[], WrittenBody>();
  return (incidents: PublicIncidentView[], now: Date, language: string): WrittenBody => {
    let feed = written.get(incidents);
    if (feed === undefined) {
      feed = writtenBody(write(incidents, now, language));
      written.set(incidents, feed);
    }
    return feed;
  };
}

const hostOf = (baseUrl: string) => new URL(baseUrl).hostname;

type PublicHold = PublicIncidentView['holds'][number];

type SayDate = (iso: string) => string;

/** A feed's words in its language. */
interface FeedWords {
  language: string;
  t: Translate;
  /** "Dec 10, 2026, 3:04 PM" in the city's time zone and the feed's language: feeds say a time as the public pages do. */
  publicDate: SayDate;
}

/** The feed's language: ?lang= when it names one (feed readers send no useful Accept-Language), else English. */
export const feedLanguage = (req: Request): string => languageOr(req.query.lang);

function feedWordsFor(timeZone: string): (language: string) => FeedWords {
  const made = new Map<string, FeedWords>();
  return (language) => {
    let words = made.get(language);
    if (!words) {
      const format = new Intl.DateTimeFormat(dateLocale(language), { timeZone, dateStyle: 'medium', timeStyle: 'short' });
      words = { language, t: translator(language, 'pages'), publicDate: (iso) => format.format(new Date(iso)) };
      made.set(language, words);
    }
    return words;
  };
}

function holdHeadline(hold: PublicHold, { t, publicDate }: FeedWords): string {
  if (hold.status === 'active') return t('feeds.holdActive', { date: publicDate(hold.since), reason: hold.reason });
  return t(hold.status === 'lapsed' ? 'feeds.holdLapsed' : 'feeds.holdReleased', { reason: hold.reason });
}

function holdText(number: string, hold: PublicHold, { t, publicDate }: FeedWords): string {
  const what = t('feeds.holdWhat', { covers: hold.covers, number, date: publicDate(hold.since), reason: hold.reason });
  if (hold.status === 'active') return `${what}\n\n${t('feeds.holdWhile', { date: publicDate(hold.lapsesAt) })}`;
  return `${what}\n\n${t(hold.status === 'lapsed' ? 'feeds.holdEndedLapsed' : 'feeds.holdEndedReleased', { date: publicDate(hold.endedAt ?? hold.since) })}`;
}

export function createFeedsRouter({ db, config }: WebDeps): Router {
  const router = Router();
  const wordsOf = feedWordsFor(config.CITY_TIME_ZONE);
  const base = config.PUBLIC_BASE_URL.replace(/\/$/, '');

  const atomFeed = (incidents: PublicIncidentView[], now: Date, language: string): string => {
    const words = wordsOf(language);
    const { t, publicDate } = words;
    const entries: AtomEntry[] = incidents
      .flatMap((incident) => [
        ...incident.statements.map((s) => ({
          id: `${base}/incidents/${incident.number}#statement-${s.id}`,
          title: `${incident.number}: ${s.title}`,
          published: new Date(s.publishedAt),
          updated: new Date(s.publishedAt),
          link: `${base}/incidents/${encodeURIComponent(incident.number)}#statement-${encodeURIComponent(s.id)}`,
          content: s.body,
          author: t('feeds.author'),
          category: s.kind,
        })),
        // The same entry id as the statement had: a feed reader replaces the withdrawn text with the note.
        ...incident.withdrawnStatements.map((s) => ({
          id: `${base}/incidents/${incident.number}#statement-${s.id}`,
          title: `${incident.number}: ${t('feeds.withdrawnTitle', { kind: s.kindLabel, date: publicDate(s.publishedAt) })}`,
          published: new Date(s.publishedAt),
          updated: new Date(s.withdrawnAt),
          link: `${base}/incidents/${encodeURIComponent(incident.number)}#statement-${encodeURIComponent(s.id)}`,
          content: `${t('feeds.withdrawnText', { kind: s.kindLabel.toLowerCase(), date: publicDate(s.withdrawnAt) })}\n\n${s.note}`,
          author: t('feeds.author'),
          category: 'WITHDRAWN',
        })),
        ...incident.holds.map((hold) => ({
          id: `${base}/incidents/${incident.number}#hold-${hold.id}`,
          title: `${incident.number}: ${holdHeadline(hold, words)}`,
          published: new Date(hold.since),
          updated: new Date(hold.endedAt ?? hold.since),
          link: `${base}/incidents/${encodeURIComponent(incident.number)}#holds`,
          content: holdText(incident.number, hold, words),
          author: t('feeds.author'),
          category: 'HELD_BY_COUNSEL',
        })),
      ])
      .sort((a, b) => b.published.getTime() - a.published.getTime())
      .slice(0, MAX_ATOM_ENTRIES);
    return buildAtomFeed({
      id: `${base}/feeds/statements.atom`,
      title: t('feeds.atomTitle'),
      subtitle: t('feeds.atomSubtitle'),
      selfUrl: `${base}/feeds/statements.atom`,
      siteUrl: `${base}/`,
      entries,
      now,
    });
  };

  router.get(
    '/feeds/statements.atom',
    asyncRoute(async (req, res) => {
      const now = new Date();
      const language = feedLanguage(req);
      // Its entries are what was recorded, never open or missed: written once per data version.
      const feed = await writtenPerDataVersion({ db, config }, 'statements.atom', now, language, (incidents) => writtenBody(atomFeed(incidents, now, language)));
      res.setHeader('Cache-Control', 'no-cache');
      sendWritten(res, 'application/atom+xml; charset=utf-8', feed);
    }),
  );

  const calendar = writtenOnce((incidents, now, language) => {
    const { t, publicDate } = wordsOf(language);
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
              ? t('feeds.heldSummary', { date: publicDate(held.since), reason: held.reason, title: d.title, number: incident.number })
              : t('feeds.dueSummary', { title: d.title, number: incident.number }),
            description:
              t('feeds.dueText', { deadline: d.title.toLowerCase(), number: incident.number, type: incident.typeLabel }) +
              (held ? t('feeds.heldText', { date: publicDate(held.since), reason: held.reason }) : '') +
              (d.extended ? t(d.movedBy === 'hold' ? 'feeds.movedByHold' : 'feeds.extended', { date: new Date(d.originalDueAt).toISOString() }) : '') +
              t('feeds.followAt', { url: `${base}/incidents/${incident.number}` }),
            url: `${base}/incidents/${encodeURIComponent(incident.number)}`,
            categories: [t('feeds.criticalIncident'), d.kind, ...(held ? ['HELD_BY_COUNSEL'] : [])],
            ...(held ? { status: 'TENTATIVE' as const } : {}),
          };
        }),
    );
    events.sort((a, b) => a.start.getTime() - b.start.getTime());
    return buildCalendar({
      name: t('feeds.calendarName'),
      description: t('feeds.calendarDescription'),
      events,
      now,
    });
  });

  router.get(
    '/feeds/deadlines.ics',
    asyncRoute(async (req, res) => {
      const now = new Date();
      const language = feedLanguage(req);
      const ics = calendar(await loadPublicIncidentRecords({ db, config }, now, language), now, language);
      res.setHeader('Cache-Control', 'no-cache');
      res.setHeader('Content-Disposition', 'inline; filename="clayton-deadlines.ics"');
      sendWritten(res, 'text/calendar; charset=utf-8', ics);
    }),
  );

  return router;
}
