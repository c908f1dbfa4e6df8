// The app's request plumbing, without a database or Temporal behind it:
// body parsing errors, missing credentials, unknown routes, security headers,
// and that the OpenAPI document covers every API route the app actually serves.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Express } from 'express';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../api/app';
import { createDb } from '../../lib/db';
import { createTestConfig } from '../harness/config';

// Nothing listens on port 1: any handler that reached the database or Temporal would fail loudly.
const db = createDb('postgresql://nobody@127.0.0.1:1/nothing');
const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
const config = createTestConfig({ API_BODY_LIMIT_BYTES: 2048 });

let app: Express;
let server: Server;
let base: string;

async function listen(application: Express): Promise<{ server: Server; base: string }> {
  const listening = application.listen(0, '127.0.0.1');
  await new Promise((resolve) => listening.once('listening', resolve));
  return { server: listening, base: `http://127.0.0.1:${(listening.address() as AddressInfo).port}` };
}

beforeAll(async () => {
  app = createApp({ db, temporal, config });
  ({ server, base } = await listen(app));
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await db.$disconnect();
});

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(base + path, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

describe('request plumbing', () => {
  it('malformed JSON is a 400 naming `body`', async () => {
    const res = await post('/api/incidents', '{"type": ', { authorization: 'Bearer whatever' });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({ code: 'malformed_json', field: 'body' });
  });

  it('a body over the limit is a 413', async () => {
    const res = await post('/api/incidents', JSON.stringify({ summary: 'x'.repeat(4096) }));
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('payload_too_large');
  });

  it('no credentials: 401 with a Bearer challenge', async () => {
    const res = await fetch(`${base}/api/incidents`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await res.json()).error.code).toBe('unauthenticated');
  });

  it('an Authorization header that is not a bearer token: 401 invalid_token', async () => {
    const res = await fetch(`${base}/api/me`, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('invalid_token');
  });

  it('unknown API paths answer 404 in the error shape', async () => {
    const res = await fetch(`${base}/api/no-such-thing`);
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('not_found');
  });

  it('an ack link with a forged token gets a 400 page, an unsigned garbage one too', async () => {
    const forged = await fetch(`${base}/ack/eyJwIjoiYWNrIn0.not-the-signature`);
    expect(forged.status).toBe(400);
    expect(forged.headers.get('content-type')).toContain('text/html');
    expect(await forged.text()).toContain('<html lang="en">');
    const garbage = await fetch(`${base}/ack/garbage`, { method: 'POST' });
    expect(garbage.status).toBe(400);
  });
});

describe('security headers', () => {
  const PAGE_POLICY = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ];
  const directives = (header: string | null) => (header ?? '').split(';').map((d) => d.trim()).filter(Boolean);

  it('pages carry the strict CSP, nosniff and a same-origin referrer, and no cache keeps them', async () => {
    const res = await fetch(`${base}/console/sign-in`);
    expect(res.status).toBe(200);
    expect(directives(res.headers.get('content-security-policy'))).toEqual(PAGE_POLICY);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('API answers and static files are nosniff too', async () => {
    for (const path of ['/api/no-such-thing', '/static/site.css']) {
      expect([path, (await fetch(base + path)).headers.get('x-content-type-options')]).toEqual([path, 'nosniff']);
    }
  });

  it('a signed-link page tells no other site its address, even when the link is damaged', async () => {
    const res = await fetch(`${base}/progress/garbage`);
    expect(res.status).toBe(400);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(directives(res.headers.get('content-security-policy'))).toEqual(PAGE_POLICY);
  });

  it('HSTS only when the public address is https', async () => {
    expect((await fetch(`${base}/console/sign-in`)).headers.get('strict-transport-security')).toBeNull();
    const https = await listen(createApp({ db, temporal, config: { ...config, PUBLIC_BASE_URL: 'https://example.org' } }));
    try {
      expect((await fetch(`${https.base}/console/sign-in`)).headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
    } finally {
      await new Promise((resolve) => https.server.close(resolve));
    }
  });
});

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  name: string;
  handle: { stack?: Layer[] };
  regexp: RegExp & { fast_slash?: boolean };
}

/** Mount path of a router layer, recovered from express 4's path regexp. */
function mountPath(layer: Layer): string {
  if (layer.regexp.fast_slash) return '';
  const match = /^\^\\\/(.*?)\\\/\?\(\?=\\\/\|\$\)$/i.exec(layer.regexp.source);
  if (!match) throw new Error(`cannot read mount path from ${layer.regexp.source}`);
  return `/${match[1].replace(/\\\//g, '/')}`;
}

function servedRoutes(stack: Layer[], prefix = ''): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      return Object.keys(layer.route.methods)
        .filter((m) => m !== '_all')
        .map((method) => `${method.toUpperCase()} ${prefix}${layer.route!.path}`);
    }
    if (layer.name === 'router' && layer.handle.stack) return servedRoutes(layer.handle.stack, prefix + mountPath(layer));
    return [];
  });
}

describe('GET /api/openapi.json', () => {
  it('documents every API, webhook and link route the app serves, and nothing it does not', async () => {
    const res = await fetch(`${base}/api/openapi.json`);
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toMatch(/^3\./);
    const documented = new Set<string>();
    for (const [path, operations] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(operations)) documented.add(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
    }
    const served = servedRoutes((app as unknown as { _router: { stack: Layer[] } })._router.stack).filter((r) =>
      /^[A-Z]+ \/(api|webhooks|ack|progress|healthz|readyz)(\/|$)/.test(r),
    );
    expect(served.length).toBeGreaterThan(15);
    expect(served.filter((r) => !documented.has(r))).toEqual([]);
    expect([...documented].filter((r) => !served.includes(r))).toEqual([]);
  });

  it('carries the request schemas, so field names and rules are visible to clients', async () => {
    const doc = await (await fetch(`${base}/api/openapi.json`)).json();
    const declare = doc.paths['/api/incidents'].post;
    expect(declare.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/DeclareIncidentRequest');
    expect(doc.components.schemas.DeclareIncidentRequest.required).toEqual(expect.arrayContaining(['type', 'severity', 'title', 'summary']));
    expect(Object.keys(declare.responses)).toEqual(expect.arrayContaining(['202', '400', '401', '403']));
    expect(doc.paths['/api/statements/{id}/decisions'].post.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'id', in: 'path' })]),
    );
  });
});
