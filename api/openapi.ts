import { OpenAPIRegistry, OpenApiGeneratorV3, extendZodWithOpenApi, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z, type AnyZodObject, type ZodTypeAny } from 'zod';
import type { Role } from '../domain/roles';
import { UNSAFE_TEXT_MESSAGE } from '../domain/text';
import { REFUSAL_CODES } from '../services/errors';
import { currentPolicyView, rolesPermitted, type Permission } from '../services/policyView';

extendZodWithOpenApi(z);

/*
 * Every router documents its routes here, at module load, from the same zod
 * schemas it validates with, so `GET /api/openapi.json` cannot drift from what
 * the handlers accept. The document itself is generated when it is served:
 * routes whose access the policy grants name the roles of the policy in force
 * then (POLICY_FILE is read after the routers load).
 *
 * The answers every operation can give whatever its handler does (400 for
 * input the document does not admit, 401/403 from access, 404 for a path
 * naming nothing, 413/415 for bodies, 422 for the rules a schema cannot state,
 * 503) are added here from what the route declares, so a new route gets them
 * by being documented; api/contract.ts answers undeclared methods (405) and
 * undeclared body types (415) from the same table.
 */

export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      field: z.string().optional().openapi({ description: 'Path of the offending field, e.g. `severity` or `deadlines.0.dueAt`' }),
      details: z
        .array(
          z.object({
            field: z.string(),
            message: z.string().openapi({ description: 'What is wrong, in English' }),
            code: z.enum(REFUSAL_CODES).optional().openapi({
              description: 'Why, as a stable code a client can word in its own language (the catalogues under locales/ do: common `refusals.<code>`); `message` says it in English',
            }),
            params: z
              .record(z.union([z.string(), z.number()]))
              .optional()
              .openapi({ description: "The bounds the code's words name, e.g. `{ \"max\": 200 }` for too_long" }),
          }),
        )
        .optional(),
    }),
  })
  .openapi('Error');

export type RouteAccess =
  | { roles: readonly Role[] }
  /** The roles the policy grants this permission (services/policyView.ts). */
  | { permission: Permission }
  | 'authenticated'
  | 'public'
  | 'signed-link'
  | 'webhook-signature';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** A link from a response to an operation that takes a value from it, e.g. the new incident's number. */
export interface RouteLink {
  /** The operation, as `METHOD /express/path`. */
  to: string;
  /** Parameter name -> runtime expression, e.g. `{ id: '$response.body#/number' }`. */
  parameters: Record<string, string>;
  description?: string;
}

/** Links named after the operations they lead to (`POST /api/plans/:id/items` -> `postApiPlansIdItems`), all passing `parameters`. */
export const linksTo = (operations: readonly string[], parameters: Record<string, string>): Record<string, RouteLink> =>
  Object.fromEntries(
    operations.map((to) => {
      const [method, path] = to.split(' ');
      return [operationIdOf({ method: method.toLowerCase() as HttpMethod, path }), { to, parameters }];
    }),
  );

export interface DocumentedResponse {
  description: string;
  schema?: ZodTypeAny;
  contentType?: string;
  /** Named links to the operations that use what this response returns. */
  links?: Record<string, RouteLink>;
}

export interface DocumentedRoute {
  method: HttpMethod;
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
  /** The body's media type(s); JSON unless stated (e.g. `text/csv`, `application/x-www-form-urlencoded`). */
  bodyType?: string | readonly string[];
  /** Rules the schemas cannot state (a time that has passed, a person who is not active): refused with 422. */
  rules?: string[];
  /** The route answers errors as HTML pages for people (signed-link pages) rather than the JSON error shape. */
  errorPages?: boolean;
  /** Status code -> response schema (or description only). Error statuses without a schema get the error shape. */
  responses: Record<number, DocumentedResponse>;
}

const documented: DocumentedRoute[] = [];

const toOpenApiPath = (expressPath: string) => expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** `post /api/incidents/:id/close` -> `postApiIncidentsIdClose`: stable, unique per method and path. */
export const operationIdOf = (route: Pick<DocumentedRoute, 'method' | 'path'>): string =>
  route.method +
  route.path
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join('');

/** The media types a route's body may come in. */
export const bodyTypesOf = (route: Pick<DocumentedRoute, 'bodyType'>): string[] =>
  route.bodyType === undefined ? ['application/json'] : typeof route.bodyType === 'string' ? [route.bodyType] : [...route.bodyType];

export function documentRoute(route: DocumentedRoute): void {
  const key = `${route.method} ${route.path}`;
  if (documented.some((r) => `${r.method} ${r.path}` === key)) throw new Error(`route documented twice: ${key}`);
  documented.push(route);
}

/** Every route documented so far (the coverage test, the method guard and the contract test read it). */
export const documentedRoutes = (): readonly DocumentedRoute[] => documented;

const rolesOf = (access: RouteAccess): readonly Role[] | undefined =>
  typeof access !== 'object' ? undefined : 'permission' in access ? rolesPermitted(access.permission) : access.roles;

const ACCESS_NOTES: Record<Exclude<RouteAccess, object>, string> = {
  authenticated: 'Any signed-in person.',
  public: 'Public, no authentication.',
  'signed-link': 'Authorised by the signed, expiring token in the link.',
  'webhook-signature': 'Authorised by the provider signature header.',
};

const TEXT_RULE = `Every string in the path, query and body ${UNSAFE_TEXT_MESSAGE} (400 naming the field).`;

const SAFE_METHODS = new Set<HttpMethod>(['get']);

/** What the server answers whatever the handler does, from what the route declares. */
function standardErrors(route: DocumentedRoute, roles: readonly Role[] | undefined, needsAuth: boolean): Record<number, string> {
  const errors: Record<number, string> = {
    400: route.body || route.params || route.query || route.headers
      ? 'The request does not match this document; `error.field` names the field'
      : 'A query string this server cannot store (see the text rule)',
  };
  if (needsAuth) {
    errors[401] = 'Missing, invalid, expired or revoked credentials';
    const csrf = SAFE_METHODS.has(route.method) ? '' : ' Also: a cookie session without its X-CSRF-Token.';
    if (roles) errors[403] = `Requires one of: ${roles.join(', ')}.${csrf}`;
    else if (csrf) errors[403] = csrf.trim();
  }
  if (route.params) errors[404] = 'Nothing with this id';
  if (route.body) {
    errors[413] = 'The body is larger than the server takes';
    errors[415] = `The body is not ${bodyTypesOf(route).join(' or ')}`;
  }
  if (route.rules?.length) errors[422] = `Matches this document but breaks a rule it cannot state: ${route.rules.join('; ')}`;
  // Node answers this itself, before the app, without a body.
  errors[431] = 'The request line and headers are larger than the server reads (16 KB), e.g. a path far longer than documented';
  errors[503] = 'A service this depends on (database, workflow service) is unavailable or overloaded; try again shortly';
  return errors;
}

function registerRoute(registry: OpenAPIRegistry, route: DocumentedRoute, operationIds: Map<string, string>): void {
  // Pages answer errors as pages, except what is refused before the page runs (405, the text rule): JSON.
  const errorContent = route.errorPages
    ? { 'text/html': { schema: z.string() }, 'application/json': { schema: ErrorBodySchema } }
    : { 'application/json': { schema: ErrorBodySchema } };
  const responses: RouteConfig['responses'] = {};
  for (const [status, response] of Object.entries(route.responses)) {
    const content = response.schema
      ? { [response.contentType ?? 'application/json']: { schema: response.schema } }
      : Number(status) >= 400
        ? errorContent
        : undefined;
    responses[status] = { description: response.description, ...(content ? { content } : {}), ...(response.links ? { links: linksOf(response.links, operationIds) } : {}) };
  }
  const roles = rolesOf(route.access);
  const needsAuth = roles !== undefined || route.access === 'authenticated';
  for (const [status, description] of Object.entries(standardErrors(route, roles, needsAuth))) {
    responses[status] ??= status === '431' ? { description } : { description, content: errorContent };
  }
  const accessNote = typeof route.access === 'object' ? `Roles: ${roles?.join(', ')}.` : ACCESS_NOTES[route.access];
  const rulesNote = route.rules?.length ? `Refused with 422: ${route.rules.join('; ')}.` : undefined;
  const bodyTypes = bodyTypesOf(route);
  registry.registerPath({
    method: route.method,
    path: toOpenApiPath(route.path),
    operationId: operationIdOf(route),
    summary: route.summary,
    description: [route.description, accessNote, rulesNote, TEXT_RULE].filter(Boolean).join('\n\n'),
    tags: route.tags,
    security: needsAuth ? [{ bearer: [] }, { session: [] }] : [],
    request: {
      params: route.params,
      query: route.query,
      headers: route.headers,
      body: route.body
        ? {
            // A JSON body that may be empty (every field optional) may also be left out: the server reads it as {}.
            required: !(bodyTypes.includes('application/json') && route.body.safeParse({}).success),
            content: Object.fromEntries(bodyTypes.map((type) => [type, { schema: route.body! }])),
          }
        : undefined,
    },
    responses,
  });
}

function linksOf(links: Record<string, RouteLink>, operationIds: Map<string, string>) {
  return Object.fromEntries(
    Object.entries(links).map(([name, link]) => {
      const operationId = operationIds.get(link.to);
      if (!operationId) throw new Error(`link ${name} points to an undocumented operation: ${link.to}`);
      return [name, { operationId, parameters: link.parameters, ...(link.description ? { description: link.description } : {}) }];
    }),
  );
}

// ---------------------------------------------------------------- values only the policy in force knows

export type PolicyEnum = 'incidentTypes' | 'statementKinds' | 'severities';
const POLICY_ENUM = 'x-policy-enum';

/** Marks a schema whose allowed values are the policy's (filled in when the document is generated). */
export const policyEnum = (which: PolicyEnum) => ({ [POLICY_ENUM]: which }) as Record<string, unknown>;

function policyEnumValues(which: PolicyEnum): (string | number)[] {
  const policy = currentPolicyView();
  if (which === 'severities') return policy.severities;
  return (which === 'incidentTypes' ? policy.incidentTypes : policy.statementKinds).map((entry) => entry.key);
}

// ---------------------------------------------------------------- the finished document

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Visits every schema object under `schema`, following $refs into components once. */
function walkSchemas(schema: unknown, components: JsonObject, visit: (schema: JsonObject) => void, seen = new Set<unknown>()): void {
  if (!isObject(schema) || seen.has(schema)) return;
  seen.add(schema);
  if (typeof schema.$ref === 'string') {
    walkSchemas(components[schema.$ref.replace('#/components/schemas/', '')], components, visit, seen);
    return;
  }
  visit(schema);
  for (const key of ['items', 'not', 'additionalProperties']) walkSchemas(schema[key], components, visit, seen);
  for (const key of ['allOf', 'anyOf', 'oneOf']) for (const part of (schema[key] as unknown[] | undefined) ?? []) walkSchemas(part, components, visit, seen);
  for (const property of Object.values((schema.properties as JsonObject | undefined) ?? {})) walkSchemas(property, components, visit, seen);
}

const NO_NUL = '^[^\\u0000]*$';

/**
 * What generation cannot know from the zod schemas alone: the text rule as a
 * pattern on every request string that has none (the patterns fields.ts writes
 * already exclude NUL), and the policy's enumerations.
 */
function finishDocument(document: ReturnType<OpenApiGeneratorV3['generateDocument']>) {
  const components = (document.components?.schemas ?? {}) as JsonObject;
  const requestSchemas: unknown[] = [];
  for (const pathItem of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(pathItem as JsonObject)) {
      if (!isObject(operation)) continue;
      for (const parameter of (operation.parameters as JsonObject[] | undefined) ?? []) requestSchemas.push(parameter.schema);
      const content = isObject(operation.requestBody) ? (operation.requestBody.content as JsonObject) : {};
      for (const media of Object.values(content)) if (isObject(media)) requestSchemas.push(media.schema);
    }
  }
  const seen = new Set<unknown>();
  for (const schema of requestSchemas) {
    walkSchemas(schema, components, (s) => {
      if (s.type === 'string' && s.pattern === undefined && s.enum === undefined) s.pattern = NO_NUL;
      // Free-form objects: whatever they carry is text under the same rule.
      if (s.type === 'object' && s.additionalProperties === undefined && s.properties === undefined) s.additionalProperties = { type: 'string', pattern: NO_NUL };
    }, seen);
  }
  const marked = new Set<unknown>();
  const markPolicyEnums = (s: JsonObject) => {
    const which = s[POLICY_ENUM] as PolicyEnum | undefined;
    if (!which) return;
    delete s[POLICY_ENUM];
    s.enum = policyEnumValues(which);
  };
  for (const schema of [...requestSchemas, ...Object.values(components)]) walkSchemas(schema, components, markPolicyEnums, marked);
  return document;
}

export function buildOpenApiDocument(publicBaseUrl: string) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  registry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: 'cg_session' });
  const operationIds = new Map(documented.map((route) => [`${route.method.toUpperCase()} ${route.path}`, operationIdOf(route)]));
  for (const route of documented) registerRoute(registry, route, operationIds);
  const document = new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: 'Common Ground API',
      version: '1.0.0',
      description: [
        'Critical incident communications and the 12-month action plan.',
        'Errors: `{ error: { code, message, field?, details? } }` on every API route.',
        '400: the request does not match this document. 422: it matches, but breaks a rule the document can only describe (each operation lists its rules).',
        '405 with `Allow` for a method a path does not document.',
        TEXT_RULE,
      ].join(' '),
    },
    servers: [{ url: publicBaseUrl }],
  });
  return finishDocument(document);
}

let served: { key: string; document: ReturnType<typeof buildOpenApiDocument> } | undefined;

/** The document for the policy in force, generated once per policy version (and server URL). */
export function openApiDocument(publicBaseUrl: string): ReturnType<typeof buildOpenApiDocument> {
  const key = `${currentPolicyView().version} ${publicBaseUrl} ${documented.length}`;
  if (served?.key !== key) served = { key, document: buildOpenApiDocument(publicBaseUrl) };
  return served.document;
}
