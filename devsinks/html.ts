// Small HTML helpers shared by the two sink pages. Everything that came from a
// message is escaped before it is placed in a page.

import { escapeHtml } from '../lib/html';

export { escapeHtml };

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/g;

/** Escapes text, then turns http(s) URLs into links so emailed ack/progress links can be followed. */
export function linkify(text: string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    // Trailing punctuation usually ends the sentence, not the URL.
    const url = match[0].replace(/[.,;:!?)]+$/, '');
    const start = match.index ?? 0;
    out += escapeHtml(text.slice(last, start));
    out += `<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>`;
    last = start + url.length;
  }
  return out + escapeHtml(text.slice(last));
}

export function page(title: string, body: string, options: { refreshSeconds?: number } = {}): string {
  const refresh = options.refreshSeconds ? `<meta http-equiv="refresh" content="${options.refreshSeconds}">` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${refresh}
<title>${escapeHtml(title)}</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 72rem; padding: 1rem 1.5rem; color: #1b1b1b; }
  h1 { font-size: 1.4rem; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; vertical-align: top; padding: .45rem .6rem; border-bottom: 1px solid #ccc; overflow-wrap: anywhere; }
  th { background: #f1f1f1; }
  pre { white-space: pre-wrap; word-break: break-word; background: #f7f7f7; padding: .75rem; border: 1px solid #ddd; }
  .muted { color: #555; font-size: .9rem; }
  .status-delivered { color: #0a6b2d; font-weight: 600; }
  .status-undelivered, .status-failed, .status-rejected { color: #a4161a; font-weight: 600; }
  iframe { width: 100%; min-height: 24rem; border: 1px solid #ccc; }
  form { margin: 1rem 0; padding: .75rem; border: 1px solid #ccc; }
  label { display: inline-block; margin-right: 1rem; }
  a { color: #0b4f9c; }
</style>
</head>
<body>
${body}
</body>
</html>`;
}
