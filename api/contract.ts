// Answers what the OpenAPI document says a path does not take, before any
// route sees the request, from the same table the document is generated from
// (api/openapi.ts documentRoute): a method a documented path does not list is
// 405 with `Allow` naming exactly the documented ones (OPTIONS answers with
// that `Allow` too), and a body in a media type the operation does not take is
// 415. Paths nobody documented (the pages) pass through untouched.
import type { RequestHandler } from 'express';
import { HttpError } from '../services/errors';
import { bodyTypesOf, documentedRoutes, type DocumentedRoute } from './openapi';

interface PathTemplate {
  /** Lower-cased literal segments; null where the segment is a parameter. */
  segments: (string | null)[];
  operations: Map<string, DocumentedRoute>;
}

function compile(routes: readonly DocumentedRoute[]): PathTemplate[] {
  const byPath = new Map<string, PathTemplate>();
  for (const route of routes) {
    let template = byPath.get(route.path);
    if (!template) {
      const segments = route.path.split('/').slice(1).map((s) => (s.startsWith(':') ? null : s.toLowerCase()));
      template = { segments, operations: new Map() };
      byPath.set(route.path, template);
    }
    template.operations.set(route.method.toUpperCase(), route);
  }
  return [...byPath.values()];
}

/** Literal segments before parameters, as express's own routes (declared in that order) resolve them. */
function moreSpecific(a: PathTemplate, b: PathTemplate): boolean {
  for (let i = 0; i < a.segments.length; i += 1) {
    if ((a.segments[i] === null) !== (b.segments[i] === null)) return a.segments[i] !== null;
  }
  return false;
}

/** The documented path a request path falls under (express matching: case-insensitive, one trailing slash allowed). */
function templateFor(templates: readonly PathTemplate[], path: string): PathTemplate | undefined {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  const segments = trimmed.split('/').slice(1);
  let best: PathTemplate | undefined;
  for (const template of templates) {
    if (template.segments.length !== segments.length) continue;
    const matches = template.segments.every((literal, i) => segments[i] !== '' && (literal === null || literal === segments[i].toLowerCase()));
    if (matches && (!best || moreSpecific(template, best))) best = template;
  }
  return best;
}

const hasBody = (headers: Record<string, string | string[] | undefined>): boolean =>
  headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0');

/** Mount first: methods and body media types as the document states them. */
export function enforceDocumentedOperations(): RequestHandler {
  let compiledFrom = -1;
  let templates: PathTemplate[] = [];
  return (req, res, next) => {
    const routes = documentedRoutes();
    // Routes are documented at module load; a router loaded later (a test's extra router) is picked up here.
    if (routes.length !== compiledFrom) {
      templates = compile(routes);
      compiledFrom = routes.length;
    }
    const template = templateFor(templates, req.path);
    if (!template) return next();
    const allow = [...template.operations.keys()].join(', ');
    if (req.method === 'OPTIONS') {
      res.setHeader('Allow', allow);
      return res.status(204).end();
    }
    // HEAD is GET without the body; express answers it from the GET route.
    const method = req.method === 'HEAD' && template.operations.has('GET') ? 'GET' : req.method;
    const operation = template.operations.get(method);
    if (!operation) {
      return next(new HttpError(405, 'method_not_allowed', `${req.method} is not allowed here; allowed: ${allow}`, undefined, undefined, { Allow: allow }));
    }
    if (operation.body && hasBody(req.headers)) {
      const mediaTypes = bodyTypesOf(operation);
      if (!req.is(mediaTypes)) {
        return next(new HttpError(415, 'unsupported_media_type', `send the body as ${mediaTypes.join(' or ')}`, 'body'));
      }
    }
    next();
  };
}
