// The public feeds' serialisers: RFC 5545 line folding, escaping, CRLF and UTC
// times for the calendar; XML escaping and ordering for the Atom feed.
import { buildAtomFeed, buildCalendar, foldIcsLine, icsText, icsUtc, xmlEscape } from '../../web/feedFormats';

const octets = (s: string) => Buffer.byteLength(s, 'utf8');

describe('iCalendar', () => {
  it('writes UTC times in the basic format with a Z', () => {
    expect(icsUtc(new Date('2026-11-21T15:04:05.678Z'))).toBe('20261121T150405Z');
  });

  it('escapes TEXT values', () => {
    expect(icsText('a,b;c\\d\ne')).toBe('a\\,b\\;c\\\\d\\ne');
  });

  it('folds at 75 octets without splitting a multi-byte character', () => {
    const line = `DESCRIPTION:${'é'.repeat(100)}`;
    const folded = foldIcsLine(line);
    const physical = folded.split('\r\n');
    expect(physical.length).toBeGreaterThan(2);
    for (const p of physical) expect(octets(p)).toBeLessThanOrEqual(75);
    for (const p of physical.slice(1)) expect(p.startsWith(' ')).toBe(true);
    // Unfolding (RFC 5545 3.1) gives back the original line.
    expect(folded.replace(/\r\n /g, '')).toBe(line);
    expect(folded).not.toContain('\uFFFD');
  });

  it('leaves short lines alone', () => {
    expect(foldIcsLine('SUMMARY:short')).toBe('SUMMARY:short');
  });

  it('builds a calendar of CRLF lines, one VEVENT per deadline', () => {
    const now = new Date('2026-11-21T12:00:00Z');
    const ics = buildCalendar({
      name: 'Deadlines',
      description: 'Upcoming, public',
      now,
      events: [
        { uid: 'CI-2026-0001-holding_statement@example.org', start: new Date('2026-11-21T13:00:00Z'), summary: 'Due: Holding statement, CI-2026-0001', description: 'x'.repeat(200), url: 'https://example.org/incidents/CI-2026-0001' },
        { uid: 'b@example.org', start: new Date('2026-11-28T12:00:00Z'), summary: 'Due: Public update' },
      ],
    });
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const lines = ics.split('\r\n').slice(0, -1);
    for (const l of lines) expect(octets(l)).toBeLessThanOrEqual(75);
    expect(lines.filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(2);
    expect(lines).toContain('DTSTART:20261121T130000Z');
    expect(lines).toContain('DTSTAMP:20261121T120000Z');
    expect(lines).toContain('SUMMARY:Due: Holding statement\\, CI-2026-0001');
    expect(lines[0]).toBe('BEGIN:VCALENDAR');
    expect(lines).toContain('VERSION:2.0');
  });
});

describe('Atom', () => {
  it('escapes markup and drops characters XML forbids', () => {
    expect(xmlEscape('<b>"Tom" & \'Jerry\'</b>\u0001')).toBe('&lt;b&gt;&quot;Tom&quot; &amp; &apos;Jerry&apos;&lt;/b&gt;');
  });

  it('uses the newest entry as the feed update time and carries each entry', () => {
    const xml = buildAtomFeed({
      id: 'https://example.org/feeds/statements.atom',
      title: 'Statements',
      subtitle: 'Published',
      selfUrl: 'https://example.org/feeds/statements.atom',
      siteUrl: 'https://example.org/',
      now: new Date('2026-12-01T00:00:00Z'),
      entries: [
        { id: 'urn:1', title: 'First <draft>', published: new Date('2026-11-21T10:00:00Z'), updated: new Date('2026-11-21T10:00:00Z'), link: 'https://example.org/a?x=1&y=2', content: 'Body & more', author: 'City' },
        { id: 'urn:2', title: 'Second', published: new Date('2026-11-22T10:00:00Z'), updated: new Date('2026-11-22T10:00:00Z'), link: 'https://example.org/b', content: 'B', author: 'City' },
      ],
    });
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<feed xmlns="http:\/\/www.w3.org\/2005\/Atom"/);
    expect(xml).toContain('  <updated>2026-11-22T10:00:00.000Z</updated>');
    expect(xml).toContain('<title type="text">First &lt;draft&gt;</title>');
    expect(xml).toContain('href="https://example.org/a?x=1&amp;y=2"');
    expect(xml.match(/<entry>/g)).toHaveLength(2);
  });

  it('an empty feed is still valid and dated now', () => {
    const xml = buildAtomFeed({ id: 'i', title: 't', subtitle: 's', selfUrl: 'u', siteUrl: 'v', now: new Date('2026-12-01T00:00:00Z'), entries: [] });
    expect(xml).toContain('<updated>2026-12-01T00:00:00.000Z</updated>');
    expect(xml).not.toContain('<entry>');
  });
});
