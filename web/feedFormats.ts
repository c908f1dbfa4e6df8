// The public feeds' formats: iCalendar (RFC 5545, by ical-generator) and Atom
// (RFC 4287, by feed). No data access here, so the formats can be tested on
// their own; web/feeds.ts decides what goes in them.
import { Feed } from 'feed';
import ical, { ICalCalendarMethod, ICalEventStatus, ICalEventTransparency } from 'ical-generator';
import { escapeHtml, html } from '../lib/html';

const PUBLISHER = 'City of Clayton';
const PRODUCT = 'Common Ground';

// ------------------------------------------------------------------ iCalendar

export interface CalendarEvent {
  uid: string;
  start: Date;
  summary: string;
  description?: string;
  url?: string;
  categories?: string[];
  /** TENTATIVE: the time may still move (a counsel's hold stops the deadline's clock); CANCELLED: it will not happen. Default CONFIRMED. */
  status?: 'CONFIRMED' | 'TENTATIVE' | 'CANCELLED';
  /** An event that takes time (an engagement session); without it the event is an instant (a deadline). */
  end?: Date;
  location?: string;
}

export function buildCalendar(opts: { name: string; description: string; events: CalendarEvent[]; now: Date }): string {
  const calendar = ical({
    name: opts.name,
    description: opts.description,
    prodId: { company: PUBLISHER, product: PRODUCT, language: 'EN' },
    method: ICalCalendarMethod.PUBLISH,
  });
  for (const event of opts.events) {
    calendar.createEvent({
      id: event.uid,
      stamp: opts.now,
      // A deadline is an instant: with no end the event ends when it starts (RFC 5545 3.6.1).
      start: event.start,
      ...(event.end ? { end: event.end } : {}),
      summary: event.summary,
      description: event.description,
      url: event.url,
      ...(event.location ? { location: event.location } : {}),
      categories: event.categories?.map((name) => ({ name })),
      // A deadline takes no time in anyone's calendar; a session does.
      transparency: event.end ? ICalEventTransparency.OPAQUE : ICalEventTransparency.TRANSPARENT,
      ...(event.status === 'TENTATIVE' ? { status: ICalEventStatus.TENTATIVE } : event.status === 'CANCELLED' ? { status: ICalEventStatus.CANCELLED } : {}),
    });
  }
  return calendar.toString();
}

// ------------------------------------------------------------------ Atom

export interface AtomEntry {
  id: string;
  title: string;
  updated: Date;
  published: Date;
  link: string;
  /** Plain text; blank lines separate paragraphs. */
  content: string;
  author: string;
  category?: string;
}

/** Characters XML 1.0 does not allow anywhere, not even escaped. */
const NOT_IN_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

const xmlSafe = (text: string) => text.replace(NOT_IN_XML, '');

/**
 * Plain text for where the feed library takes markup as given: entry titles
 * (it writes them as type="html") and attribute values. Escaped, the text
 * reads the same in a feed reader as it does on the public pages.
 */
const escapedText = (text: string) => escapeHtml(xmlSafe(text));

/** HTML keeps the statement's paragraphs (blank lines) and line breaks, which the pages show as written. */
function paragraphsAsHtml(text: string): string {
  const lines = (paragraph: string) => paragraph.split(/\r?\n/).map((line, i) => (i === 0 ? line : html`<br>${line}`));
  return xmlSafe(text)
    .split(/\r?\n\s*\r?\n/)
    .map((paragraph) => paragraph.trim())
    .filter(Boolean)
    .map((paragraph) => html`<p>${lines(paragraph)}</p>`)
    .join('\n');
}

export function buildAtomFeed(opts: {
  id: string;
  title: string;
  subtitle: string;
  selfUrl: string;
  siteUrl: string;
  entries: AtomEntry[];
  now: Date;
}): string {
  const newest = opts.entries.reduce<Date | undefined>((latest, e) => (!latest || e.updated > latest ? e.updated : latest), undefined);
  const feed = new Feed({
    id: opts.id,
    title: xmlSafe(opts.title),
    description: xmlSafe(opts.subtitle),
    link: opts.siteUrl,
    feed: opts.selfUrl,
    updated: newest ?? opts.now,
    author: { name: PUBLISHER },
    generator: PRODUCT,
    // The statements are public records; the feed claims no rights over them.
    copyright: '',
  });
  for (const e of opts.entries) {
    feed.addItem({
      id: e.id,
      title: escapedText(e.title),
      link: e.link,
      date: e.updated,
      published: e.published,
      content: paragraphsAsHtml(e.content),
      author: [{ name: xmlSafe(e.author) }],
      category: e.category ? [{ term: escapedText(e.category) }] : undefined,
    });
  }
  return feed.atom1();
}
