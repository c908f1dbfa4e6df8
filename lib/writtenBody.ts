// A response body written once and sent many times: the bytes and the ETag
// naming them, worked out when the body is made, not on every request (the
// public pages and feeds are read far more often than their data changes).
// Express answers 304 to a request whose If-None-Match names the ETag.
import { createHash } from 'node:crypto';
import type { Response } from 'express';

export interface WrittenBody {
  readonly bytes: Buffer;
  /** A strong ETag: the same bytes, the same tag. */
  readonly etag: string;
}

export function writtenBody(text: string): WrittenBody {
  const bytes = Buffer.from(text, 'utf8');
  return { bytes, etag: `"${createHash('sha1').update(bytes).digest('base64url')}"` };
}

/** Sends a written body as `contentType` (charset utf-8); headers already set on `res` stay. */
export function sendWritten(res: Response, contentType: string, written: WrittenBody): void {
  res.setHeader('ETag', written.etag);
  res.type(contentType.includes('charset') ? contentType : `${contentType}; charset=utf-8`).send(written.bytes);
}
