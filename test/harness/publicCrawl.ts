// Everything a resident (or a search engine) can reach without signing in:
// starting from the public home page, every same-origin link and script the
// pages carry, the JSON the pages' scripts load (the public incident and plan
// APIs, for every incident and plan they list), each goal's and item's page
// with its residents' comments, the policy, and both feeds.
// Tests search what comes back for private data.
const STAFF_ONLY = /^\/(console|ack|progress|statements)\b|^\/api\/(?!public\/|policy$)|^\/webhooks\//;

export interface CrawledPage {
  path: string;
  status: number;
  contentType: string;
  text: string;
}

const hrefsIn = (html: string): string[] =>
  [...html.matchAll(/\b(?:href|src)="([^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&').split('#')[0]).filter(Boolean);

function sameOriginPath(baseUrl: string, ref: string): string | null {
  try {
    const url = new URL(ref, `${baseUrl}/`);
    return url.origin === new URL(baseUrl).origin ? `${url.pathname}${url.search}` : null;
  } catch {
    return null;
  }
}

/** Fetches every public page, script, feed and JSON answer once; returns them all. */
export async function crawlPublicSite(baseUrl: string): Promise<CrawledPage[]> {
  const seen = new Set<string>();
  const queue = ['/', '/api/public/incidents', '/api/public/plans', '/api/policy', '/api/public/court-survey/summary', '/feeds/statements.atom', '/feeds/deadlines.ics', '/sessions', '/sessions?lang=es', '/api/public/sessions', '/feeds/plan.ics'];
  const pages: CrawledPage[] = [];
  const enqueue = (path: string | null) => {
    if (path && !seen.has(path) && !STAFF_ONLY.test(path)) queue.push(path);
  };
  while (queue.length > 0) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const res = await fetch(`${baseUrl}${path}`, { redirect: 'manual' });
    const contentType = res.headers.get('content-type') ?? '';
    const text = await res.text();
    pages.push({ path, status: res.status, contentType, text });
    if (contentType.includes('text/html')) {
      for (const ref of hrefsIn(text)) enqueue(sameOriginPath(baseUrl, ref));
      // A goal's or an item's page: the JSON of its comments too.
      const commentsPage = /^\/plans\/([^/?]+)\/(items|goals)\/([^/?]+)$/.exec(path);
      if (commentsPage) enqueue(`/api/public/plans/${commentsPage[1]}/${commentsPage[2]}/${commentsPage[3]}/comments`);
    }
    if (contentType.includes('json')) {
      const body = JSON.parse(text) as { incidents?: { number: string }[]; plans?: { id: string }[]; plan?: { id: string }; goals?: { number: number }[] } | { id: string }[];
      const incidents = Array.isArray(body) ? [] : (body.incidents ?? []);
      const plans = Array.isArray(body) ? body : (body.plans ?? []);
      for (const incident of incidents) {
        enqueue(`/incidents/${encodeURIComponent(incident.number)}`);
        enqueue(`/api/public/incidents/${encodeURIComponent(incident.number)}`);
      }
      for (const plan of plans) {
        if (!plan?.id) continue;
        enqueue(`/plans/${encodeURIComponent(plan.id)}`);
        enqueue(`/api/public/plans/${encodeURIComponent(plan.id)}`);
      }
      // One plan: each goal's page (which links its items' pages) and the comment figures.
      if (!Array.isArray(body) && body.plan?.id && Array.isArray(body.goals)) {
        const planId = encodeURIComponent(body.plan.id);
        enqueue(`/api/public/plans/${planId}/comment-figures`);
        for (const goal of body.goals) enqueue(`/plans/${planId}/goals/${goal.number}`);
      }
    }
  }
  return pages;
}

/** The crawled pages that contain any of `secrets`, as "path: secret". */
export function leaks(pages: CrawledPage[], secrets: readonly string[]): string[] {
  return pages.flatMap((page) => secrets.filter((secret) => page.text.includes(secret)).map((secret) => `${page.path}: ${secret}`));
}
