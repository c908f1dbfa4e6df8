// The app's request plumbing, without a database or Temporal behind it:
// body parsing errors, missing credentials, unknown routes, security headers,
// and that the OpenAPI document covers every API route the app actually serves.
import type { AddressInfo } from 'node:net';
import http, { type IncomingHttpHeaders, type Server } from 'node:http';
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

/** node:http, since fetch refuses some methods (TRACE). */
function rawRequest(method: string, path: string): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(base + path, { method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

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

  it('an ack link with a forged token gets a 403 page, a token that is not one at all a 400 page', async () => {
    const forged = await fetch(`${base}/ack/eyJwIjoiYWNrIn0.not-the-signature`);
    expect(forged.status).toBe(403);
    expect(forged.headers.get('content-type')).toContain('text/html');
    expect(await forged.text()).toContain('<html lang="en">');
    const garbage = await fetch(`${base}/ack/garbage`, { method: 'POST' });
    expect(garbage.status).toBe(400);
  });

  it('a body field the document does not list is refused, naming it', async () => {
    const res = await post('/api/session', JSON.stringify({ email: 'a@example.org', password: 'x', remember: true }));
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain('remember');
  });

  it('an unsigned webhook is refused for its signature before anything it carries is read', async () => {
    const res = await fetch(`${base}/webhooks/twilio/sms`, {
      method: 'POST',
      body: 'From=%2B13145550110&Body=ACK%00',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(403);
  });

  it('a path that is not percent-encoded UTF-8 is a 400 in the error shape', async () => {
    const res = await fetch(`${base}/api/statements/%E0%A4%A`);
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('invalid_input');
  });
});

describe('methods and media types the document does not list', () => {
  it.each([
    ['TRACE', '/healthz', 'GET'],
    ['PUT', '/api/me', 'GET'],
    ['DELETE', '/api/incidents/CI-2026-0001', 'GET'],
    ['PATCH', '/webhooks/twilio/sms', 'POST'],
    ['PUT', '/ack/abc.def', 'GET, POST'],
    // express alone would hand this to GET /api/plans/:id/items/:itemId with itemId "import".
    ['GET', '/api/plans/p1/items/import', 'POST'],
  ])('%s %s: 405 with Allow: %s, in the error shape', async (method, path, allow) => {
    const res = await rawRequest(method, path);
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe(allow);
    expect(JSON.parse(res.body).error.code).toBe('method_not_allowed');
  });

  it('OPTIONS answers with the documented methods', async () => {
    const res = await fetch(`${base}/api/session`, { method: 'OPTIONS' });
    expect(res.status).toBe(204);
    expect(res.headers.get('allow')).toBe('POST, DELETE');
  });

  it('HEAD follows GET, and paths nobody documented are left to the pages', async () => {
    expect((await fetch(`${base}/api/policy`, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${base}/console/sign-in`, { method: 'PUT' })).status).toBe(404);
  });

  it('a body in a media type the operation does not take is a 415', async () => {
    const res = await fetch(`${base}/api/session`, { method: 'POST', body: 'email=a@example.org', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(415);
    expect((await res.json()).error).toMatchObject({ code: 'unsupported_media_type', field: 'body' });
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

interface Operation {
  operationId: string;
  security?: unknown[];
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, { schema?: unknown }>; links?: Record<string, { operationId: string }> }>;
}

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

  it('states every answer each operation can give, in the one error shape', async () => {
    const doc = await (await fetch(`${base}/api/openapi.json`)).json();
    const operationIds = new Set<string>();
    for (const [path, operations] of Object.entries(doc.paths as Record<string, Record<string, Operation>>)) {
      for (const [method, op] of Object.entries(operations)) {
        const label = `${method.toUpperCase()} ${path}`;
        const statuses = Object.keys(op.responses);
        expect([label, statuses]).toEqual([label, expect.arrayContaining(['400', '431', '503'])]);
        if (op.security?.length) expect([label, statuses]).toEqual([label, expect.arrayContaining(['401'])]);
        if (path.includes('{')) expect([label, statuses]).toEqual([label, expect.arrayContaining(['404'])]);
        if (op.requestBody) expect([label, statuses]).toEqual([label, expect.arrayContaining(['413', '415'])]);
        if (!path.startsWith('/ack') && !path.startsWith('/progress')) {
          expect([label, op.responses['400'].content?.['application/json']?.schema]).toEqual([label, { $ref: '#/components/schemas/Error' }]);
        }
        expect(operationIds.has(op.operationId)).toBe(false);
        operationIds.add(op.operationId);
      }
    }
    const links = Object.values(doc.paths as Record<string, Record<string, Operation>>).flatMap((operations) =>
      Object.values(operations).flatMap((op) => Object.values(op.responses).flatMap((r) => Object.values(r.links ?? {}))),
    );
    expect(links.length).toBeGreaterThan(15);
    for (const link of links) expect(operationIds).toContain(link.operationId);
  });

  it('refuses unknown body fields where it says so, and says it everywhere a JSON body is an object', async () => {
    const doc = await (await fetch(`${base}/api/openapi.json`)).json();
    const schemas = doc.components.schemas as Record<string, { type?: string; additionalProperties?: unknown; oneOf?: { additionalProperties?: unknown }[] }>;
    for (const name of ['DeclareIncidentRequest', 'AcknowledgeRequest', 'CloseIncidentRequest', 'ExtendDeadlineRequest', 'CreatePlanRequest', 'CreateItemRequest', 'ProgressRequest', 'LoginRequest']) {
      expect([name, schemas[name].additionalProperties]).toEqual([name, false]);
    }
    for (const branch of schemas.DecisionRequest.oneOf!) expect(branch.additionalProperties).toBe(false);
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
