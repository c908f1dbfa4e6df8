// The public feeds' formats, read back the way a calendar app or a feed reader
// reads them: RFC 5545 line length, CRLF, UTC times and escaping for the
// calendar; well-formed XML, escaping and the newest update for the Atom feed.
import { buildAtomFeed, buildCalendar } from '../../web/feedFormats';
import { icsProperties, parseAtom, parseIcs } from '../harness/feeds';

const octets = (s: string) => Buffer.byteLength(s, 'utf8');

describe('iCalendar', () => {
  const now = new Date('2026-11-21T12:00:00Z');
  const longDescription = `${'é'.repeat(60)} and, at last; a \\ backslash\nand a second line`;
  const ics = buildCalendar({
    name: 'Deadlines',
    description: 'Upcoming, public',
    now,
    events: [
      {
        uid: 'CI-2026-0001-holding_statement@example.org',
        start: new Date('2026-11-21T13:00:00.678Z'),
        summary: 'Due: Holding statement, CI-2026-0001',
        description: longDescription,
        url: 'https://example.org/incidents/CI-2026-0001',
        categories: ['Critical incident', 'HOLDING_STATEMENT'],
      },
      { uid: 'b@example.org', start: new Date('2026-11-28T12:00:00Z'), summary: 'Due: Public update' },
    ],
  });

  it('is CRLF lines of at most 75 octets, folded without splitting a character', () => {
    expect(ics.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of ics.split('\r\n')) expect(octets(line)).toBeLessThanOrEqual(75);
    expect(ics).not.toContain('\uFFFD');
  });

  it('names the calendar and is published, version 2.0', () => {
    const calendar = parseIcs(ics);
    expect(calendar.name).toBe('VCALENDAR');
    expect(calendar.props).toMatchObject({ VERSION: '2.0', METHOD: 'PUBLISH', 'X-WR-CALNAME': 'Deadlines', 'X-WR-CALDESC': 'Upcoming, public' });
    expect(calendar.props.PRODID).toContain('City of Clayton');
  });

  it('has one event per deadline, at its instant in UTC, stamped now, with the text intact', () => {
    const events = parseIcs(ics).components;
    expect(events.map((e) => e.name)).toEqual(['VEVENT', 'VEVENT']);
    const [holding, update] = events;
    expect(holding.props).toMatchObject({
      UID: 'CI-2026-0001-holding_statement@example.org',
      DTSTART: '20261121T130000Z',
      DTSTAMP: '20261121T120000Z',
      SUMMARY: 'Due: Holding statement, CI-2026-0001',
      DESCRIPTION: longDescription,
      URL: 'https://example.org/incidents/CI-2026-0001',
      TRANSP: 'TRANSPARENT',
    });
    expect(holding.props.DTEND).toBeUndefined();
    expect(holding.categories).toEqual(['Critical incident', 'HOLDING_STATEMENT']);
    expect(update.props).toMatchObject({ UID: 'b@example.org', DTSTART: '20261128T120000Z', SUMMARY: 'Due: Public update' });
    expect(update.props.DESCRIPTION).toBeUndefined();
  });

  it('escapes TEXT values on the wire', () => {
    const summary = icsProperties(ics).find((p) => p.name === 'SUMMARY')!;
    expect(summary.value).toBe('Due: Holding statement\\, CI-2026-0001');
  });
});

describe('Atom', () => {
  const feedFor = (entries: Parameters<typeof buildAtomFeed>[0]['entries']) =>
    buildAtomFeed({
      id: 'https://example.org/feeds/statements.atom',
      title: 'Statements',
      subtitle: 'Published',
      selfUrl: 'https://example.org/feeds/statements.atom',
      siteUrl: 'https://example.org/',
      now: new Date('2026-12-01T00:00:00Z'),
      entries,
    });

  it('carries the feed and each entry, and dates the feed by its newest entry', () => {
    const xml = feedFor([
      {
        id: 'urn:1',
        title: 'First <draft> & "quotes"',
        published: new Date('2026-11-21T10:00:00Z'),
        updated: new Date('2026-11-21T10:00:00Z'),
        link: 'https://example.org/a?x=1&y=2',
        content: 'Body & <b>more</b>\nsecond line\n\nSecond paragraph',
        author: 'City',
        category: 'HOLDING & "other"',
      },
      { id: 'urn:2', title: 'Second', published: new Date('2026-11-22T10:00:00Z'), updated: new Date('2026-11-22T10:00:00Z'), link: 'https://example.org/b', content: 'B', author: 'City' },
    ]);
    const feed = parseAtom(xml);
    expect(feed).toMatchObject({
      id: 'https://example.org/feeds/statements.atom',
      title: 'Statements',
      subtitle: 'Published',
      updated: '2026-11-22T10:00:00.000Z',
      authors: ['City of Clayton'],
    });
    expect(feed.links).toEqual(
      expect.arrayContaining([
        { rel: 'self', href: 'https://example.org/feeds/statements.atom' },
        { rel: 'alternate', href: 'https://example.org/' },
      ]),
    );
    expect(feed.entries).toHaveLength(2);
    expect(feed.entries[0]).toEqual({
      id: 'urn:1',
      title: 'First <draft> & "quotes"',
      updated: '2026-11-21T10:00:00.000Z',
      published: '2026-11-21T10:00:00.000Z',
      links: [{ rel: 'alternate', href: 'https://example.org/a?x=1&y=2' }],
      content: 'Body & <b>more</b>\nsecond line\n\nSecond paragraph',
      authors: ['City'],
      categories: ['HOLDING & "other"'],
    });
    expect(feed.entries[1]).toMatchObject({ id: 'urn:2', title: 'Second', content: 'B', categories: [] });
  });

  it('drops characters XML forbids, so the feed still parses', () => {
    const xml = feedFor([
      { id: 'urn:1', title: 'Bell\u0007', published: new Date(0), updated: new Date(0), link: 'https://example.org/a', content: 'x\u0001y', author: 'City' },
    ]);
    expect(parseAtom(xml).entries[0]).toMatchObject({ title: 'Bell', content: 'xy' });
  });

  it('an empty feed is still valid and dated now', () => {
    const feed = parseAtom(feedFor([]));
    expect(feed.updated).toBe('2026-12-01T00:00:00.000Z');
    expect(feed.entries).toEqual([]);
  });
});
