import { OpenAPIRegistry, OpenApiGeneratorV3, extendZodWithOpenApi, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z, type AnyZodObject, type ZodTypeAny } from 'zod';
import type { Role } from '../domain/roles';
import { currentPolicyView, rolesPermitted, type Permission } from '../services/policyView';

extendZodWithOpenApi(z);

/*
 * Every router documents its routes here, at module load, from the same zod
 * schemas it validates with, so `GET /api/openapi.json` cannot drift from what
 * the handlers accept. The document itself is generated when it is served:
 * routes whose access the policy grants name the roles of the policy in force
 * then (POLICY_FILE is read after the routers load).
 */

export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    field: z.string().optional().openapi({ description: 'Path of the offending field, e.g. `severity` or `deadlines.0.dueAt`' }),
    details: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  }),
}).openapi('Error');

export type RouteAccess =
  | { roles: readonly Role[] }
  /** The roles the policy grants this permission (services/policyView.ts). */
  | { permission: Permission }
  | 'authenticated'
  | 'public'
  | 'signed-link'
  | 'webhook-signature';

export interface DocumentedRoute {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express-style path, e.g. `/api/incidents/:id`. */
  path: string;
  summary: string;
  description?: string;
  tags?: string[];
  access: RouteAccess;
  params?: AnyZodObject;
  query?: AnyZodObject;
  headers?: AnyZodObject;
  body?: ZodTypeAny;
  /** Status code -> response schema (or description only). */
  responses: Record<number, { description: string; schema?: ZodTypeAny; contentType?: string }>;
}

const documented: DocumentedRoute[] = [];

const toOpenApiPath = (expressPath: string) => expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ErrorBodySchema } } });

export function documentRoute(route: DocumentedRoute): void {
  documented.push(route);
}

const rolesOf = (access: RouteAccess): readonly Role[] | undefined =>
  typeof access !== 'object' ? undefined : 'permission' in access ? rolesPermitted(access.permission) : access.roles;

const ACCESS_NOTES: Record<Exclude<RouteAccess, object>, string> = {
  authenticated: 'Any signed-in person.',
  public: 'Public, no authentication.',
  'signed-link': 'Authorised by the signed, expiring token in the link.',
  'webhook-signature': 'Authorised by the provider signature header.',
};

function registerRoute(registry: OpenAPIRegistry, route: DocumentedRoute): void {
  const responses: RouteConfig['responses'] = {};
  for (const [status, response] of Object.entries(route.responses)) {
    responses[status] = response.schema
      ? { description: response.description, content: { [response.contentType ?? 'application/json']: { schema: response.schema } } }
      : { description: response.description };
  }
  const roles = rolesOf(route.access);
  const needsAuth = roles !== undefined || route.access === 'authenticated';
  if (route.body || route.params || route.query) responses['400'] ??= errorResponse('Invalid input; `error.field` names the field');
  if (needsAuth) {
    responses['401'] ??= errorResponse('Missing, invalid, expired or revoked credentials');
    if (roles) responses['403'] ??= errorResponse(`Requires one of: ${roles.join(', ')}`);
  }
  const accessNote = typeof route.access === 'object' ? `Roles: ${roles?.join(', ')}.` : ACCESS_NOTES[route.access];
  registry.registerPath({
    method: route.method,
    path: toOpenApiPath(route.path),
    summary: route.summary,
    description: [route.description, accessNote].filter(Boolean).join('\n\n'),
    tags: route.tags,
    security: needsAuth ? [{ bearer: [] }, { session: [] }] : [],
    request: {
      params: route.params,
      query: route.query,
      headers: route.headers,
      body: route.body ? { required: true, content: { 'application/json': { schema: route.body } } } : undefined,
    },
    responses,
  });
}

/** Every route documented so far (used by the test that checks the spec covers the app). */
export const documentedRoutes = (): readonly DocumentedRoute[] => documented;

export function buildOpenApiDocument(publicBaseUrl: string) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  registry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: 'cg_session' });
  for (const route of documented) registerRoute(registry, route);
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: 'Common Ground API',
      version: '1.0.0',
      description:
        'Critical incident communications and the 12-month action plan. Errors: `{ error: { code, message, field?, details? } }`.',
    },
    servers: [{ url: publicBaseUrl }],
  });
}

let served: { key: string; document: ReturnType<typeof buildOpenApiDocument> } | undefined;

/** The document for the policy in force, generated once per policy version (and server URL). */
export function openApiDocument(publicBaseUrl: string): ReturnType<typeof buildOpenApiDocument> {
  const key = `${currentPolicyView().version} ${publicBaseUrl}`;
  if (served?.key !== key) served = { key, document: buildOpenApiDocument(publicBaseUrl) };
  return served.document;
}
