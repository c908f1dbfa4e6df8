// Public accountability: what was promised, when it was due, whether it was
// met, and what was published. Built field by field from an allow-list so
// nothing private (names, addresses, drafts, comments, summaries, a counsel's
// hold's detail) can leak in. The public API and the public feeds are both
// built from these.
//
// Residents read these hardest right after a publicised incident, so they
// come from a cache, never one query per incident: the public records (the
// newest incidents, their deadlines, published or withdrawn statements and
// counsel's holds) are loaded in four queries and kept until the database says
// they changed. Triggers bump the `public_data_version` sequence at the commit
// of any change to incidents, deadlines, a statement's publication or
// withdrawal (migration 20261205000000) or a hold (20261210000000); every
// request reads that version (one shared query for all requests waiting at
// that moment) and reloads the records only when it moved. What depends on
// the clock (open or missed) is worked out from the cached rows at most once a
// second; each answer is written once (its bytes and ETag, lib/writtenBody.ts)
// for every reader in that second and data version, or for the whole data
// version when the clock cannot change it (the Atom feed).
// And public reads take turns (lib/turns.ts): however many residents are
// reading, a staff action's next step never waits behind all of them.
//
// Every view is in a reader's language: the policy's words (types, deadline
// titles, statement kinds) as the pinned version translates them, hold
// categories as the catalogues name their codes, and each
// statement's text where one was approved in that language (`language` on a
// statement says which language its text is in).
import type { Config } from '../lib/config';
import type { Db } from '../lib/db';
import { TurnQueueFull, turnQueue, type TurnQueue } from '../lib/turns';
import { writtenBody, type WrittenBody } from '../lib/writtenBody';
import { isDeadlineOverdue } from '../domain/overdue';
import type { DeadlineRow } from '../domain/deadlineRow';
import { INCIDENT_NUMBER_PATTERN } from '../domain/ids';
import { deadlineRowSelect } from './deadlineViews';
import { HttpError, notFound } from './errors';
import type { IncidentRow } from './incidentViews';
import { policyViewFor } from './policyView';
import { DEFAULT_LANGUAGE, translator } from '../lib/i18n';
import { readTranslations, type StatementTranslationsV1 } from '../domain/statementText';
import { currentPolicy, getPolicy, holdCategoryName, localiseDeadlineTitle, localisePolicy, type Policy } from '../policy';

/** How many incidents the public list shows, and the cache holds. */
export const PUBLIC_INCIDENT_LIMIT = 200;

/** held: a counsel's hold stops its clock (shown instead of "missed" while it lasts). */
type PublicDeadlineStatus = 'open' | 'met' | 'missed' | 'waived' | 'held';

/** A deadline row with what the public may know of a hold on it. */
type PublicDeadlineRow = DeadlineRow & { heldSince: Date | null; heldByHoldId: string | null; _count: { extensions: number } };

const publicDeadlineSelect = { ...deadlineRowSelect, heldSince: true, heldByHoldId: true, _count: { select: { extensions: true } } } as const;

/** The public's view of a hold row: when, why (the category), what it covers, how it ended. Never the detail. */
interface HoldRow {
  id: string;
  incidentId: string;
  scope: string;
  statementKind: string | null;
  category: string;
  status: string;
  placedAt: Date;
  lapsesAt: Date;
  endedAt: Date | null;
}

const publicHoldSelect = {
  id: true,
  incidentId: true,
  scope: true,
  statementKind: true,
  category: true,
  status: true,
  placedAt: true,
  lapsesAt: true,
  endedAt: true,
} as const;

/** Missed once marked missed, or while still open past its due time; held while a counsel's hold stops an open one. */
function publicStatus(d: PublicDeadlineRow, now: Date): PublicDeadlineStatus {
  if (d.status === 'MET') return 'met';
  if (d.status === 'WAIVED') return 'waived';
  if (d.status === 'OPEN' && d.heldSince) return 'held';
  return isDeadlineOverdue(d, now) ? 'missed' : 'open';
}

/** The policy words an incident is read in: its pinned version's, translated (the current version fills gaps for the same keys). */
function wordsFor(incident: Pick<IncidentRow, 'policyVersion'>, language: string): { pinned: Policy; localised: Policy; language: string } {
  let pinned: Policy;
  try {
    pinned = getPolicy(incident.policyVersion);
  } catch {
    pinned = currentPolicy();
  }
  return { pinned, localised: language === DEFAULT_LANGUAGE ? pinned : localisePolicy(pinned, language, currentPolicy()), language };
}

type Words = ReturnType<typeof wordsFor>;

function publicDeadline(d: PublicDeadlineRow, now: Date, holds: HoldRow[], words: Words) {
  const hold = d.heldByHoldId ? holds.find((h) => h.id === d.heldByHoldId) : undefined;
  const moved = d.dueAt.getTime() !== d.originalDueAt.getTime();
  return {
    key: d.key,
    kind: d.kind,
    title: localiseDeadlineTitle(words.pinned, words.localised, d),
    dueAt: d.dueAt.toISOString(),
    originalDueAt: d.originalDueAt.toISOString(),
    extended: moved,
    /** Why the due time moved: an extension (with a reason, kept for staff) or the end of a counsel's hold. */
    movedBy: !moved ? null : d._count.extensions > 0 ? ('extension' as const) : ('hold' as const),
    status: publicStatus(d, now),
    metAt: d.metAt ? d.metAt.toISOString() : null,
    metOnTime: d.metAt ? d.metAt <= d.dueAt : null,
    heldByCounsel: d.heldSince && hold ? { since: d.heldSince.toISOString(), reason: publicHoldCategory(words, hold.category) } : null,
  };
}

/** A hold's category as the public reads it: the catalogue's name for its code in the reader's language. */
const publicHoldCategory = (words: Words, category: string): string =>
  holdCategoryName(words.language, category, words.localised.holds?.categories.find((c) => c.key === category)?.label);

function publicHold(h: HoldRow, words: Words) {
  const t = translator(words.language, 'web');
  const kindLabel = h.statementKind ? (words.localised.statementKinds.find((k) => k.key === h.statementKind)?.label ?? h.statementKind) : null;
  return {
    id: h.id,
    covers:
      h.scope === 'ALL'
        ? t('incident.hold.coversAll')
        : h.scope === 'STATEMENT_KIND' && kindLabel
          ? t('incident.hold.coversKind', { kind: kindLabel.toLowerCase() })
          : t('incident.hold.coversOne'),
    statementKind: h.scope === 'STATEMENT_KIND' ? h.statementKind : null,
    reason: publicHoldCategory(words, h.category),
    category: h.category,
    status: h.status === 'ACTIVE' ? ('active' as const) : h.status === 'LAPSED' ? ('lapsed' as const) : ('released' as const),
    since: h.placedAt.toISOString(),
    lapsesAt: h.lapsesAt.toISOString(),
    endedAt: h.endedAt ? h.endedAt.toISOString() : null,
  };
}

const typeLabel = (incident: IncidentRow, words: Words): string => words.localised.definition.types.find((t) => t.key === incident.type)?.label ?? incident.type;

function summarise(incident: IncidentRow, deadlines: PublicDeadlineRow[], holds: HoldRow[], publishedStatements: number, now: Date, language: string) {
  const statuses = deadlines.map((d) => publicStatus(d, now));
  return {
    number: incident.number,
    type: incident.type,
    typeLabel: typeLabel(incident, wordsFor(incident, language)),
    severity: incident.severity,
    status: incident.status,
    declaredAt: incident.declaredAt.toISOString(),
    closedAt: incident.closedAt ? incident.closedAt.toISOString() : null,
    publishedStatements,
    deadlines: {
      open: statuses.filter((s) => s === 'open').length,
      met: statuses.filter((s) => s === 'met').length,
      missed: statuses.filter((s) => s === 'missed').length,
      held: statuses.filter((s) => s === 'held').length,
    },
    heldByCounsel: holds.filter((h) => h.status === 'ACTIVE').length > 0,
  };
}

interface PublicStatement {
  id: string;
  kind: string;
  title: string;
  body: string;
  /** The same version in other languages, approved with it. */
  translations: StatementTranslationsV1;
  publishedAt: string;
  deadlineKey: string | null;
}

/** A statement withdrawn after publication: when, and the public note; never its text. */
interface WithdrawnStatement {
  id: string;
  kind: string;
  kindLabel: string;
  publishedAt: string;
  withdrawnAt: string;
  note: string;
  deadlineKey: string | null;
}

/** One incident's public rows, as loaded; turned into the public view per request (the clock decides open or missed). */
interface PublicIncidentRecord {
  incident: IncidentRow;
  deadlines: PublicDeadlineRow[];
  statements: PublicStatement[];
  withdrawnStatements: WithdrawnStatement[];
  /** Every hold, oldest first: active ones hold deadlines, ended ones stay on the record. */
  holds: HoldRow[];
}

const publicIncidentView = ({ incident, deadlines, statements, withdrawnStatements, holds }: PublicIncidentRecord, now: Date, language: string) => {
  const words = wordsFor(incident, language);
  const kindLabel = (kind: string) => words.localised.statementKinds.find((k) => k.key === kind)?.label ?? kind;
  return {
    ...summarise(incident, deadlines, holds, statements.length, now, language),
    statements: statements.map(({ translations, ...statement }) => {
      const translated = language === DEFAULT_LANGUAGE ? undefined : translations[language];
      return {
        ...statement,
        kindLabel: kindLabel(statement.kind),
        title: (translated ?? statement).title,
        body: (translated ?? statement).body,
        language: translated ? language : DEFAULT_LANGUAGE,
      };
    }),
    withdrawnStatements: withdrawnStatements.map((w) => ({ ...w, kindLabel: kindLabel(w.kind) })),
    deadlineList: deadlines.map((d) => publicDeadline(d, now, holds, words)),
    holds: holds.map((h) => publicHold(h, words)),
  };
};

export type PublicIncidentView = ReturnType<typeof publicIncidentView>;

/** Loads the public rows of these incidents: three queries, whatever their number. */
async function loadRecords(db: Db, incidents: IncidentRow[]): Promise<PublicIncidentRecord[]> {
  const ids = incidents.map((i) => i.id);
  const [deadlines, statements, holds] = await Promise.all([
    db.deadline.findMany({ where: { incidentId: { in: ids } }, select: { ...publicDeadlineSelect, incidentId: true }, orderBy: { dueAt: 'asc' } }),
    db.statement.findMany({
      where: { incidentId: { in: ids }, status: { in: ['PUBLISHED', 'WITHDRAWN'] }, publishedVersion: { not: null } },
      select: {
        id: true,
        incidentId: true,
        kind: true,
        status: true,
        deadlineKey: true,
        publishedAt: true,
        publishedVersion: true,
        withdrawnAt: true,
        withdrawalNote: true,
        versions: { select: { version: true, title: true, body: true, translations: true } },
      },
      orderBy: { publishedAt: 'asc' },
    }),
    db.publicationHold.findMany({ where: { incidentId: { in: ids } }, select: publicHoldSelect, orderBy: { placedAt: 'asc' } }),
  ]);
  return incidents.map((incident) => {
    const policy = policyViewFor(incident.policyVersion);
    const own = statements.filter((s) => s.incidentId === incident.id);
    return {
      incident,
      deadlines: deadlines.filter((d) => d.incidentId === incident.id),
      statements: own.flatMap((s) => {
        const text = s.versions.find((v) => v.version === s.publishedVersion);
        if (s.status !== 'PUBLISHED' || !text || !s.publishedAt) return [];
        return [
          {
            id: s.id,
            kind: s.kind,
            title: text.title,
            body: text.body,
            translations: readTranslations(text.translations),
            publishedAt: s.publishedAt.toISOString(),
            deadlineKey: s.deadlineKey,
          },
        ];
      }),
      withdrawnStatements: own.flatMap((s) => {
        if (s.status !== 'WITHDRAWN' || !s.publishedAt || !s.withdrawnAt) return [];
        return [
          {
            id: s.id,
            kind: s.kind,
            kindLabel: policy.statementKinds.find((k) => k.key === s.kind)?.label ?? s.kind,
            publishedAt: s.publishedAt.toISOString(),
            withdrawnAt: s.withdrawnAt.toISOString(),
            note: s.withdrawalNote ?? '',
            deadlineKey: s.deadlineKey,
          },
        ];
      }),
      holds: holds.filter((h) => h.incidentId === incident.id),
    };
  });
}

interface Snapshot {
  version: string;
  loadedAt: number;
  records: PublicIncidentRecord[];
  /** By incident number and by id. */
  byKey: Map<string, PublicIncidentRecord>;
  /** Every incident there is fits in the snapshot, so one not in it does not exist. */
  complete: boolean;
}

/**
 * The version of the public data, read at most once at a time: a request
 * that arrives while a read is in flight waits for the next one (so it sees
 * every commit made before it arrived), and all requests waiting share it.
 */
class PublicDataVersion {
  private inFlight: Promise<string> | null = null;
  private next: Promise<string> | null = null;

  constructor(private readonly db: Db) {}

  read(): Promise<string> {
    if (!this.inFlight) return this.start();
    this.next ??= this.inFlight
      .catch(() => undefined)
      .then(() => {
        this.next = null;
        return this.start();
      });
    return this.next;
  }

  private start(): Promise<string> {
    const reading = this.db
      .$queryRaw<{ last_value: bigint | number | string }[]>`SELECT last_value FROM "public_data_version"`
      .then((rows) => String(rows[0]?.last_value ?? '0'))
      .finally(() => {
        if (this.inFlight === reading) this.inFlight = null;
      });
    this.inFlight = reading;
    return reading;
  }
}

/**
 * A snapshot is reloaded after this long even if the version did not move: a
 * reader can see a version bumped by a commit that is not yet visible (the
 * trigger runs just before the commit completes), and this bounds how long
 * that rare snapshot could stay.
 */
const MAX_SNAPSHOT_AGE_MS = 30_000;

/** Seconds of backlog the public turn queue holds before it answers 503. */
const BACKLOG_SECONDS = 10;

function memoised<T>(answers: Map<string, unknown>, purpose: string, build: () => T): T {
  if (answers.has(purpose)) return answers.get(purpose) as T;
  const value = build();
  answers.set(purpose, value);
  return value;
}

class PublicReadCache {
  private readonly version: PublicDataVersion;
  private snapshot: Snapshot | null = null;
  private loading: { version: string; promise: Promise<Snapshot> } | null = null;
  /**
   * Answers worked out from a snapshot, kept for the rest of the second they
   * were made in (they depend on the clock only that finely) and only while
   * the data version stands: a new version or a new second starts afresh, so
   * this holds at most one answer per incident, list and feed, and language.
   */
  private rendered = { generation: '', answers: new Map<string, unknown>() };
  /** The same, for answers that do not depend on the clock at all: kept while the data version stands. */
  private clockless = { generation: '', answers: new Map<string, unknown>() };
  private readonly turns: TurnQueue;

  constructor(
    private readonly db: Db,
    readsPerSecond: number,
  ) {
    this.version = new PublicDataVersion(db);
    this.turns = turnQueue({ perSecond: readsPerSecond, maxWaiting: readsPerSecond * BACKLOG_SECONDS });
  }

  /** Waits this read's turn (lib/turns.ts); 503 with Retry-After when the backlog is full. */
  async turn(): Promise<void> {
    try {
      await this.turns.wait();
    } catch (err) {
      if (!(err instanceof TurnQueueFull)) throw err;
      throw new HttpError(503, 'unavailable', 'too many public requests right now; please try again shortly', undefined, undefined, { 'Retry-After': String(BACKLOG_SECONDS) });
    }
  }

  /** The public records as of now (reloaded only when the data changed since the last load). */
  async current(): Promise<Snapshot> {
    const version = await this.version.read();
    const fresh = this.snapshot && this.snapshot.version === version && Date.now() - this.snapshot.loadedAt < MAX_SNAPSHOT_AGE_MS;
    if (fresh) return this.snapshot!;
    if (this.loading?.version !== version) {
      const promise = this.load(version).then((snapshot) => {
        // A slower load of an older version must not replace a newer one.
        if (!this.snapshot || BigInt(snapshot.version) >= BigInt(this.snapshot.version)) this.snapshot = snapshot;
        return snapshot;
      });
      promise.finally(() => {
        if (this.loading?.promise === promise) this.loading = null;
      }).catch(() => undefined);
      this.loading = { version, promise };
    }
    return this.loading.promise;
  }

  /** `build(snapshot)` once per data version, purpose and second; the same answer for every request in between. */
  async memo<T>(purpose: string, now: Date, build: (snapshot: Snapshot) => T): Promise<T> {
    return this.memoIn(await this.current(), purpose, now, build);
  }

  memoIn<T>(snapshot: Snapshot, purpose: string, now: Date, build: (snapshot: Snapshot) => T): T {
    const generation = `${snapshot.version}|${Math.floor(now.getTime() / 1000)}`;
    if (this.rendered.generation !== generation) this.rendered = { generation, answers: new Map() };
    return memoised(this.rendered.answers, purpose, () => build(snapshot));
  }

  /** `build(snapshot)` once per data version and purpose, whatever the clock says: for answers the clock cannot change. */
  memoForVersion<T>(snapshot: Snapshot, purpose: string, build: (snapshot: Snapshot) => T): T {
    if (this.clockless.generation !== snapshot.version) this.clockless = { generation: snapshot.version, answers: new Map() };
    return memoised(this.clockless.answers, purpose, () => build(snapshot));
  }

  private async load(version: string): Promise<Snapshot> {
    const incidents = await this.db.incident.findMany({ orderBy: { declaredAt: 'desc' }, take: PUBLIC_INCIDENT_LIMIT });
    const records = await loadRecords(this.db, incidents);
    const byKey = new Map<string, PublicIncidentRecord>();
    for (const record of records) {
      byKey.set(record.incident.number, record);
      byKey.set(record.incident.id, record);
    }
    return { version, loadedAt: Date.now(), records, byKey, complete: incidents.length < PUBLIC_INCIDENT_LIMIT };
  }
}

/** What a public read needs: the database, and how many public reads a second this process serves. */
export interface PublicReadDeps {
  db: Db;
  config: Pick<Config, 'PUBLIC_READS_PER_SECOND'>;
}

const caches = new WeakMap<Db, PublicReadCache>();
/** One cache (and one turn queue) per database client, shared by the public API and the feeds. */
async function readTurn({ db, config }: PublicReadDeps): Promise<PublicReadCache> {
  let cache = caches.get(db);
  if (!cache) {
    cache = new PublicReadCache(db, config.PUBLIC_READS_PER_SECOND);
    caches.set(db, cache);
  }
  await cache.turn();
  return cache;
}

const incidentList = (snapshot: Snapshot, now: Date, language: string) =>
  snapshot.records.map(({ incident, deadlines, statements, holds }) => summarise(incident, deadlines, holds, statements.length, now, language));

/** GET /api/public/incidents's body (the incident list, newest first, in `language`), written once per data version, language and second for every reader. */
export async function publicIncidentListJson(deps: PublicReadDeps, now: Date, language: string = DEFAULT_LANGUAGE): Promise<WrittenBody> {
  const cache = await readTurn(deps);
  return cache.memo(`list.json|${language}`, now, (snapshot) => writtenBody(JSON.stringify({ incidents: incidentList(snapshot, now, language) })));
}

/** Every incident the public list shows, with its published and withdrawn statements, deadlines and holds (the feeds are views of these). */
export async function loadPublicIncidentRecords(deps: PublicReadDeps, now: Date, language: string = DEFAULT_LANGUAGE): Promise<PublicIncidentView[]> {
  const cache = await readTurn(deps);
  return cache.memo(`records|${language}`, now, (snapshot) => snapshot.records.map((record) => publicIncidentView(record, now, language)));
}

/**
 * `write(incidents)` once per data version and language, for an answer that
 * uses nothing the clock decides (a deadline's open or missed): the Atom feed,
 * whose entries carry the times statements, withdrawals and holds were
 * recorded. `now` is the clock the views are made with, for the first reader.
 */
export async function writtenPerDataVersion<T>(deps: PublicReadDeps, purpose: string, now: Date, language: string, write: (incidents: PublicIncidentView[]) => T): Promise<T> {
  const cache = await readTurn(deps);
  const snapshot = await cache.current();
  return cache.memoForVersion(snapshot, `${purpose}|${language}`, () => write(snapshot.records.map((record) => publicIncidentView(record, now, language))));
}

/**
 * GET /api/public/incidents/:id's body: one incident's public record (404
 * HttpError if unknown): published statements, statements withdrawn after
 * publication (with their public note, never their text), every deadline, and
 * counsel's holds by category. Written once per data version, language and
 * second for every reader of the incidents the cache holds.
 */
export async function publicIncidentJson(deps: PublicReadDeps, idOrNumber: string, now: Date, language: string = DEFAULT_LANGUAGE): Promise<WrittenBody> {
  const cache = await readTurn(deps);
  const snapshot = await cache.current();
  const cached = snapshot.byKey.get(idOrNumber);
  // Keyed by number: the record is the same whether its id or its number named it.
  if (cached) return cache.memoIn(snapshot, `incident.json|${cached.incident.number}|${language}`, now, () => writtenBody(JSON.stringify(publicIncidentView(cached, now, language))));
  return writtenBody(JSON.stringify(await loadOlderIncident(deps, snapshot, idOrNumber, now, language)));
}

async function loadOlderIncident({ db }: PublicReadDeps, snapshot: Snapshot, idOrNumber: string, now: Date, language: string): Promise<PublicIncidentView> {
  if (snapshot.complete) throw notFound(`incident ${idOrNumber}`);
  // Older than the newest PUBLIC_INCIDENT_LIMIT: read directly, still in four queries.
  const where = INCIDENT_NUMBER_PATTERN.test(idOrNumber) ? { number: idOrNumber } : { id: idOrNumber };
  const incident = await db.incident.findUnique({ where });
  if (!incident) throw notFound(`incident ${idOrNumber}`);
  const [record] = await loadRecords(db, [incident]);
  return publicIncidentView(record, now, language);
}
