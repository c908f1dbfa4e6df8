// Just enough MIME to show what the app sends in a local inbox: headers with
// RFC 2047 encoded words, multipart bodies, quoted-printable and base64.
// Not a general mail parser; attachments are listed by name only.

export interface ParsedMail {
  headers: Record<string, string>;
  text: string | null;
  html: string | null;
  attachments: { filename: string | null; contentType: string }[];
}

interface Part {
  headers: Record<string, string>;
  body: Buffer;
}

function decodeBytes(bytes: Buffer, charset: string | undefined): string {
  try {
    return new TextDecoder(charset || 'utf-8').decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}

function decodeQuotedPrintable(input: string, headerMode = false): Buffer {
  const source = headerMode ? input.replace(/_/g, ' ') : input.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < source.length; i += 1) {
    const ch = source[i];
    if (ch === '=' && /^[0-9A-Fa-f]{2}$/.test(source.slice(i + 1, i + 3))) {
      bytes.push(parseInt(source.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      for (const b of Buffer.from(ch, 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes);
}

/** =?UTF-8?Q?Caf=C3=A9?= and =?UTF-8?B?...?=; whitespace between adjacent encoded words is dropped. */
export function decodeEncodedWords(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[QqBb]\?[^?]*\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_m, charset: string, encoding: string, text: string) => {
      const bytes = encoding.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : decodeQuotedPrintable(text, true);
      return decodeBytes(bytes, charset.split('*')[0]);
    });
}

function splitHeadersAndBody(raw: Buffer): { headerText: string; body: Buffer } {
  const text = raw.toString('latin1');
  let index = text.indexOf('\r\n\r\n');
  let separatorLength = 4;
  if (index === -1) {
    index = text.indexOf('\n\n');
    separatorLength = 2;
  }
  if (index === -1) return { headerText: text, body: Buffer.alloc(0) };
  return { headerText: text.slice(0, index), body: raw.subarray(index + separatorLength) };
}

function parseHeaders(headerText: string): Record<string, string> {
  const headers: Record<string, string> = {};
  const unfolded = headerText.replace(/\r?\n[ \t]+/g, ' ');
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    // Header bytes arrive as latin1 above; re-read them as UTF-8 (SMTPUTF8 senders).
    const value = Buffer.from(line.slice(colon + 1).trim(), 'latin1').toString('utf8');
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return headers;
}

function headerParam(value: string | undefined, name: string): string | undefined {
  if (!value) return undefined;
  const match = new RegExp(`(?:^|;)\\s*${name}\\*?=\\s*("([^"]*)"|[^;\\s]+)`, 'i').exec(value);
  if (!match) return undefined;
  return match[2] ?? match[1];
}

function decodeBody(part: Part): Buffer {
  const encoding = (part.headers['content-transfer-encoding'] ?? '7bit').toLowerCase().trim();
  if (encoding === 'base64') return Buffer.from(part.body.toString('latin1').replace(/\s+/g, ''), 'base64');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(part.body.toString('latin1'));
  return part.body;
}

function splitMultipart(body: Buffer, boundary: string): Buffer[] {
  const text = body.toString('latin1');
  const delimiter = `--${boundary}`;
  const pieces = text.split(delimiter);
  const parts: Buffer[] = [];
  // pieces[0] is the preamble; a piece starting with "--" is the closing delimiter's epilogue.
  for (const piece of pieces.slice(1)) {
    if (piece.startsWith('--')) break;
    const trimmed = piece.replace(/^\r?\n/, '').replace(/\r?\n$/, '');
    parts.push(Buffer.from(trimmed, 'latin1'));
  }
  return parts;
}

function walk(part: Part, out: ParsedMail): void {
  const contentType = part.headers['content-type'] ?? 'text/plain';
  const mediaType = contentType.split(';')[0].trim().toLowerCase();
  const disposition = part.headers['content-disposition'] ?? '';
  if (mediaType.startsWith('multipart/')) {
    const boundary = headerParam(contentType, 'boundary');
    if (!boundary) return;
    for (const raw of splitMultipart(part.body, boundary)) {
      const { headerText, body } = splitHeadersAndBody(raw);
      walk({ headers: parseHeaders(headerText), body }, out);
    }
    return;
  }
  const isAttachment = /^\s*attachment/i.test(disposition);
  if (!isAttachment && mediaType === 'text/plain' && out.text === null) {
    out.text = decodeBytes(decodeBody(part), headerParam(contentType, 'charset'));
    return;
  }
  if (!isAttachment && mediaType === 'text/html' && out.html === null) {
    out.html = decodeBytes(decodeBody(part), headerParam(contentType, 'charset'));
    return;
  }
  const filename = headerParam(disposition, 'filename') ?? headerParam(contentType, 'name') ?? null;
  out.attachments.push({ filename: filename ? decodeEncodedWords(filename) : null, contentType: mediaType });
}

export function parseMail(raw: Buffer): ParsedMail {
  const { headerText, body } = splitHeadersAndBody(raw);
  const headers = parseHeaders(headerText);
  const out: ParsedMail = { headers: {}, text: null, html: null, attachments: [] };
  walk({ headers, body }, out);
  for (const [name, value] of Object.entries(headers)) out.headers[name] = decodeEncodedWords(value);
  return out;
}
