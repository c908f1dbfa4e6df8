// Calling the API over HTTP from a test: one request, its answer read as
// text and (when it is JSON) parsed, and every 5xx remembered so a test file
// can check at the end that nothing failed on the server's side.
import type { Role } from '../../domain/roles';

export interface Answer {
  status: number;
  /** The parsed body, or undefined when it is not JSON. */
  json: any;
  text: string;
  headers: Headers;
}

export interface CallOptions {
  /** Sends the demo bearer token of this role (needs a requester that knows the roster). */
  as?: Role;
  /** Sends `Authorization: Bearer <token>`. */
  token?: string;
  cookie?: string;
  /** A JSON body. */
  json?: unknown;
  /** A body sent as it is (name its content-type in headers). */
  body?: string;
  headers?: Record<string, string>;
}

/** Sends one request to the app: TestSystem.request, or fetchFrom(base) for an app without the demo roster. */
export type Requester = (path: string, init: RequestInit & { as?: Role; json?: unknown }) => Promise<Response>;

/** A requester for an app listening at a base URL (known once the server listens); redirects come back as they are. */
export const fetchFrom =
  (baseUrl: () => string): Requester =>
  (path, { as, json, headers, ...rest }) => {
    if (as) throw new Error('fetchFrom has no demo roster: send a token instead of `as`');
    const merged = new Headers(headers);
    if (json !== undefined) merged.set('content-type', 'application/json');
    return fetch(`${baseUrl()}${path}`, {
      redirect: 'manual',
      ...rest,
      headers: merged,
      body: json !== undefined ? JSON.stringify(json) : rest.body,
    });
  };

export async function readAnswer(res: Response): Promise<Answer> {
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

/**
 * `call(method, path, options)` for a test file. `requester` is read on each
 * call, so it may be created in beforeAll. Answers with a 5xx are added to
 * `serverErrors` when one is given.
 */
export function apiCaller(requester: () => Requester, { serverErrors }: { serverErrors?: string[] } = {}) {
  return async (method: string, path: string, options: CallOptions = {}): Promise<Answer> => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.cookie) headers.cookie = options.cookie;
    const res = await requester()(path, { method, as: options.as, json: options.json, body: options.body, headers });
    const answer = await readAnswer(res);
    if (res.status >= 500) serverErrors?.push(`${method} ${path} -> ${res.status} ${answer.text.slice(0, 300)}`);
    return answer;
  };
}
