// Pure serialisers for the public feeds: iCalendar (RFC 5545) and Atom (RFC 4287).
// No data access here, so the formats can be tested on their own.

// ------------------------------------------------------------------ iCalendar

const CRLF = '\r\n';
const MAX_LINE_OCTETS = 75;

/** 20261121T150000Z — RFC 5545 form #2 (UTC). */
export function icsUtc(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** TEXT value escaping (RFC 5545 3.3.11). */
export function icsText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r\n|\r|\n/g, '\\n');
}

/**
 * Folds a content line so no physical line exceeds 75 octets (RFC 5545 3.1).
 * Counts UTF-8 octets and never splits a multi-byte character.
 */
export function foldIcsLine(line: string): string {
  const pieces: string[] = [];
  let current = '';
  let octets = 0;
  let limit = MAX_LINE_OCTETS;
  for (const ch of line) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (octets + size > limit) {
      pieces.push(current);
      current = '';
      octets = 0;
      limit = MAX_LINE_OCTETS - 1; // continuation lines start with one space
    }
    current += ch;
    octets += size;
  }
  pieces.push(current);
  return pieces.join(`${CRLF} `);
}

export interface CalendarEvent {
  uid: string;
  start: Date;
  summary: string;
  description?: string;
  url?: string;
  categories?: string[];
  /** Last change to the underlying record; used for LAST-MODIFIED and SEQUENCE-free updates. */
  lastModified?: Date;
}

export function buildCalendar(opts: { name: string; description: string; events: CalendarEvent[]; now: Date }): string {
  const lines: string[] = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//City of Clayton//Common Ground//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${icsText(opts.name)}`,
    `X-WR-CALDESC:${icsText(opts.description)}`,
  ];
  for (const event of opts.events) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${event.uid}`,
      `DTSTAMP:${icsUtc(opts.now)}`,
      // A deadline is an instant; with no DTEND the event ends when it starts (RFC 5545 3.6.1).
      `DTSTART:${icsUtc(event.start)}`,
      `SUMMARY:${icsText(event.summary)}`,
    );
    if (event.description) lines.push(`DESCRIPTION:${icsText(event.description)}`);
    if (event.url) lines.push(`URL:${event.url}`);
    if (event.categories?.length) lines.push(`CATEGORIES:${event.categories.map(icsText).join(',')}`);
    if (event.lastModified) lines.push(`LAST-MODIFIED:${icsUtc(event.lastModified)}`);
    lines.push('TRANSP:TRANSPARENT', 'END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldIcsLine).join(CRLF) + CRLF;
}

// ------------------------------------------------------------------ Atom

export function xmlEscape(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    // Characters XML 1.0 forbids outright.
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
}

export interface AtomEntry {
  id: string;
  title: string;
  updated: Date;
  published: Date;
  link: string;
  content: string;
  author: string;
  category?: string;
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
  const updated = opts.entries.reduce((latest, e) => (e.updated > latest ? e.updated : latest), new Date(0));
  const feedUpdated = opts.entries.length ? updated : opts.now;
  const out: string[] = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">',
    `  <id>${xmlEscape(opts.id)}</id>`,
    `  <title>${xmlEscape(opts.title)}</title>`,
    `  <subtitle>${xmlEscape(opts.subtitle)}</subtitle>`,
    `  <updated>${feedUpdated.toISOString()}</updated>`,
    `  <link rel="self" type="application/atom+xml" href="${xmlEscape(opts.selfUrl)}"/>`,
    `  <link rel="alternate" type="text/html" href="${xmlEscape(opts.siteUrl)}"/>`,
    '  <author><name>City of Clayton</name></author>',
    '  <generator>Common Ground</generator>',
  ];
  for (const e of opts.entries) {
    out.push(
      '  <entry>',
      `    <id>${xmlEscape(e.id)}</id>`,
      `    <title type="text">${xmlEscape(e.title)}</title>`,
      `    <updated>${e.updated.toISOString()}</updated>`,
      `    <published>${e.published.toISOString()}</published>`,
      `    <link rel="alternate" type="text/html" href="${xmlEscape(e.link)}"/>`,
      `    <author><name>${xmlEscape(e.author)}</name></author>`,
      ...(e.category ? [`    <category term="${xmlEscape(e.category)}"/>`] : []),
      `    <content type="text">${xmlEscape(e.content)}</content>`,
      '  </entry>',
    );
  }
  out.push('</feed>', '');
  return out.join('\n');
}
