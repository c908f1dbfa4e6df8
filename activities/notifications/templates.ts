// Message templates. Workflows pass data only; wording, links and signed
// tokens are made here, at send time. Every field is optional as far as the
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
import { spokenIncidentNumber } from '../../domain/ids';
import { currentPolicy, durationMs } from '../../policy';

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
function dateFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      month: 'short',
      day: 'numeric',
      year: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      timeZoneName: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

class View {
  constructor(
    readonly data: Data,
    private readonly config: TemplateConfig,
    private readonly now: Date,
  ) {}

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

  /** "Nov 21, 2026, 3:00 PM CST" in the city's time zone. */
  when(key: string): string | undefined {
    const raw = this.data[key];
    const date = raw instanceof Date ? raw : typeof raw === 'string' || typeof raw === 'number' ? new Date(raw) : undefined;
    if (!date || Number.isNaN(date.getTime())) return undefined;
    return dateFormatter(this.timeZone).format(date);
  }

  /** A plan may run in its own zone (data.timeZone); otherwise the city's. */
  get timeZone(): string {
    const zone = this.str('timeZone');
    if (zone) {
      try {
        dateFormatter(zone);
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

  url(path: string): string {
    return `${this.config.PUBLIC_BASE_URL.replace(/\/$/, '')}${path}`;
  }

  ackLink(): Action | undefined {
    const incidentNumber = this.str('incidentNumber');
    const personId = this.recipientId;
    if (!incidentNumber || !personId) return undefined;
    return { label: 'Acknowledge this incident', url: signedLinkUrls(this.config, linkLifetimes(), this.now).ack({ incidentNumber, personId }) };
  }

  progressLink(): Action | undefined {
    const itemId = this.str('itemId');
    const personId = this.recipientId;
    if (!itemId || !personId) return undefined;
    return { label: 'Post progress on this item', url: signedLinkUrls(this.config, linkLifetimes(), this.now).progress({ itemId, personId }) };
  }

  reviewLink(): Action | undefined {
    const statementId = this.str('statementId');
    const personId = this.recipientId;
    if (!statementId || !personId) return undefined;
    return { label: 'Review the statement', url: signedLinkUrls(this.config, linkLifetimes(), this.now).review({ statementId, personId }) };
  }

  /** The item's short code, which an SMS reply names ("DONE K7Q2M"). */
  itemCode(): string | undefined {
    const itemId = this.str('itemId');
    return itemId ? itemShortCode(itemId) : undefined;
  }

  /** A link the workflow passed in (e.g. the public dashboard), if it is one of ours or plainly http(s). */
  passedLink(key: string, label: string): Action | undefined {
    const value = this.str(key);
    if (!value || !/^https?:\/\//.test(value)) return undefined;
    return { label, url: value };
  }
}

const sentence = (...parts: (string | undefined | false)[]): string | undefined =>
  parts.every((p) => p !== undefined && p !== false) ? parts.join('') : undefined;

const compact = (items: (string | undefined)[]): string[] => items.filter((x): x is string => !!x);

const incidentLabel = (v: View): string => {
  const number = v.str('incidentNumber');
  const title = v.str('title') ?? v.str('incidentTitle');
  if (number && title) return `${number}: ${title}`;
  return number ?? title ?? 'a critical incident';
};

/** The incident as a phone call reads it: CI-2026-0007 said as "C I 2026, 0 0 0 7". */
const spokenIncident = (v: View): string => {
  const number = v.str('incidentNumber');
  const spokenNumber = number ? spokenIncidentNumber(number) : undefined;
  const title = v.str('title') ?? v.str('incidentTitle');
  return [spokenNumber, title].filter(Boolean).join(', ') || 'a critical incident';
};

const severityTag = (v: View): string => (v.num('severity') !== undefined ? `[Sev ${v.num('severity')}] ` : '');

/** How many people an SMS names before it says "and N more". */
const SMS_NAMES = 5;
/** Twilio refuses a longer body (21617), for good. */
export const SMS_MAX_CHARACTERS = 1600;

/** A list of people short enough for a text message. */
function shortPeopleList(value: unknown): string | undefined {
  if (!Array.isArray(value) || value.length <= SMS_NAMES) return peopleList(value);
  const named = peopleList(value.slice(0, SMS_NAMES));
  return named ? `${value.length} people: ${named} and ${value.length - SMS_NAMES} more` : undefined;
}

function peopleList(value: unknown): string | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const names = value
    .map((p) => {
      if (typeof p === 'string') return p;
      if (p && typeof p === 'object') {
        const { name, title, role } = p as { name?: unknown; title?: unknown; role?: unknown };
        const label = typeof title === 'string' ? title : typeof role === 'string' ? role : undefined;
        if (typeof name === 'string') return label ? `${name} (${label})` : name;
      }
      return undefined;
    })
    .filter((x): x is string => !!x);
  return names.length ? names.join(', ') : undefined;
}

const TEMPLATES: Record<string, (v: View) => Draft> = {
  'incident.declared': (v) => {
    const ack = v.ackLink();
    const minutes = v.num('ackWindowMinutes');
    return {
      subject: `${severityTag(v)}Critical incident ${incidentLabel(v)}`,
      paragraphs: compact([
        `A critical incident has been declared: ${incidentLabel(v)}.`,
        sentence('Severity: ', v.str('severity'), '. Type: ', v.str('typeLabel') ?? v.str('type'), '.') ??
          sentence('Severity: ', v.str('severity'), '.'),
        sentence('Location: ', v.str('location'), '.'),
        v.str('summary'),
        sentence('Declared by ', v.str('declaredByName'), v.when('declaredAt') ? ` at ${v.when('declaredAt')}` : '', '.'),
        minutes !== undefined
          ? `Please acknowledge within ${minutes} minutes. If you do not, your backup will be notified.`
          : 'Please acknowledge as soon as possible.',
        'You can also reply ACK to the text message.',
        v.repliesAcknowledge ? 'Or reply to this email: any reply from your address acknowledges.' : undefined,
      ]),
      action: ack,
      acknowledgeByReply: v.repliesAcknowledge,
      // Replying ACK is the SMS way to acknowledge; a signed link would triple the message length.
      sms: compact([
        `${severityTag(v)}CRITICAL INCIDENT ${incidentLabel(v)}.`,
        minutes !== undefined ? `Reply ACK within ${minutes} min to acknowledge.` : 'Reply ACK to acknowledge.',
      ]).join(' '),
    };
  },

  'incident.ack-escalation': (v) => {
    const ack = v.ackLink();
    const silent = v.str('silentPersonName');
    const silentLabel = silent ? (v.str('silentPersonTitle') ? `${silent} (${v.str('silentPersonTitle')})` : silent) : undefined;
    const minutes = v.num('minutesSilent');
    return {
      subject: `${severityTag(v)}Action needed: you are backup on incident ${incidentLabel(v)}`,
      paragraphs: compact([
        silentLabel
          ? `${silentLabel} has not acknowledged incident ${incidentLabel(v)}${minutes !== undefined ? ` after ${minutes} minutes` : ''}. You are their backup.`
          : `You are the backup contact for incident ${incidentLabel(v)}, and the primary contact has not acknowledged it.`,
        v.str('summary'),
        'Please acknowledge now.',
        v.repliesAcknowledge ? 'You can also reply to this email: any reply from your address acknowledges.' : undefined,
      ]),
      action: ack,
      acknowledgeByReply: v.repliesAcknowledge,
      sms: compact([
        `${severityTag(v)}BACKUP NEEDED: incident ${incidentLabel(v)}.`,
        silent ? `${silent} has not acknowledged.` : undefined,
        'Reply ACK to acknowledge.',
      ]).join(' '),
    };
  },

  'incident.silent-report': (v) => {
    const silent = peopleList(v.data.silent);
    const minutes = v.num('minutes') ?? v.num('minutesSilent');
    const link = v.passedLink('incidentUrl', 'Open the incident');
    return {
      subject: `Still unacknowledged: incident ${incidentLabel(v)}`,
      paragraphs: compact([
        `${minutes !== undefined ? `${minutes} minutes after` : 'Since'} incident ${incidentLabel(v)} was declared, these people have not acknowledged it:`,
        silent ?? 'Some recipients have not acknowledged it.',
        'Their backups have been notified.',
      ]),
      action: link,
      sms: compact([`Incident ${incidentLabel(v)}: not yet acknowledged by ${shortPeopleList(v.data.silent) ?? 'some recipients'}.`, link?.url]).join(' '),
    };
  },

  'incident.ack-call': (v) => {
    const backupFor = v.str('asBackupFor');
    const spoken = `This is Common Ground, for the City of Clayton. ${v.num('severity') !== undefined ? `A severity ${v.num('severity')} critical incident` : 'A critical incident'} has been declared: ${spokenIncident(v)}.${backupFor ? ` You are called as the backup for the ${backupFor}.` : ''} You have not acknowledged it yet. To acknowledge, press 1 now.`;
    return {
      subject: `Call: acknowledge incident ${incidentLabel(v)}`,
      paragraphs: [spoken],
      sms: `Calling you about incident ${incidentLabel(v)}: press 1 to acknowledge.`,
      voice: spoken,
    };
  },

  'hold.placed': (v) => {
    const link = v.passedLink('incidentUrl', 'Open the incident');
    return {
      subject: `Counsel's hold on publication: ${incidentLabel(v)}`,
      paragraphs: compact([
        `${v.str('placedByName') ?? 'The City Attorney'} placed a counsel's hold on ${v.str('covers') ?? 'publication'} for incident ${incidentLabel(v)}${v.str('categoryLabel') ? ` (${v.str('categoryLabel')})` : ''}.`,
        'While it is held, nothing it covers is published, whatever its approvals. Drafting and approving go on; approved statements wait and are published when the hold ends. The deadlines it covers are paused, and the public page says they are held by counsel.',
        sentence('Unless released sooner it lapses ', v.when('lapsesAt'), '.'),
        'The reason for staff is on the incident board in the console; it is never published.',
      ]),
      action: link,
      sms: compact([`Counsel's hold on ${v.str('covers') ?? 'publication'} for ${incidentLabel(v)}${v.str('categoryLabel') ? ` (${v.str('categoryLabel')})` : ''}.`, v.when('lapsesAt') ? `Lapses ${v.when('lapsesAt')}.` : undefined]).join(' '),
    };
  },

  'hold.reminder': (v) => {
    const link = v.passedLink('incidentUrl', 'Open the incident');
    return {
      subject: `Reminder: counsel's hold on ${incidentLabel(v)} lapses ${v.when('lapsesAt') ?? 'soon'}`,
      paragraphs: compact([
        `The counsel's hold on ${v.str('covers') ?? 'publication'} for incident ${incidentLabel(v)}${v.str('categoryLabel') ? ` (${v.str('categoryLabel')})` : ''} lapses ${v.when('lapsesAt') ?? 'soon'}.`,
        'When it lapses, what it held is published and its deadlines start again. The City Attorney can release it sooner; it cannot be held longer than the plan allows.',
      ]),
      action: link,
      sms: `Reminder: counsel's hold on ${incidentLabel(v)} lapses ${v.when('lapsesAt') ?? 'soon'}.`,
    };
  },

  'hold.released': (v) => {
    const link = v.passedLink('incidentUrl', 'Open the incident');
    return {
      subject: `Counsel's hold released: ${incidentLabel(v)}`,
      paragraphs: compact([
        `${v.str('releasedByName') ?? 'The City Attorney'} released the counsel's hold on ${v.str('covers') ?? 'publication'} for incident ${incidentLabel(v)}.`,
        'Approved statements it held are published now, and the deadlines it paused are running again.',
      ]),
      action: link,
      sms: `Counsel's hold released for ${incidentLabel(v)}: held statements publish now, paused deadlines run again.`,
    };
  },

  'hold.lapsed': (v) => {
    const link = v.passedLink('incidentUrl', 'Open the incident');
    return {
      subject: `Counsel's hold reached its limit and lapsed: ${incidentLabel(v)}`,
      paragraphs: compact([
        `The counsel's hold on ${v.str('covers') ?? 'publication'} for incident ${incidentLabel(v)}${v.str('categoryLabel') ? ` (${v.str('categoryLabel')})` : ''}, placed ${v.when('placedAt') ?? 'earlier'}, reached the longest hold the plan allows and lapsed.`,
        'Approved statements it held are published now, and the deadlines it paused are running again.',
        'You are receiving this because the plan escalates a hold that reaches its limit to you.',
      ]),
      action: link,
      sms: `Counsel's hold on ${incidentLabel(v)} reached its limit and lapsed: held statements publish now.`,
    };
  },

  'deadline.reminder': (v) => {
    const what = v.str('deadlineTitle') ?? 'A deadline';
    const due = v.when('dueAt');
    const link = v.passedLink('incidentUrl', 'Open the incident');
    return {
      subject: `Reminder: ${what}${due ? ` due ${due}` : ''} (${incidentLabel(v)})`,
      paragraphs: compact([
        `${what} for incident ${incidentLabel(v)} is due${due ? ` ${due}` : ' soon'}.`,
        'Under the city’s critical incident communications plan this deadline is public: whether it is met will be shown on the incident’s public timeline.',
      ]),
      action: link,
      sms: compact([`Reminder: ${what} for ${incidentLabel(v)} due ${due ?? 'soon'}.`, link?.url]).join(' '),
    };
  },

  'deadline.overdue': (v) => {
    const what = v.str('deadlineTitle') ?? 'A deadline';
    const due = v.when('dueAt');
    const link = v.passedLink('incidentUrl', 'Open the incident');
    return {
      subject: `OVERDUE: ${what} (${incidentLabel(v)})`,
      paragraphs: compact([
        `${what} for incident ${incidentLabel(v)} is overdue${due ? `; it was due ${due}` : ''}.`,
        'Publish the deliverable, or record an extension with a reason, as soon as possible.',
      ]),
      action: link,
      sms: compact([`OVERDUE: ${what} for ${incidentLabel(v)}${due ? ` (due ${due})` : ''}.`, link?.url]).join(' '),
    };
  },

  'statement.approval-request': (v) => {
    const review = v.reviewLink();
    const what = v.str('statementTitle') ?? 'A statement';
    const kind = v.str('kindLabel') ?? v.str('kind');
    return {
      subject: `Approval requested: ${what}${v.str('incidentNumber') ? ` (${v.str('incidentNumber')})` : ''}`,
      paragraphs: compact([
        `${what}${kind ? ` (${kind})` : ''} for incident ${incidentLabel(v)} is waiting for your approval.`,
        sentence('Drafted by ', v.str('authorName'), v.str('version') ? `, version ${v.str('version')}` : '', '.'),
        sentence('You are asked in place of the ', v.str('standingInFor'), ', who wrote this version: nobody approves their own words.'),
        sentence('Please decide by ', v.when('decideBy'), '.'),
      ]),
      action: review,
      sms: `Approval requested: ${what} (${incidentLabel(v)}). Open the link in your email or the staff console to review it.`,
    };
  },

  'statement.approval-reminder': (v) => {
    const review = v.reviewLink();
    const what = v.str('statementTitle') ?? 'A statement';
    return {
      subject: `Reminder: your approval is still needed for ${what}`,
      paragraphs: compact([
        `${what} for incident ${incidentLabel(v)} is still waiting for your decision.`,
        sentence('It was sent to you ', v.when('requestedAt'), '.'),
        'Its publication deadline depends on your decision.',
      ]),
      action: review,
      sms: `Reminder: approve or return ${what} (${incidentLabel(v)}). The review link is in your email.`,
    };
  },

  'statement.approval-escalation': (v) => {
    // Escalation reaches people outside the approval chain (the mayor): they learn which statement waits, not its draft title.
    const kind = v.str('kindLabel');
    const what = kind ? `The ${kind.toLowerCase()}` : 'A statement';
    const approver = v.str('approverName');
    const link = v.passedLink('statementUrl', 'Open the statement');
    return {
      subject: `Escalation: ${what} is waiting on ${approver ?? 'an approver'}`,
      paragraphs: compact([
        `${what} for incident ${incidentLabel(v)} has been waiting for ${approver ? `${approver}${v.str('approverTitle') ? ` (${v.str('approverTitle')})` : ''}` : 'an approver'}${v.num('hoursWaiting') !== undefined ? ` for ${v.num('hoursWaiting')} hours` : ''}.`,
        'You are receiving this because the approval chain escalates to you.',
      ]),
      action: link,
      sms: compact([`Escalation: ${what} (${incidentLabel(v)}) waiting on ${approver ?? 'an approver'}.`, link?.url]).join(' '),
    };
  },

  'statement.changes-requested': (v) => {
    const what = v.str('statementTitle') ?? 'Your statement';
    const by = v.str('reviewerName');
    const link = v.passedLink('statementUrl', 'Open the statement');
    return {
      subject: `Changes requested: ${what}`,
      paragraphs: compact([
        `${by ?? 'An approver'}${v.str('reviewerTitle') ? ` (${v.str('reviewerTitle')})` : ''} returned ${what} for incident ${incidentLabel(v)} with comments.`,
        sentence('Comments: ', v.str('comment')),
        'Please revise it and submit a new version.',
      ]),
      action: link,
      sms: compact([`Changes requested on ${what} (${incidentLabel(v)})${by ? ` by ${by}` : ''}.`, link?.url]).join(' '),
    };
  },

  'statement.revised-by-approver': (v) => {
    const what = v.str('statementTitle') ?? 'Your statement';
    const by = v.str('reviewerName');
    const link = v.passedLink('statementUrl', 'Open the statement');
    return {
      subject: `Revised and approved: ${what}`,
      paragraphs: compact([
        `${by ?? 'An approver'}${v.str('reviewerTitle') ? ` (${v.str('reviewerTitle')})` : ''} revised ${what} for incident ${incidentLabel(v)} and approved the new text${v.str('version') ? ` (version ${v.str('version')})` : ''}.`,
        sentence('What changed: ', v.str('comment')),
        'The rest of the approval chain now reviews the revised text. Every version stays in the statement’s history.',
      ]),
      action: link,
      sms: compact([`${what} (${incidentLabel(v)}) was revised and approved${by ? ` by ${by}` : ''}.`, link?.url]).join(' '),
    };
  },

  'statement.publication-held': (v) => {
    const what = v.str('statementTitle') ?? 'Your statement';
    return {
      subject: `Approved, held by counsel: ${what}`,
      paragraphs: compact([
        `${what} for incident ${incidentLabel(v)} has every approval it needs, but a counsel's hold covers it${v.when('heldSince') ? ` (since ${v.when('heldSince')})` : ''}.`,
        'It will be published as soon as the hold ends; you do not need to do anything.',
      ]),
      sms: `${what} (${incidentLabel(v)}) is approved and held by counsel; it publishes when the hold ends.`,
    };
  },

  'statement.withdrawn': (v) => {
    const what = v.str('statementTitle') ?? 'A statement';
    const link = v.passedLink('publicUrl', 'See the public record');
    return {
      subject: `Withdrawn: ${what}`,
      paragraphs: compact([
        `${v.str('withdrawnByName') ?? 'Someone'} withdrew ${what} for incident ${incidentLabel(v)}${v.when('withdrawnAt') ? ` on ${v.when('withdrawnAt')}` : ''}.`,
        sentence('The public note: ', v.str('note')),
      ]),
      action: link,
      sms: `Withdrawn: ${what} (${incidentLabel(v)}).`,
    };
  },

  'statement.published': (v) => {
    const what = v.str('statementTitle') ?? 'A statement';
    const link = v.passedLink('publicUrl', 'Read it on the public site');
    return {
      subject: `Published: ${what}`,
      paragraphs: compact([
        `${what} for incident ${incidentLabel(v)} was published${v.when('publishedAt') ? ` ${v.when('publishedAt')}` : ''}.`,
      ]),
      action: link,
      sms: compact([`Published: ${what} (${incidentLabel(v)}).`, link?.url]).join(' '),
    };
  },

  'item.reminder': (v) => {
    const item = v.str('itemTitle') ?? 'An action item you own';
    const due = v.when('dueAt');
    const progress = v.progressLink();
    const days = v.num('daysLeft');
    const code = v.itemCode();
    return {
      subject: `Reminder: ${item}${due ? ` is due ${due}` : ''}`,
      paragraphs: compact([
        `${item}${v.str('goalTitle') ? ` (goal: ${v.str('goalTitle')})` : ''} is due${due ? ` ${due}` : ' soon'}${days !== undefined ? `, in ${days} day${days === 1 ? '' : 's'}` : ''}.`,
        'Post a short progress note so the public dashboard shows where it stands.',
        code ? `This item's code is ${code}: you can also reply to the text message with DONE ${code}, or PROGRESS ${code} and a percentage and a note.` : undefined,
      ]),
      action: progress,
      sms: compact([
        `Reminder: "${item}"${code ? ` (item ${code})` : ''} due ${due ?? 'soon'}.`,
        code ? `Reply DONE ${code}, or PROGRESS ${code} 50 and a note.` : undefined,
        progress ? `Post progress: ${progress.url}` : undefined,
      ]).join(' '),
    };
  },

  'item.overdue': (v) => {
    const item = v.str('itemTitle') ?? 'An action item';
    const due = v.when('dueAt');
    const owner = v.str('ownerName');
    const ownerId = v.str('ownerId');
    // Only the owner gets a progress link; sponsors and the board are told, not asked to post.
    const progress = !ownerId || ownerId === v.recipientId ? v.progressLink() : undefined;
    const code = progress ? v.itemCode() : undefined;
    return {
      subject: `Overdue: ${item}`,
      paragraphs: compact([
        `${item}${owner ? ` (owner: ${owner})` : ''} is overdue${due ? `; it was due ${due}` : ''}.`,
        sentence('Escalation step: ', v.str('levelLabel') ?? v.str('level'), '.'),
        progress ? 'Post progress, or ask for a new date with a reason.' : 'You are receiving this because the escalation ladder reached you.',
      ]),
      action: progress,
      sms: compact([
        `Overdue: "${item}"${code ? ` (item ${code})` : ''}${owner ? ` (owner ${owner})` : ''}.`,
        code ? `Reply DONE ${code} or PROGRESS ${code} 50 and a note.` : undefined,
        progress?.url,
      ]).join(' '),
    };
  },

  'item.blocked': (v) => {
    const item = v.str('itemTitle') ?? 'An action item';
    const by = v.str('reportedByName') ?? v.str('ownerName');
    return {
      subject: `Blocked: ${item}`,
      paragraphs: compact([
        `${by ?? 'The owner'} marked ${item} as blocked.`,
        sentence('Their note: ', v.str('note')),
      ]),
      action: v.passedLink('itemUrl', 'Open the item'),
      sms: `Blocked: "${item}"${by ? ` (${by})` : ''}.`,
    };
  },

  'item.reschedule-request': (v) => {
    const item = v.str('itemTitle') ?? 'An action item';
    return {
      subject: `New date requested: ${item}`,
      paragraphs: compact([
        `${v.str('requestedByName') ?? 'The owner'} asks to move ${item}${v.when('fromDueAt') ? ` from ${v.when('fromDueAt')}` : ''}${v.when('toDueAt') ? ` to ${v.when('toDueAt')}` : ''}.`,
        sentence('Reason: ', v.str('reason')),
        'Please approve or decline the request.',
      ]),
      action: v.passedLink('decisionUrl', 'Decide on the request'),
      sms: `New date requested for "${item}"${v.when('toDueAt') ? `: ${v.when('toDueAt')}` : ''}.`,
    };
  },

  'plan.digest': (v) => {
    const plan = v.str('planTitle') ?? 'The action plan';
    const counts = (v.data.counts ?? {}) as Record<string, unknown>;
    const count = (key: string) => (typeof counts[key] === 'number' ? (counts[key] as number) : undefined);
    const link = v.passedLink('dashboardUrl', 'Open the public dashboard');
    const line = compact([
      count('done') !== undefined ? `${count('done')} done` : undefined,
      count('inProgress') !== undefined ? `${count('inProgress')} in progress` : undefined,
      count('notStarted') !== undefined ? `${count('notStarted')} not started` : undefined,
      count('blocked') !== undefined ? `${count('blocked')} blocked` : undefined,
      count('overdue') !== undefined ? `${count('overdue')} overdue` : undefined,
    ]).join(', ');
    return {
      subject: `${plan}: progress for ${v.str('period') ?? 'this month'}`,
      paragraphs: compact([
        `The monthly progress snapshot for ${plan}${v.str('period') ? ` (${v.str('period')})` : ''} has been published.`,
        line ? `Items${count('items') !== undefined ? ` (${count('items')} in all)` : ''}: ${line}.` : undefined,
        count('averagePercent') !== undefined ? `Average completion: ${count('averagePercent')}%.` : undefined,
        boardFlagsSentence(v.data.boardFlags),
      ]),
      action: link,
      sms: compact([`${plan}: monthly progress published.`, line || undefined, link?.url]).join(' '),
    };
  },

  'plan.final-report': (v) => {
    const plan = v.str('planTitle') ?? 'The action plan';
    const link = v.passedLink('reportUrl', 'Read the final report');
    return {
      subject: `Final report: ${plan}`,
      paragraphs: compact([`The final report for ${plan} is published.`, v.str('summary')]),
      action: link,
      sms: compact([`Final report for ${plan} is published.`, link?.url]).join(' '),
    };
  },
};

/** Items the overdue ladder flagged for the board (14+ days overdue), named in the monthly digest. */
function boardFlagsSentence(raw: unknown): string | undefined {
  const titles = Array.isArray(raw)
    ? raw.map((f) => (f && typeof (f as { title?: unknown }).title === 'string' ? (f as { title: string }).title : undefined)).filter((t): t is string => Boolean(t))
    : [];
  if (titles.length === 0) return undefined;
  return `For the Board: ${titles.length === 1 ? 'one item is' : `${titles.length} items are`} more than two weeks overdue: ${titles.map((t) => `"${t}"`).join(', ')}.`;
}

export const TEMPLATE_NAMES: readonly string[] = Object.keys(TEMPLATES);

const FALLBACK_NOTE: Record<ChannelName, string> = {
  EMAIL: 'You are getting this by email because a text message to your phone could not be delivered.',
  SMS: '(Sent by text because email to you could not be delivered.)',
  VOICE: '',
};

function emailHtml(greeting: string, paragraphs: string[], action: Action | undefined, footer: string): string {
  const body = paragraphs.map((p) => `<p style="margin:0 0 12px">${escapeHtml(p)}</p>`).join('\n');
  const button = action
    ? `<p style="margin:20px 0"><a href="${escapeHtml(action.url)}" style="background:#0b4f9c;color:#ffffff;padding:10px 16px;text-decoration:none;border-radius:4px;display:inline-block">${escapeHtml(action.label)}</a></p>
<p style="margin:0 0 12px;font-size:13px;color:#555555;word-break:break-all">If the button does not work, copy this address: ${escapeHtml(action.url)}</p>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Common Ground</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.45;color:#1b1b1b">
<p style="margin:0 0 12px">${escapeHtml(greeting)}</p>
${body}
${button}
<p style="margin:24px 0 0;font-size:13px;color:#555555">${escapeHtml(footer)}</p>
</body></html>`;
}

/**
 * Renders one message. Throws a non-retryable InvalidInput failure for an
 * unknown template: retrying cannot fix a typo in workflow code.
 */
export function renderMessage(
  template: string,
  data: Record<string, unknown>,
  channel: ChannelName,
  config: TemplateConfig,
  now: Date = new Date(),
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
  const view = new View(data ?? {}, config, now);
  const draft = build(view);
  const fallbackFrom = typeof data?.fallbackFrom === 'string' ? data.fallbackFrom : undefined;

  if (channel === 'SMS') {
    const note = fallbackFrom ? ` ${FALLBACK_NOTE.SMS}` : '';
    const text = `Common Ground: ${draft.sms}${note}`;
    // A body Twilio would refuse for good is cut short instead: the email carries the whole message.
    return { subject: null, text: text.length <= SMS_MAX_CHARACTERS ? text : `${text.slice(0, SMS_MAX_CHARACTERS - 1)}…`, html: null };
  }
  if (channel === 'VOICE') return { subject: null, text: draft.voice ?? draft.sms, html: null };

  const greeting = view.recipientName ? `Hello ${view.recipientName},` : 'Hello,';
  const paragraphs = fallbackFrom ? [...draft.paragraphs, FALLBACK_NOTE.EMAIL] : draft.paragraphs;
  const footer = 'Common Ground: City of Clayton critical incident communications and action plan. This message was sent automatically.';
  const textParts = [greeting, ...paragraphs];
  if (draft.action) textParts.push(`${draft.action.label}: ${draft.action.url}`);
  textParts.push(`-- \n${footer}`);
  return {
    subject: draft.subject,
    text: textParts.join('\n\n'),
    html: emailHtml(greeting, paragraphs, draft.action, footer),
    ...(draft.acknowledgeByReply ? { acknowledgeByReply: true } : {}),
  };
}
