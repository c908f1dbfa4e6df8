// Readers for the public feeds, so tests assert on what a calendar app or a
// feed reader would see rather than on how a library lays out the text.
import { xml2js, type ElementCompact } from 'xml-js';

// ------------------------------------------------------------------ iCalendar

export interface IcsProperty {
  name: string;
  params: string[];
  value: string;
}

/** RFC 5545 3.1: a CRLF followed by one space or tab continues the line before it. */
export const unfoldIcs = (text: string): string => text.replace(/\r\n[ \t]/g, '');

const unescapeIcsText = (value: string) => value.replace(/\\([\\;,nN])/g, (_whole, c: string) => (c === 'n' || c === 'N' ? '\n' : c));

export function icsProperties(text: string): IcsProperty[] {
  return unfoldIcs(text)
    .split('\r\n')
    .filter(Boolean)
    .map((line) => {
      const colon = line.indexOf(':');
      const [name, ...params] = line.slice(0, colon).split(';');
      return { name, params, value: line.slice(colon + 1) };
    });
}

export interface IcsComponent {
  name: string;
  /** Property name -> value, TEXT unescaped (CATEGORIES is in `categories`). */
  props: Record<string, string>;
  categories: string[];
  components: IcsComponent[];
}

/** The calendar as components (VCALENDAR holding VEVENTs), each property with the component it stands in. */
export function parseIcs(text: string): IcsComponent {
  const open: IcsComponent[] = [];
  let calendar: IcsComponent | undefined;
  for (const { name, value } of icsProperties(text)) {
    const current = open.at(-1);
    if (name === 'BEGIN') {
      const component: IcsComponent = { name: value, props: {}, categories: [], components: [] };
      current?.components.push(component);
      calendar ??= component;
      open.push(component);
    } else if (name === 'END') open.pop();
    else if (!current) throw new Error(`${name} outside any component`);
    else if (name === 'CATEGORIES') current.categories.push(...value.split(/(?<!\\),/).map(unescapeIcsText));
    else current.props[name] = unescapeIcsText(value);
  }
  if (!calendar || open.length > 0) throw new Error('not a whole calendar');
  return calendar;
}

// ------------------------------------------------------------------ Atom

export interface AtomLink {
  rel: string;
  href: string;
}

export interface ParsedAtomEntry {
  id: string;
  /** As a reader shows it: HTML decoded to text. */
  title: string;
  updated: string;
  published?: string;
  links: AtomLink[];
  /** As a reader shows it: markup dropped, paragraphs separated by a blank line. */
  content: string;
  authors: string[];
  categories: string[];
}

export interface ParsedAtom {
  id: string;
  title: string;
  subtitle?: string;
  updated: string;
  links: AtomLink[];
  authors: string[];
  entries: ParsedAtomEntry[];
}

const decodeEntities = (text: string) =>
  text.replace(/&(lt|gt|quot|#39|apos|amp);/g, (_whole, name: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", amp: '&' })[name]!);

/** Text of an Atom text construct (RFC 4287 3.1): type="html" is decoded as a reader would. */
function textOf(element: ElementCompact | undefined): string {
  if (!element) return '';
  const raw = String(element._cdata ?? element._text ?? '');
  if (element._attributes?.type !== 'html') return raw;
  const withBreaks = raw.replace(/<\/p>\s*<p>/g, '\n\n').replace(/<br>/g, '\n');
  return decodeEntities(withBreaks.replace(/<[^>]*>/g, ''));
}

const list = (value: ElementCompact | ElementCompact[] | undefined): ElementCompact[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

const linksOf = (element: ElementCompact): AtomLink[] =>
  list(element.link).map((l) => ({ rel: String(l._attributes?.rel ?? 'alternate'), href: String(l._attributes?.href) }));

const authorsOf = (element: ElementCompact): string[] => list(element.author).map((a) => textOf(a.name));

/** Parses the XML (so it must be well formed) and reads the feed the way a feed reader does. */
export function parseAtom(xml: string): ParsedAtom {
  const feed = (xml2js(xml, { compact: true }) as ElementCompact).feed as ElementCompact;
  if (feed?._attributes?.xmlns !== 'http://www.w3.org/2005/Atom') throw new Error('not an Atom feed');
  return {
    id: textOf(feed.id),
    title: textOf(feed.title),
    subtitle: feed.subtitle ? textOf(feed.subtitle) : undefined,
    updated: textOf(feed.updated),
    links: linksOf(feed),
    authors: authorsOf(feed),
    entries: list(feed.entry).map((entry) => ({
      id: textOf(entry.id),
      title: textOf(entry.title),
      updated: textOf(entry.updated),
      published: entry.published ? textOf(entry.published) : undefined,
      links: linksOf(entry),
      content: textOf(entry.content),
      authors: authorsOf(entry),
      categories: list(entry.category).map((c) => String(c._attributes?.term)),
    })),
  };
}
