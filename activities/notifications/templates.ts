// Message templates. Workflows pass data only; wording, links and signed
// tokens are made here, at send time, in the reader's language: the words are
// in locales/<language>/messages.json (lib/i18n.ts), this file only decides
// which sentences a message has. Every field is optional as far as the
// templates are concerned: a missing field drops a sentence, never the message.
// A link that decides on a statement is a credential for a public act: it goes
// by email only, never in a text message.
import { ApplicationFailure } from '@temporalio/common';
import type { ChannelName } from '../../domain/contracts/notificationActivities';
import type { Config } from '../../lib/config';
import { signedLinkUrls } from '../../lib/links';
import { FailureType } from '../../domain/failures';
import { itemShortCode } from '../../domain/itemCode';
import { LINK_PURPOSES, type LinkLifetimes } from '../../domain/links';
import { escapeHtml } from '../../lib/html';
import { DEFAULT_LANGUAGE, dateLocale, languageOr, translator, type Translate } from '../../lib/i18n';
import { spokenIncidentNumber } from '../../domain/ids';
import { currentPolicy, durationMs, holdCategoryName, localiseDeadlineTitle, localisePolicy } from '../../policy';
import { ROLE_TITLES, ROLES, type Role } from '../../domain/roles';

export type TemplateConfig = Pick<Config, 'PUBLIC_BASE_URL' | 'LINK_SIGNING_SECRET' | 'CITY_TIME_ZONE'> & Partial<Pick<Config, 'INBOUND_EMAIL_DOMAIN'>>;

/** How long each link works, from the current policy's `links` section. */
function linkLifetimes(): LinkLifetimes {
  const { links } = currentPolicy();
  return Object.fromEntries(LINK_PURPOSES.map((purpose) => [purpose, durationMs(links[purpose]) / 1000])) as LinkLifetimes;
}

export interface RenderedMessage {
  /** Email only. */
  subject: string | null;
  text: string;
  /** Email only. */
  html: string | null;
  /** Email only: a reply to it acknowledges the incident (the sender gives it a signed Reply-To). */
  acknowledgeByReply?: boolean;
}

export interface RenderOptions {
  /** The reader's language (a folder under locales/); the default language when unknown. */
  language?: string;
  /**
   * For residents and newsrooms who subscribed: every message says how to
   * leave (one click) and where to see, export or delete what we keep.
   */
  subscription?: { unsubscribeUrl: string; manageUrl: string };
}

interface Action {
  label: string;
  url: string;
}

interface Draft {
  subject: string;
  paragraphs: string[];
  action?: Action;
  sms: string;
  /** What a phone call says (VOICE); the SMS text when absent. */
  voice?: string;
  /** A reply to the email acknowledges the incident. */
  acknowledgeByReply?: boolean;
}

type Data = Record<string, unknown>;

// Building an Intl.DateTimeFormat costs far more than using one; a burst of
// incident messages would otherwise build hundreds.
const formatters = new Map<string, Intl.DateTimeFormat>();
function dateFormatter(timeZone: string, locale: string): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale, {
      timeZone,
      month: 'short',
      day: 'numeric',
      year: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      timeZoneName: 'short',
    });
    formatters.set(key, formatter);
  }
  return formatter;
}

const ROLE_BY_TITLE = new Map<string, Role>(ROLES.map((role) => [ROLE_TITLES[role], role]));

class View {
  readonly t: Translate;
  private readonly locale: string;

  constructor(
    readonly data: Data,
    private readonly config: TemplateConfig,
    private readonly now: Date,
    readonly language: string,
  ) {
    this.t = translator(language, 'messages');
    this.locale = dateLocale(language);
  }

  str(key: string): string | undefined {
    const value = this.data[key];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    return undefined;
  }

  num(key: string): number | undefined {
    const value = this.data[key];
    const n = typeof value === 'string' ? Number(value) : value;
    return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
  }

  /** "Nov 21, 2026, 3:00 PM CST" in the city's time zone, in the reader's language. */
  when(key: string): string | undefined {
    return this.whenOf(this.data[key]);
  }

  /** when(), for a value found deeper than the top of the data (a list's entries). */
  whenOf(raw: unknown): string | undefined {
    const date = raw instanceof Date ? raw : typeof raw === 'string' || typeof raw === 'number' ? new Date(raw) : undefined;
    if (!date || Number.isNaN(date.getTime())) return undefined;
    return dateFormatter(this.timeZone, this.locale).format(date);
  }

  /** A plan may run in its own zone (data.timeZone); otherwise the city's. */
  get timeZone(): string {
    const zone = this.str('timeZone');
    if (zone) {
      try {
        dateFormatter(zone, this.locale);
        return zone;
      } catch {
        // not a zone name: fall through to the city's
      }
    }
    return this.config.CITY_TIME_ZONE;
  }

  /** True when replies to incident emails reach us (a reply domain is configured). */
  get repliesAcknowledge(): boolean {
    return !!this.config.INBOUND_EMAIL_DOMAIN;
  }

  get recipientId(): string | undefined {
    const recipient = this.data.recipient as { id?: unknown } | undefined;
    return typeof recipient?.id === 'string' ? recipient.id : undefined;
  }

  get recipientName(): string | undefined {
    const recipient = this.data.recipient as { name?: unknown } | undefined;
    return typeof recipient?.name === 'string' && recipient.name.trim() ? recipient.name.trim() : undefined;
  }

  /**
   * A role title the workflow wrote in the policy's language ("City Manager",
   * "backup for Police Chief", "A or B"), in the reader's. Anything else stays
   * as written.
   */
  roleTitle(title: string | undefined): string | undefined {
    if (title === undefined || this.language === DEFAULT_LANGUAGE) return title;
    const one = (words: string) => {
      const role = ROLE_BY_TITLE.get(words);
      return role ? translator(this.language, 'common')(`roles.${role}`) : words;
    };
    const backup = /^backup for (.+)$/.exec(title);
    if (backup) return this.t('label.backupFor', { role: one(backup[1]) });
    return title
      .split(' or ')
      .map(one)
      .join(this.t('label.or'));
  }

  /**
   * What a counsel's hold covers, in the reader's language. The workflow
   * writes it in the policy's language (data.covers) beside its scope
   * (holdScope, holdStatementKind); messages queued before it wrote the scope
   * keep the words as written.
   */
  holdCovers(): string | undefined {
    const scope = this.str('holdScope');
    if (this.language === DEFAULT_LANGUAGE || !scope) return this.str('covers');
    if (scope === 'ALL') return this.t('hold.covers.all');
    if (scope === 'STATEMENT') return this.t('hold.covers.one');
    const kind = this.str('holdStatementKind');
    const label = kind ? this.policyWords.statementKinds.find((k) => k.key === kind)?.label : undefined;
    return label ? this.t('hold.covers.kind', { kind: label.toLowerCase() }) : this.str('covers');
  }

  /**
   * A counsel's hold's category (its public reason) in the reader's language:
   * the catalogue's name for its code. Messages queued before the workflow
   * wrote the code keep the label as written.
   */
  holdCategoryLabel(): string | undefined {
    const key = this.str('holdCategory');
    const label = this.str('categoryLabel');
    if (!key) return label;
    const policyLabel = this.language === DEFAULT_LANGUAGE ? label : (this.policyWords.holds?.categories.find((c) => c.key === key)?.label ?? label);
    return holdCategoryName(this.language, key, policyLabel);
  }

  /** The policy's words for the reader (the current policy's translations). */
  private get policyWords() {
    return localisePolicy(currentPolicy(), this.language);
  }

  /** A deadline's title in the reader's language, from its key ("public_update_2") and its stored title. */
  deadlineTitle(): string | undefined {
    const title = this.str('deadlineTitle');
    const key = this.str('deadlineKey');
    if (!title || this.language === DEFAULT_LANGUAGE) return title;
    const rule = currentPolicy().deadlines.find((d) => key === d.key || key?.startsWith(`${d.key}_`));
    return rule ? localiseDeadlineTitle(currentPolicy(), this.policyWords, { kind: rule.kind, title }) : title;
  }

  /** An incident type's label in the reader's language. */
  typeLabel(): string | undefined {
    const type = this.str('type');
    const label = this.str('typeLabel');
    if (this.language === DEFAULT_LANGUAGE || !type) return label ?? type;
    return this.policyWords.definition.types.find((k) => k.key === type)?.label ?? label ?? type;
  }

  /** A statement kind's label in the reader's language. */
  kindLabel(): string | undefined {
    const kind = this.str('kind');
    const label = this.str('kindLabel');
    if (this.language === DEFAULT_LANGUAGE || !kind) return label ?? kind;
    return this.policyWords.statementKinds.find((k) => k.key === kind)?.label ?? label ?? kind;
  }

  /** Passed a list of channels (the policy named them for this reader): whether `channel` is one. */
  sentOn(channel: ChannelName): boolean {
    const channels = this.data.channels;
    return !Array.isArray(channels) || channels.includes(channel);
  }

  url(path: string): string {
    return `${this.config.PUBLIC_BASE_URL.replace(/\/$/, '')}${path}`;
  }

  ackLink(): Action | undefined {
    const incidentNumber = this.str('incidentNumber');
    const personId = this.recipientId;
    if (!incidentNumber || !personId) return undefined;
    return { label: this.t('links.ack'), url: signedLinkUrls(this.config, linkLifetimes(), this.now).ack({ incidentNumber, personId }) };
  }

  progressLink(): Action | undefined {
    const itemId = this.str('itemId');
    const personId = this.recipientId;
    if (!itemId || !personId) return undefined;
    return { label: this.t('links.progress'), url: signedLinkUrls(this.config, linkLifetimes(), this.now).progress({ itemId, personId }) };
  }

  reviewLink(): Action | undefined {
    const statementId = this.str('statementId');
    const personId = this.recipientId;
    if (!statementId || !personId) return undefined;
    return { label: this.t('links.review'), url: signedLinkUrls(this.config, linkLifetimes(), this.now).review({ statementId, personId }) };
  }

  /** The item's short code, which an SMS reply names ("DONE K7Q2M"). */
  itemCode(): string | undefined {
    const itemId = this.str('itemId');
    return itemId ? itemShortCode(itemId) : undefined;
  }

  /** A link the workflow passed in (e.g. the public dashboard), if it is one of ours or plainly http(s). */
  passedLink(key: string, labelKey: string): Action | undefined {
    const value = this.str(key);
    if (!value || !/^https?:\/\//.test(value)) return undefined;
    return { label: this.t(labelKey), url: value };
  }

  /** A public page of ours, in the reader's language. */
  publicPage(path: string, labelKey: string): Action {
    const separator = path.includes('?') ? '&' : '?';
    return { label: this.t(labelKey), url: this.url(`${path}${separator}lang=${encodeURIComponent(this.language)}`) };
  }
}

const compact = (items: (string | undefined | false)[]): string[] => items.filter((x): x is string => !!x);

const incidentLabel = (v: View): string => {
  const number = v.str('incidentNumber');
  const title = v.str('title') ?? v.str('incidentTitle');
  if (number && title) return `${number}: ${title}`;
  return number ?? title ?? v.t('label.someIncident');
};

/** The incident as a phone call reads it: CI-2026-0007 said as "C I 2026, 0 0 0 7". */
const spokenIncident = (v: View): string => {
  const number = v.str('incidentNumber');
  const spokenNumber = number ? spokenIncidentNumber(number) : undefined;
  const title = v.str('title') ?? v.str('incidentTitle');
  return [spokenNumber, title].filter(Boolean).join(', ') || v.t('label.someIncident');
};

const severityTag = (v: View): string => (v.num('severity') !== undefined ? v.t('label.severityTag', { severity: v.num('severity') }) : '');

/** "Name (Title)", or the name alone. */
const withTitle = (name: string, title: string | undefined): string => (title ? `${name} (${title})` : name);

/** How many people an SMS names before it says "and N more". */
const SMS_NAMES = 5;
/** Twilio refuses a longer body (21617), for good. */
export const SMS_MAX_CHARACTERS = 1600;

/** A list of people short enough for a text message. */
function shortPeopleList(v: View, value: unknown): string | undefined {
  if (!Array.isArray(value) || value.length <= SMS_NAMES) return peopleList(v, value);
  const named = peopleList(v, value.slice(0, SMS_NAMES));
  return named ? v.t('label.peopleAndMore', { total: value.length, people: named, count: value.length - SMS_NAMES }) : undefined;
}

function peopleList(v: View, value: unknown): string | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const names = value
    .map((p) => {
      if (typeof p === 'string') return p;
      if (p && typeof p === 'object') {
        const { name, title, role } = p as { name?: unknown; title?: unknown; role?: unknown };
        const label = typeof title === 'string' ? v.roleTitle(title) : typeof role === 'string' ? role : undefined;
        if (typeof name === 'string') return withTitle(name, label);
      }
      return undefined;
    })
    .filter((x): x is string => !!x);
  return names.length ? names.join(', ') : undefined;
}

/** "(and the link)" at the end of a text message. */
const smsWith = (parts: (string | undefined)[], link: Action | undefined): string => compact([...parts, link?.url]).join(' ');

/** The words every counsel's-hold message shares: the incident, what is held, and the public category. */
function holdWords(v: View): { incident: string; covers: string; category: string } {
  const category = v.holdCategoryLabel();
  return {
    incident: incidentLabel(v),
    covers: v.holdCovers() ?? v.t('hold.publication'),
    category: category ? v.t('hold.category', { category }) : '',
  };
}

const TEMPLATES: Record<string, (v: View) => Draft> = {
  'incident.declared': (v) => {
    const { t } = v;
    const ack = v.ackLink();
    const minutes = v.num('ackWindowMinutes');
    const incident = incidentLabel(v);
    const severity = v.str('severity');
    const type = v.typeLabel();
    const declaredBy = v.str('declaredByName');
    const declaredAt = v.when('declaredAt');
    return {
      subject: t('incident.declared.subject', { tag: severityTag(v), incident }),
      paragraphs: compact([
        t('incident.declared.declared', { incident }),
        severity && type ? t('incident.declared.severityAndType', { severity, type }) : severity && t('incident.declared.severity', { severity }),
        v.str('location') && t('incident.declared.location', { location: v.str('location') }),
        v.str('summary'),
        declaredBy && (declaredAt ? t('incident.declared.declaredByAt', { name: declaredBy, when: declaredAt }) : t('incident.declared.declaredBy', { name: declaredBy })),
        minutes !== undefined ? t('incident.declared.acknowledgeWithin', { count: minutes }) : t('incident.declared.acknowledgeSoon'),
        // Only where a text went too.
        v.sentOn('SMS') && t('incident.declared.replyAck'),
        v.repliesAcknowledge && t('incident.declared.replyEmail'),
      ]),
      action: ack,
      acknowledgeByReply: v.repliesAcknowledge,
      // Replying ACK is the SMS way to acknowledge; a signed link would triple the message length.
      sms: compact([
        t('incident.declared.sms', { tag: severityTag(v), incident }),
        minutes !== undefined ? t('incident.declared.smsReplyWithin', { minutes }) : t('incident.declared.smsReply'),
      ]).join(' '),
    };
  },

  'incident.ack-escalation': (v) => {
    const { t } = v;
    const ack = v.ackLink();
    const incident = incidentLabel(v);
    const silent = v.str('silentPersonName');
    const silentLabel = silent ? withTitle(silent, v.roleTitle(v.str('silentPersonTitle'))) : undefined;
    const minutes = v.num('minutesSilent');
    return {
      subject: t('incident.ack-escalation.subject', { tag: severityTag(v), incident }),
      paragraphs: compact([
        silentLabel
          ? minutes !== undefined
            ? t('incident.ack-escalation.silentAfter', { person: silentLabel, incident, count: minutes })
            : t('incident.ack-escalation.silent', { person: silentLabel, incident })
          : t('incident.ack-escalation.noName', { incident }),
        v.str('summary'),
        t('incident.ack-escalation.acknowledgeNow'),
        v.repliesAcknowledge && t('incident.ack-escalation.replyEmail'),
      ]),
      action: ack,
      acknowledgeByReply: v.repliesAcknowledge,
      sms: compact([
        t('incident.ack-escalation.sms', { tag: severityTag(v), incident }),
        silent && t('incident.ack-escalation.smsSilent', { person: silent }),
        t('incident.ack-escalation.smsReply'),
      ]).join(' '),
    };
  },

  'incident.silent-report': (v) => {
    const { t } = v;
    const incident = incidentLabel(v);
    const silent = peopleList(v, v.data.silent);
    const minutes = v.num('minutes') ?? v.num('minutesSilent');
    const link = v.passedLink('incidentUrl', 'links.incident');
    return {
      subject: t('incident.silent-report.subject', { incident }),
      paragraphs: compact([
        minutes !== undefined ? t('incident.silent-report.intro', { incident, count: minutes }) : t('incident.silent-report.introSince', { incident }),
        silent ?? t('incident.silent-report.someRecipients'),
        t('incident.silent-report.backupsNotified'),
      ]),
      action: link,
      sms: smsWith([t('incident.silent-report.sms', { incident, people: shortPeopleList(v, v.data.silent) ?? t('incident.silent-report.someRecipientsShort') })], link),
    };
  },

  'incident.ack-call': (v) => {
    const { t } = v;
    const incident = incidentLabel(v);
    const severity = v.num('severity');
    const backupFor = v.roleTitle(v.str('asBackupFor'));
    const spoken = compact([
      t('incident.ack-call.intro'),
      severity !== undefined ? t('incident.ack-call.declaredSeverity', { severity, incident: spokenIncident(v) }) : t('incident.ack-call.declared', { incident: spokenIncident(v) }),
      backupFor && t('incident.ack-call.asBackup', { role: backupFor }),
      t('incident.ack-call.notYet'),
      t('incident.ack-call.press1'),
    ]).join(' ');
    return {
      subject: t('incident.ack-call.subject', { incident }),
      paragraphs: [spoken],
      sms: t('incident.ack-call.sms', { incident }),
      voice: spoken,
    };
  },

  'hold.placed': (v) => {
    const { t } = v;
    const link = v.passedLink('incidentUrl', 'links.incident');
    const held = holdWords(v);
    const lapsesAt = v.when('lapsesAt');
    return {
      subject: t('hold.placed.subject', { incident: held.incident }),
      paragraphs: compact([
        t('hold.placed.placed', { by: v.str('placedByName') ?? t('hold.theCityAttorney'), ...held }),
        t('hold.placed.meaning'),
        lapsesAt && t('hold.placed.lapses', { when: lapsesAt }),
        t('hold.placed.reasonPrivate'),
      ]),
      action: link,
      sms: compact([t('hold.placed.sms', held), lapsesAt && t('hold.placed.smsLapses', { when: lapsesAt })]).join(' '),
    };
  },

  'hold.reminder': (v) => {
    const { t } = v;
    const link = v.passedLink('incidentUrl', 'links.incident');
    const held = holdWords(v);
    const when = v.when('lapsesAt') ?? t('hold.soon');
    return {
      subject: t('hold.reminder.subject', { incident: held.incident, when }),
      paragraphs: [t('hold.reminder.lapses', { ...held, when }), t('hold.reminder.meaning')],
      action: link,
      sms: t('hold.reminder.sms', { incident: held.incident, when }),
    };
  },

  'hold.released': (v) => {
    const { t } = v;
    const link = v.passedLink('incidentUrl', 'links.incident');
    const held = holdWords(v);
    return {
      subject: t('hold.released.subject', { incident: held.incident }),
      paragraphs: [t('hold.released.released', { by: v.str('releasedByName') ?? t('hold.theCityAttorney'), ...held }), t('hold.resumed')],
      action: link,
      sms: t('hold.released.sms', { incident: held.incident }),
    };
  },

  'hold.lapsed': (v) => {
    const { t } = v;
    const link = v.passedLink('incidentUrl', 'links.incident');
    const held = holdWords(v);
    return {
      subject: t('hold.lapsed.subject', { incident: held.incident }),
      paragraphs: [
        t('hold.lapsed.lapsed', { ...held, placed: v.when('placedAt') ?? t('hold.earlier') }),
        t('hold.resumed'),
        t('hold.lapsed.why'),
      ],
      action: link,
      sms: t('hold.lapsed.sms', { incident: held.incident }),
    };
  },

  'deadline.reminder': (v) => {
    const { t } = v;
    const incident = incidentLabel(v);
    const what = v.deadlineTitle() ?? t('deadline.someDeadline');
    const due = v.when('dueAt');
    const link = v.passedLink('incidentUrl', 'links.incident');
    return {
      subject: due ? t('deadline.reminder.subjectDue', { what, due, incident }) : t('deadline.reminder.subject', { what, incident }),
      paragraphs: [due ? t('deadline.reminder.dueAt', { what, incident, due }) : t('deadline.reminder.dueSoon', { what, incident }), t('deadline.reminder.public')],
      action: link,
      sms: smsWith([due ? t('deadline.reminder.smsDueAt', { what, incident, due }) : t('deadline.reminder.smsDueSoon', { what, incident })], link),
    };
  },

  'deadline.overdue': (v) => {
    const { t } = v;
    const incident = incidentLabel(v);
    const what = v.deadlineTitle() ?? t('deadline.someDeadline');
    const due = v.when('dueAt');
    const link = v.passedLink('incidentUrl', 'links.incident');
    return {
      subject: t('deadline.overdue.subject', { what, incident }),
      paragraphs: [due ? t('deadline.overdue.overdueDue', { what, incident, due }) : t('deadline.overdue.overdue', { what, incident }), t('deadline.overdue.act')],
      action: link,
      sms: smsWith([due ? t('deadline.overdue.smsDue', { what, incident, due }) : t('deadline.overdue.sms', { what, incident })], link),
    };
  },

  'statement.approval-request': (v) => {
    const { t } = v;
    const review = v.reviewLink();
    const incident = incidentLabel(v);
    const what = v.str('statementTitle') ?? t('statement.someStatement');
    const kind = v.kindLabel();
    const number = v.str('incidentNumber');
    const author = v.str('authorName');
    const version = v.str('version');
    const standingInFor = v.roleTitle(v.str('standingInFor'));
    const decideBy = v.when('decideBy');
    return {
      subject: number ? t('statement.approval-request.subjectNumber', { what, number }) : t('statement.approval-request.subject', { what }),
      paragraphs: compact([
        kind ? t('statement.approval-request.waitingKind', { what, kind, incident }) : t('statement.approval-request.waiting', { what, incident }),
        author && (version ? t('statement.approval-request.draftedVersion', { author, version }) : t('statement.approval-request.drafted', { author })),
        standingInFor && t('statement.approval-request.standingIn', { role: standingInFor }),
        decideBy && t('statement.approval-request.decideBy', { when: decideBy }),
      ]),
      action: review,
      sms: t('statement.approval-request.sms', { what, incident }),
    };
  },

  'statement.approval-reminder': (v) => {
    const { t } = v;
    const review = v.reviewLink();
    const incident = incidentLabel(v);
    const what = v.str('statementTitle') ?? t('statement.someStatement');
    const requestedAt = v.when('requestedAt');
    return {
      subject: t('statement.approval-reminder.subject', { what }),
      paragraphs: compact([
        t('statement.approval-reminder.waiting', { what, incident }),
        requestedAt && t('statement.approval-reminder.sentAt', { when: requestedAt }),
        t('statement.approval-reminder.deadlineDepends'),
      ]),
      action: review,
      sms: t('statement.approval-reminder.sms', { what, incident }),
    };
  },

  'statement.approval-escalation': (v) => {
    const { t } = v;
    const incident = incidentLabel(v);
    // Escalation reaches people outside the approval chain (the mayor): they learn which statement waits, not its draft title.
    const kind = v.kindLabel();
    const what = kind ? t('statement.approval-escalation.theKind', { kind: kind.toLowerCase() }) : t('statement.someStatement');
    const approver = v.str('approverName');
    const waitingOn = approver ? withTitle(approver, v.roleTitle(v.str('approverTitle'))) : t('statement.anApprover');
    const hours = v.num('hoursWaiting');
    const link = v.passedLink('statementUrl', 'links.statement');
    return {
      subject: t('statement.approval-escalation.subject', { what, approver: approver ?? t('statement.anApprover') }),
      paragraphs: [
        hours !== undefined
          ? t('statement.approval-escalation.waitingHours', { what, incident, approver: waitingOn, count: hours })
          : t('statement.approval-escalation.waiting', { what, incident, approver: waitingOn }),
        t('statement.approval-escalation.why'),
      ],
      action: link,
      sms: smsWith([t('statement.approval-escalation.sms', { what, incident, approver: approver ?? t('statement.anApprover') })], link),
    };
  },

  'statement.changes-requested': (v) => {
    const { t } = v;
    const incident = incidentLabel(v);
    const what = v.str('statementTitle') ?? t('statement.yourStatement');
    const by = v.str('reviewerName');
    const reviewer = by ? withTitle(by, v.roleTitle(v.str('reviewerTitle'))) : t('statement.anApproverCapital');
    const link = v.passedLink('statementUrl', 'links.statement');
    return {
      subject: t('statement.changes-requested.subject', { what }),
      paragraphs: compact([
        t('statement.changes-requested.returned', { reviewer, what, incident }),
        v.str('comment') && t('statement.changes-requested.comments', { comment: v.str('comment') }),
        t('statement.changes-requested.revise'),
      ]),
      action: link,
      sms: smsWith([by ? t('statement.changes-requested.smsBy', { what, incident, by }) : t('statement.changes-requested.sms', { what, incident })], link),
    };
  },

  'statement.revised-by-approver': (v) => {
    const { t } = v;
    const incident = incidentLabel(v);
    const what = v.str('statementTitle') ?? t('statement.yourStatement');
    const by = v.str('reviewerName');
    const reviewer = by ? withTitle(by, v.roleTitle(v.str('reviewerTitle'))) : t('statement.anApproverCapital');
    const version = v.str('version');
    const link = v.passedLink('statementUrl', 'links.statement');
    return {
      subject: t('statement.revised-by-approver.subject', { what }),
      paragraphs: compact([
        version
          ? t('statement.revised-by-approver.revisedVersion', { reviewer, what, incident, version })
          : t('statement.revised-by-approver.revised', { reviewer, what, incident }),
        v.str('comment') && t('statement.revised-by-approver.whatChanged', { comment: v.str('comment') }),
        t('statement.revised-by-approver.rest'),
      ]),
      action: link,
      sms: smsWith([by ? t('statement.revised-by-approver.smsBy', { what, incident, by }) : t('statement.revised-by-approver.sms', { what, incident })], link),
    };
  },

  'statement.publication-held': (v) => {
    const { t } = v;
    const incident = incidentLabel(v);
    const what = v.str('statementTitle') ?? t('statement.yourStatement');
    const since = v.when('heldSince');
    return {
      subject: t('statement.publication-held.subject', { what }),
      paragraphs: [
        since ? t('statement.publication-held.heldSince', { what, incident, when: since }) : t('statement.publication-held.held', { what, incident }),
        t('statement.publication-held.nothingToDo'),
      ],
      sms: t('statement.publication-held.sms', { what, incident }),
    };
  },

  'statement.withdrawn': (v) => {
    const { t } = v;
    const incident = incidentLabel(v);
    const what = v.str('statementTitle') ?? t('statement.someStatement');
    const by = v.str('withdrawnByName') ?? t('statement.withdrawn.someone');
    const at = v.when('withdrawnAt');
    const note = v.str('note');
    const link = v.passedLink('publicUrl', 'links.publicRecord');
    return {
      subject: t('statement.withdrawn.subject', { what }),
      paragraphs: compact([
        at ? t('statement.withdrawn.withdrewOn', { by, what, incident, when: at }) : t('statement.withdrawn.withdrew', { by, what, incident }),
        note && t('statement.withdrawn.note', { note }),
      ]),
      action: link,
      sms: t('statement.withdrawn.sms', { what, incident }),
    };
  },

  'statement.published': (v) => {
    const { t } = v;
    const incident = incidentLabel(v);
    const what = v.str('statementTitle') ?? t('statement.someStatement');
    const at = v.when('publishedAt');
    const link = v.passedLink('publicUrl', 'links.publicSite');
    return {
      subject: t('statement.published.subject', { what }),
      paragraphs: [at ? t('statement.published.publishedAt', { what, incident, when: at }) : t('statement.published.published', { what, incident })],
      action: link,
      sms: smsWith([t('statement.published.sms', { what, incident })], link),
    };
  },

  'item.reminder': (v) => {
    const { t } = v;
    const item = v.str('itemTitle') ?? t('item.yourItem');
    const due = v.when('dueAt');
    const progress = v.progressLink();
    const days = v.num('daysLeft');
    const goal = v.str('goalTitle');
    const code = v.itemCode();
    return {
      subject: due ? t('item.reminder.subjectDue', { item, due }) : t('item.reminder.subject', { item }),
      paragraphs: compact([
        t('item.reminder.line', {
          item,
          goal: goal ? t('item.reminder.goal', { goal }) : '',
          when: due ? t('item.reminder.dueAt', { due }) : t('item.reminder.dueSoon'),
          days: days !== undefined ? t('item.reminder.daysLeft', { count: days }) : '',
        }),
        t('item.reminder.postNote'),
        code && t('item.reminder.replyCode', { code }),
      ]),
      action: progress,
      sms: compact([
        (due ? t('item.reminder.smsDueAt', { item, due }) : t('item.reminder.smsDueSoon', { item })) + (code ? ` ${t('item.smsItemCode', { code })}` : ''),
        code && t('item.smsReplyCode', { code }),
        progress && t('item.reminder.smsProgress', { url: progress.url }),
      ]).join(' '),
    };
  },

  'item.overdue': (v) => {
    const { t } = v;
    const item = v.str('itemTitle') ?? t('item.someItem');
    const due = v.when('dueAt');
    const owner = v.str('ownerName');
    const ownerId = v.str('ownerId');
    // Only the owner gets a progress link; sponsors and the board are told, not asked to post.
    const progress = !ownerId || ownerId === v.recipientId ? v.progressLink() : undefined;
    const level = escalationStep(v);
    const code = progress ? v.itemCode() : undefined;
    return {
      subject: t('item.overdue.subject', { item }),
      paragraphs: compact([
        t('item.overdue.line', {
          item,
          owner: owner ? t('item.overdue.owner', { owner }) : '',
          due: due ? t('item.overdue.wasDue', { due }) : '',
        }),
        level && t('item.overdue.step', { level }),
        progress ? t('item.overdue.postOrAsk') : t('item.overdue.ladderReachedYou'),
      ]),
      action: progress,
      sms: smsWith(
        [(owner ? t('item.overdue.smsOwner', { item, owner }) : t('item.overdue.sms', { item })) + (code ? ` ${t('item.smsItemCode', { code })}` : ''), code && t('item.smsReplyCode', { code })],
        progress,
      ),
    };
  },

  'item.blocked': (v) => {
    const { t } = v;
    const item = v.str('itemTitle') ?? t('item.someItem');
    const by = v.str('reportedByName') ?? v.str('ownerName');
    return {
      subject: t('item.blocked.subject', { item }),
      paragraphs: compact([t('item.blocked.marked', { by: by ?? t('item.theOwner'), item }), v.str('note') && t('item.blocked.note', { note: v.str('note') })]),
      action: v.passedLink('itemUrl', 'links.item'),
      sms: by ? t('item.blocked.smsBy', { item, by }) : t('item.blocked.sms', { item }),
    };
  },

  'item.reschedule-request': (v) => {
    const { t } = v;
    const item = v.str('itemTitle') ?? t('item.someItem');
    const from = v.when('fromDueAt');
    const to = v.when('toDueAt');
    return {
      subject: t('item.reschedule-request.subject', { item }),
      paragraphs: compact([
        t('item.reschedule-request.asks', {
          by: v.str('requestedByName') ?? t('item.theOwner'),
          item,
          from: from ? t('item.reschedule-request.from', { date: from }) : '',
          to: to ? t('item.reschedule-request.to', { date: to }) : '',
        }),
        v.str('reason') && t('item.reschedule-request.reason', { reason: v.str('reason') }),
        t('item.reschedule-request.decide'),
      ]),
      action: v.passedLink('decisionUrl', 'links.decide'),
      sms: to ? t('item.reschedule-request.smsTo', { item, date: to }) : t('item.reschedule-request.sms', { item }),
    };
  },

  'plan.digest': (v) => {
    const { t } = v;
    const plan = v.str('planTitle') ?? t('plan.thePlan');
    const line = countsLine(v, v.data.counts);
    const items = count(v.data.counts, 'items');
    const average = count(v.data.counts, 'averagePercent');
    const period = v.str('period');
    const link = v.passedLink('dashboardUrl', 'links.dashboard');
    return {
      subject: period ? t('plan.digest.subject', { plan, period }) : t('plan.digest.subjectThisMonth', { plan }),
      paragraphs: compact([
        period ? t('plan.digest.publishedPeriod', { plan, period }) : t('plan.digest.published', { plan }),
        line && (items !== undefined ? t('plan.digest.itemsOf', { count: items, line }) : t('plan.digest.items', { line })),
        average !== undefined && t('plan.digest.average', { percent: average }),
        boardFlagsSentence(v, v.data.boardFlags),
        ...boardCommentsSection(v, v.data.boardComments),
      ]),
      action: link,
      sms: smsWith([t('plan.digest.sms', { plan }), line || undefined], link),
    };
  },

  'plan.final-report': (v) => {
    const { t } = v;
    const plan = v.str('planTitle') ?? t('plan.thePlan');
    const link = v.passedLink('reportUrl', 'links.finalReport');
    return {
      subject: t('plan.final-report.subject', { plan }),
      paragraphs: compact([t('plan.final-report.published', { plan }), v.str('summary')]),
      action: link,
      sms: smsWith([t('plan.final-report.sms', { plan })], link),
    };
  },

  // ---------------------------------------------------------------- residents and newsrooms

  'subscription.confirm': (v) => {
    const { t } = v;
    const link = v.passedLink('confirmUrl', 'links.confirm');
    return {
      subject: t('subscription.confirm.subject'),
      paragraphs: compact([t('subscription.confirm.asked', { topics: v.str('topics') ?? '' }), t('subscription.confirm.click'), t('subscription.confirm.ignore')]),
      action: link,
      sms: t('subscription.confirm.sms', { topics: v.str('topics') ?? '' }),
    };
  },

  'subscription.welcome': (v) => {
    const { t } = v;
    return {
      subject: t('subscription.welcome.subject'),
      paragraphs: [t('subscription.welcome.subscribed', { topics: v.str('topics') ?? '' }), t('subscription.welcome.leave')],
      sms: t('subscription.welcome.sms', { topics: v.str('topics') ?? '' }),
    };
  },

  // ---------------------------------------------------------------- the court-user survey (words in locales/*/survey.json)

  'court-survey.invitation': (v) => courtSurveyMessage(v, 'invitation'),
  'court-survey.reminder': (v) => courtSurveyMessage(v, 'reminder'),
  // Residents' comments (words in locales/<language>/comments.json).
  'comment.reminder': (v) => {
    const c = translator(v.language, 'comments');
    const target = v.str('targetTitle') ?? c('message.someItem');
    const due = v.when('dueAt') ?? '';
    const queue = v.str('queueUrl');
    return {
      subject: c('message.reminder.subject', { target }),
      paragraphs: compact([c('message.reminder.line', { target, due }), v.str('excerpt') && `“${v.str('excerpt')}”`]),
      action: queue ? { label: c('message.openQueue'), url: queue } : undefined,
      sms: c('message.reminder.subject', { target }),
    };
  },

  'comment.overdue': (v) => {
    const c = translator(v.language, 'comments');
    const target = v.str('targetTitle') ?? c('message.someItem');
    const due = v.when('dueAt') ?? '';
    const queue = v.str('queueUrl');
    const level = v.str('level');
    return {
      subject: c('message.overdue.subject', { target }),
      paragraphs: compact([
        c('message.overdue.line', { target, due }),
        level && c(`message.overdue.level.${level}`),
        v.str('excerpt') && `“${v.str('excerpt')}”`,
      ]),
      action: queue ? { label: c('message.openQueue'), url: queue } : undefined,
      sms: c('message.overdue.subject', { target }),
    };
  },

  'comment.reply': (v) => {
    const c = translator(v.language, 'comments');
    const target = v.str('targetTitle') ?? c('message.someItem');
    const page = v.str('pageUrl');
    return {
      subject: c('message.reply.subject', { target }),
      paragraphs: compact([
        c('message.reply.line', { target, by: v.str('byName') ?? '' }),
        v.str('replyBody'),
        v.str('excerpt') && c('message.reply.yourComment', { excerpt: v.str('excerpt') }),
      ]),
      action: page ? { label: c('message.reply.see'), url: page } : undefined,
      sms: c('message.reply.subject', { target }),
    };
  },

  'public.statement-published': (v) => {
    const { t } = v;
    const number = v.str('incidentNumber') ?? '';
    const title = v.str('statementTitle') ?? t('statement.someStatement');
    const deadline = v.str('deadlineTitle');
    const due = v.when('deadlineDueAt');
    const onTime = v.data.deadlineMetOnTime;
    const page = v.publicPage(`/incidents/${encodeURIComponent(number)}`, 'links.publicIncident');
    return {
      subject: t('public.statement-published.subject', { title, number }),
      paragraphs: compact([
        t('public.statement-published.intro', { number, when: v.when('publishedAt') ?? '' }),
        title,
        v.str('statementBody'),
        v.data.translationMissing === true && t('public.statement-published.notTranslated'),
        deadline &&
          due &&
          (onTime === false
            ? t('public.statement-published.deadlineLate', { deadline, due })
            : t('public.statement-published.deadlineMet', { deadline, due })),
      ]),
      action: page,
      sms:
        deadline && due
          ? t(onTime === false ? 'public.statement-published.smsLate' : 'public.statement-published.smsMet', { number, title, deadline, url: page.url })
          : t('public.statement-published.sms', { number, title, url: page.url }),
    };
  },

  'public.deadline-missed': (v) => {
    const { t } = v;
    const number = v.str('incidentNumber') ?? '';
    const deadline = v.str('deadlineTitle') ?? t('deadline.someDeadline');
    const page = v.publicPage(`/incidents/${encodeURIComponent(number)}`, 'links.publicIncident');
    return {
      subject: t('public.deadline-missed.subject', { deadline, number }),
      paragraphs: [t('public.deadline-missed.missed', { deadline, number, due: v.when('dueAt') ?? '' }), t('public.deadline-missed.record')],
      action: page,
      sms: t('public.deadline-missed.sms', { deadline, number, url: page.url }),
    };
  },

  'public.plan-report': (v) => {
    const { t } = v;
    const plan = v.str('planTitle') ?? t('plan.thePlan');
    const line = countsLine(v, v.data.counts);
    const planId = v.str('planId') ?? '';
    const page = v.publicPage(`/plans/${encodeURIComponent(planId)}`, 'links.dashboard');
    return {
      subject: t('public.plan-report.subject', { plan, period: v.str('period') ?? '' }),
      paragraphs: compact([t('public.plan-report.published', { plan, period: v.str('period') ?? '' }), line && t('plan.digest.items', { line })]),
      action: page,
      sms: t('public.plan-report.sms', { plan, url: page.url }),
    };
  },

  'public.session-upcoming': (v) => {
    const { t } = v;
    const title = v.str('sessionTitle') ?? t('public.session-upcoming.aSession');
    const at = v.when('startsAt') ?? '';
    const link = v.passedLink('sessionUrl', 'links.session');
    // Told once when it is scheduled ("New session"), then reminded before it ("Upcoming").
    const announced = v.str('notice') === 'announced';
    return {
      subject: t(announced ? 'public.session-upcoming.announcedSubject' : 'public.session-upcoming.subject', { title, when: at }),
      paragraphs: compact([
        t('public.session-upcoming.invite', { title, when: at }),
        v.str('place') && t('public.session-upcoming.place', { place: v.str('place') }),
        v.str('languages') && t('public.session-upcoming.languages', { languages: v.str('languages') }),
        v.str('accessibility') && t('public.session-upcoming.accessibility', { notes: v.str('accessibility') }),
      ]),
      action: link,
      sms: smsWith([t('public.session-upcoming.sms', { title, when: at })], link),
    };
  },
};

const count = (counts: unknown, key: string): number | undefined => {
  const value = (counts as Record<string, unknown> | undefined)?.[key];
  return typeof value === 'number' ? value : undefined;
};

/** "3 done, 5 in progress, ..." from a snapshot's counts. */
function countsLine(v: View, counts: unknown): string {
  return compact(
    (['done', 'inProgress', 'notStarted', 'blocked', 'overdue'] as const).map((key) => {
      const n = count(counts, key);
      return n !== undefined ? v.t(`plan.counts.${key}`, { count: n }) : undefined;
    }),
  ).join(', ');
}

/** Who the overdue ladder reached, in the reader's words (from the ladder's target and the days overdue). */
function escalationStep(v: View): string | undefined {
  const target = v.str('level');
  const days = v.num('daysOverdue');
  if (target && ['OWNER', 'SPONSOR', 'CITY_MANAGER', 'BOARD_DIGEST'].includes(target) && days !== undefined) {
    const who = v.t(`item.ladder.${target}`);
    return days > 0 ? v.t('item.ladder.daysOverdue', { who, count: days }) : v.t('item.ladder.atOnce', { who });
  }
  return v.str('levelLabel') ?? target;
}

/** Items the overdue ladder flagged for the board (14+ days overdue), named in the monthly digest. */
function boardFlagsSentence(v: View, raw: unknown): string | undefined {
  const titles = Array.isArray(raw)
    ? raw.map((f) => (f && typeof (f as { title?: unknown }).title === 'string' ? (f as { title: string }).title : undefined)).filter((t): t is string => Boolean(t))
    : [];
  if (titles.length === 0) return undefined;
  return v.t('plan.digest.boardFlags', { count: titles.length, titles: titles.map((title) => v.t('label.quoted', { text: title })).join(', ') });
}

/**
 * Residents' comments the overdue ladder took to the board and still without
 * an answer (the snapshot's boardComments), one line each: where, received,
 * due, days overdue.
 */
function boardCommentsSection(v: View, raw: unknown): string[] {
  const entries = Array.isArray(raw) ? raw.filter((e): e is Record<string, unknown> => !!e && typeof e === 'object') : [];
  if (entries.length === 0) return [];
  const c = translator(v.language, 'comments');
  const lines = entries.map((e) => {
    const title = typeof e.title === 'string' ? e.title : '';
    const target = e.itemId ? v.t('label.quoted', { text: title }) : c('message.boardDigest.goal', { number: e.goalNumber, title });
    const days = typeof e.daysOverdue === 'number' ? e.daysOverdue : 0;
    return c('message.boardDigest.line', { target, received: v.whenOf(e.receivedAt) ?? '', due: v.whenOf(e.dueAt) ?? '', count: days });
  });
  return [c('message.boardDigest.heading', { count: entries.length }), ...lines];
}

export const TEMPLATE_NAMES: readonly string[] = Object.keys(TEMPLATES);

/** The survey's invitation or its one reminder: the single-use link, and how to say no. */
function courtSurveyMessage(v: View, step: 'invitation' | 'reminder'): Draft {
  const { t } = v;
  const survey = v.passedLink('surveyUrl', 'survey:message.answer');
  const optOut = v.str('optOutUrl');
  return {
    subject: t(`survey:message.${step}.subject`),
    paragraphs: compact([t(`survey:message.${step}.body`), t('survey:message.anonymous'), optOut && t('survey:message.optOut', { url: optOut })]),
    action: survey,
    sms: compact([t(`survey:message.${step}.sms`), survey?.url, optOut && t('survey:message.optOutSms', { url: optOut })]).join(' '),
  };
}

function emailHtml(language: string, greeting: string, paragraphs: string[], action: Action | undefined, footer: string[], copyAddress: string): string {
  const body = paragraphs.map((p) => `<p style="margin:0 0 12px;white-space:pre-line">${escapeHtml(p)}</p>`).join('\n');
  const button = action
    ? `<p style="margin:20px 0"><a href="${escapeHtml(action.url)}" style="background:#0b4f9c;color:#ffffff;padding:10px 16px;text-decoration:none;border-radius:4px;display:inline-block">${escapeHtml(action.label)}</a></p>
<p style="margin:0 0 12px;font-size:13px;color:#555555;word-break:break-all">${escapeHtml(copyAddress)} ${escapeHtml(action.url)}</p>`
    : '';
  return `<!doctype html>
<html lang="${escapeHtml(language)}"><head><meta charset="utf-8"><title>Common Ground</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.45;color:#1b1b1b">
<p style="margin:0 0 12px">${escapeHtml(greeting)}</p>
${body}
${button}
${footer.map((line) => `<p style="margin:24px 0 0;font-size:13px;color:#555555;word-break:break-word">${escapeHtml(line)}</p>`).join('\n')}
</body></html>`;
}

/**
 * Renders one message in the reader's language. Throws a non-retryable
 * InvalidInput failure for an unknown template: retrying cannot fix a typo in
 * workflow code.
 */
export function renderMessage(
  template: string,
  data: Record<string, unknown>,
  channel: ChannelName,
  config: TemplateConfig,
  now: Date = new Date(),
  options: RenderOptions = {},
): RenderedMessage {
  const build = Object.prototype.hasOwnProperty.call(TEMPLATES, template) ? TEMPLATES[template] : undefined;
  if (!build) {
    throw ApplicationFailure.create({
      type: FailureType.InvalidInput,
      message: `unknown notification template "${template}"`,
      nonRetryable: true,
      details: [{ field: 'template', message: `unknown template; known: ${TEMPLATE_NAMES.join(', ')}` }],
    });
  }
  const language = languageOr(options.language ?? DEFAULT_LANGUAGE);
  const view = new View(data ?? {}, config, now, language);
  const { t } = view;
  const draft = build(view);
  const fallbackFrom = typeof data?.fallbackFrom === 'string' ? data.fallbackFrom : undefined;
  const subscription = options.subscription;

  if (channel === 'SMS') {
    const notes = compact([fallbackFrom && t('frame.fallback.SMS'), subscription && t('frame.smsStop')]);
    const text = [t('frame.smsPrefix') + draft.sms, ...notes].join(' ');
    // A body Twilio would refuse for good is cut short instead: the email carries the whole message.
    return { subject: null, text: text.length <= SMS_MAX_CHARACTERS ? text : `${text.slice(0, SMS_MAX_CHARACTERS - 1)}…`, html: null };
  }
  if (channel === 'VOICE') return { subject: null, text: draft.voice ?? draft.sms, html: null };

  const greeting = view.recipientName ? t('frame.greeting', { name: view.recipientName }) : t('frame.greetingNoName');
  const paragraphs = fallbackFrom ? [...draft.paragraphs, t('frame.fallback.EMAIL')] : draft.paragraphs;
  const footer = subscription
    ? [t('frame.subscriberFooter'), t('frame.unsubscribe', { url: subscription.unsubscribeUrl }), t('frame.manage', { url: subscription.manageUrl })]
    : [t('frame.footer')];
  const textParts = [greeting, ...paragraphs];
  if (draft.action) textParts.push(`${draft.action.label}: ${draft.action.url}`);
  textParts.push(`-- \n${footer.join('\n')}`);
  return {
    subject: draft.subject,
    text: textParts.join('\n\n'),
    html: emailHtml(language, greeting, paragraphs, draft.action, footer, t('frame.copyAddress')),
    ...(draft.acknowledgeByReply ? { acknowledgeByReply: true } : {}),
  };
}
