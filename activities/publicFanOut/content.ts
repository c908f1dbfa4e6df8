// What a public event's message says in each language: the facts read from
// the database once per event and language (a statement's text in the
// subscriber's language when one was written and approved, else the original
// with a note), the policy's words for deadlines in that language. A fan-out
// sends the same event to many subscribers, so the result is cached for a
// while in the worker.
import type { Db } from '../../lib/db';
import { DEFAULT_LANGUAGE } from '../../lib/i18n';
import type { PublicEventV1 } from '../../domain/contracts/publicFanOut';
import type { PlanFigures } from '../../domain/planFigures';
import { currentPolicy, getPolicy, localiseDeadlineTitle, localisePolicy, type Policy } from '../../policy';
import { readTranslations } from '../../domain/statementText';

export type MessageData = Record<string, unknown>;

const CACHE_LIMIT = 200;
const CACHE_MS = 10 * 60_000;
const cache = new Map<string, { at: number; data: Promise<MessageData> }>();

/** The policy an incident pinned; the current one if that version is no longer known. */
function pinnedPolicy(version: string): Policy {
  try {
    return getPolicy(version);
  } catch {
    return currentPolicy();
  }
}

/** A deadline's title in `language`, from the incident's pinned policy (or the current one's words for the same keys). */
function deadlineTitleIn(language: string, policyVersion: string, deadline: { kind: string; title: string }): string {
  if (language === DEFAULT_LANGUAGE) return deadline.title;
  const pinned = pinnedPolicy(policyVersion);
  return localiseDeadlineTitle(pinned, localisePolicy(pinned, language, currentPolicy()), deadline);
}

async function build(db: Db, event: PublicEventV1, language: string): Promise<MessageData> {
  switch (event.kind) {
    case 'statement.published': {
      const statement = await db.statement.findUnique({
        where: { id: event.statementId },
        select: { publishedVersion: true, incident: { select: { policyVersion: true } }, versions: { select: { version: true, title: true, body: true, translations: true } } },
      });
      const version = statement?.versions.find((v) => v.version === statement.publishedVersion);
      if (!statement || !version) throw new Error(`statement ${event.statementId} has no published version`);
      const own = language === DEFAULT_LANGUAGE ? { title: version.title, body: version.body } : readTranslations(version.translations)[language];
      const text = own ?? { title: version.title, body: version.body };
      return {
        incidentNumber: event.incidentNumber,
        statementTitle: text.title,
        statementBody: text.body,
        translationMissing: !own,
        publishedAt: event.publishedAt,
        ...(event.deadline
          ? {
              deadlineTitle: deadlineTitleIn(language, statement.incident.policyVersion, event.deadline),
              deadlineDueAt: event.deadline.dueAt,
              deadlineMetOnTime: event.deadline.metOnTime,
            }
          : {}),
      };
    }
    case 'deadline.missed': {
      const incident = await db.incident.findUnique({ where: { id: event.incidentId }, select: { policyVersion: true } });
      return {
        incidentNumber: event.incidentNumber,
        deadlineTitle: deadlineTitleIn(language, incident?.policyVersion ?? currentPolicy().version, { kind: event.deadlineKind, title: event.deadlineTitle }),
        dueAt: event.dueAt,
      };
    }
    case 'plan.report': {
      const snapshot = await db.dashboardSnapshot.findUnique({ where: { planId_month: { planId: event.planId, month: event.month } }, select: { data: true } });
      const figures = (snapshot?.data ?? {}) as Partial<PlanFigures>;
      return { planId: event.planId, planTitle: figures.planTitle, period: event.period, counts: figures.totals ?? {}, timeZone: figures.timeZone };
    }
    case 'session.upcoming':
      return { ...event.data };
  }
}

/** The event's message data in `language`. */
export function publicMessageData(db: Db, event: PublicEventV1, language: string): Promise<MessageData> {
  const key = `${JSON.stringify(event)}|${language}`;
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && now - hit.at < CACHE_MS) return hit.data;
  const data = build(db, event, language);
  // A failed read is not kept: the activity's retry reads again.
  data.catch(() => cache.delete(key));
  cache.set(key, { at: now, data });
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  return data;
}

/** The officials' message about a published statement (the policy's publication section), in the words the notification template takes. */
export async function officialsNoticeData(db: Db, event: Extract<PublicEventV1, { kind: 'statement.published' }>, publicBaseUrl: string) {
  const statement = await db.statement.findUnique({
    where: { id: event.statementId },
    select: {
      kind: true,
      publishedVersion: true,
      incident: { select: { id: true, number: true, title: true, severity: true } },
      versions: { select: { version: true, title: true, authorId: true } },
    },
  });
  const version = statement?.versions.find((v) => v.version === statement.publishedVersion);
  if (!statement || !version) throw new Error(`statement ${event.statementId} has no published version`);
  return {
    data: {
      incidentId: statement.incident.id,
      incidentNumber: statement.incident.number,
      title: statement.incident.title,
      severity: statement.incident.severity,
      statementId: event.statementId,
      statementTitle: version.title,
      kind: statement.kind,
      publishedAt: event.publishedAt,
      publicUrl: `${publicBaseUrl.replace(/\/$/, '')}/incidents/${encodeURIComponent(statement.incident.number)}`,
    },
    incidentId: statement.incident.id,
    authorId: version.authorId,
  };
}
