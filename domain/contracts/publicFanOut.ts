// Telling the public: what the public fan-out workflow sends, to whom, and
// what its activities do. A workflow that has news for residents (a statement
// published, a deadline missed, the monthly report, an upcoming session)
// describes it as a PublicEventV1 and calls startPublicFanOut; the fan-out
// workflow then tells the officials the policy names, the newsrooms on the
// media list and every confirmed subscriber of a matching topic, each in
// their language, at the SMS rate the sender allows, once per subscriber.
//
// Adding an event: a kind here with its plan in publicFanOutPlan, the words
// of its message in activities/publicFanOut/content.ts and a template
// (activities/notifications/templates.ts, locales/*/messages.json).
import type { ChannelName } from './notificationActivities';
import type { Role } from '../roles';

export const SUBSCRIPTION_TOPICS = ['ALL_INCIDENTS', 'INCIDENT', 'PLAN_REPORT', 'ENGAGEMENT_SESSIONS'] as const;
export type SubscriptionTopicV1 = (typeof SUBSCRIPTION_TOPICS)[number];

/** A topic a subscriber chose; INCIDENT names its incident (scope = the incident number). */
export interface TopicRefV1 {
  topic: SubscriptionTopicV1;
  scope?: string;
}

/** What happened, in the ids and facts the message needs (the words are made at send time). */
export type PublicEventV1 =
  | {
      kind: 'statement.published';
      statementId: string;
      incidentId: string;
      incidentNumber: string;
      publishedAt: string;
      /** The deadline this publication answered, as the incident workflow settled it. */
      deadline: { key: string; kind: string; title: string; dueAt: string; metOnTime: boolean } | null;
    }
  | {
      kind: 'deadline.missed';
      incidentId: string;
      incidentNumber: string;
      deadlineKey: string;
      deadlineKind: string;
      deadlineTitle: string;
      dueAt: string;
    }
  | { kind: 'plan.report'; planId: string; month: number; period: string; takenAt: string }
  | {
      /** For the engagement sessions: a session's key (unique per reminder) and what its message says. */
      kind: 'session.upcoming';
      key: string;
      at: string;
      data: {
        sessionTitle: string;
        startsAt: string;
        place?: string;
        languages?: string;
        accessibility?: string;
        sessionUrl?: string;
        /** 'announced': just scheduled ("New session"); otherwise a reminder before it ("Upcoming"). */
        notice?: 'announced' | 'reminder';
      };
    };

export type PublicEventKind = PublicEventV1['kind'];

/** Who hears of an event and how it is worded: a pure function of the event, so the workflow and its activities agree. */
export interface PublicFanOutPlanV1 {
  /** Unique per event: part of the fan-out's workflow id and every message's attempt group. */
  eventKey: string;
  /** When it happened: only subscriptions confirmed by then receive it. */
  at: string;
  /** The subscribers' template (activities/notifications/templates.ts). */
  template: string;
  /** Residents subscribed to any of these topics. */
  topics: TopicRefV1[];
  /** Newsrooms on the media list too, by email. */
  media: boolean;
}

export function publicFanOutPlan(event: PublicEventV1): PublicFanOutPlanV1 {
  switch (event.kind) {
    case 'statement.published':
      return {
        eventKey: `statement-${event.statementId}`,
        at: event.publishedAt,
        template: 'public.statement-published',
        topics: [{ topic: 'ALL_INCIDENTS' }, { topic: 'INCIDENT', scope: event.incidentNumber }],
        media: true,
      };
    case 'deadline.missed':
      return {
        eventKey: `deadline-missed-${event.incidentNumber}-${event.deadlineKey}`,
        at: event.dueAt,
        template: 'public.deadline-missed',
        topics: [{ topic: 'ALL_INCIDENTS' }, { topic: 'INCIDENT', scope: event.incidentNumber }],
        media: false,
      };
    case 'plan.report':
      return {
        eventKey: `plan-report-${event.planId}-${event.month}`,
        at: event.takenAt,
        template: 'public.plan-report',
        topics: [{ topic: 'PLAN_REPORT' }],
        media: false,
      };
    case 'session.upcoming':
      return { eventKey: `session-${event.key}`, at: event.at, template: 'public.session-upcoming', topics: [{ topic: 'ENGAGEMENT_SESSIONS' }], media: false };
  }
}

export interface PublicFanOutRequestV1 {
  event: PublicEventV1;
  /** Officials told as well (a published statement: the pinned policy's `publication` section); null for none. */
  officials?: { roles: Role[]; channels: ChannelName[] } | null;
}

/** How fast the fan-out sends: the sender's SMS rate (configuration), emails a few at a time. */
export interface FanOutPacingV1 {
  smsPerSecond: number;
  emailBatch: number;
  emailBatchesAtOnce: number;
  pageSize: number;
}

/** The officials' message, worded by the start activity (which reads the statement). */
export interface OfficialsNoticeV1 {
  roles: Role[];
  channels: ChannelName[];
  template: string;
  purpose: string;
  data: Record<string, unknown>;
  incidentId?: string;
  /** Told already by another message (the statement's author). */
  exceptPersonIds: string[];
}

/** How far one channel's residents have been told. */
export interface ChannelProgressV1 {
  /** The last subscription id of this channel handled (they are read in id order). */
  cursor: string | null;
  done: boolean;
}

export interface FanOutProgressV1 {
  officialsDone: boolean;
  mediaDone: boolean;
  /** The last subscription id handled (they are read in id order), when residents are read on all channels at once. */
  cursor: string | null;
  /** Where each channel got to, when residents are read by channel (FAN_OUT_CHANNELS_APART_PATCH). */
  channels?: { EMAIL: ChannelProgressV1; SMS: ChannelProgressV1 };
  sent: number;
  skipped: number;
  undeliverable: number;
}

export interface PublicFanOutInputV1 {
  version: 1;
  event: PublicEventV1;
  plan: PublicFanOutPlanV1;
  officials: OfficialsNoticeV1 | null;
  pacing: FanOutPacingV1;
  /** Carried across continue-as-new. */
  progress?: FanOutProgressV1;
}

export interface FanOutBatchResultV1 {
  sent: number;
  /** Unsubscribed or deleted since the page was read. */
  skipped: number;
  undeliverable: number;
}

export interface PublicFanOutActivities {
  /** Starts the event's fan-out workflow once (a repeated call finds it started). */
  startPublicFanOut(request: PublicFanOutRequestV1): Promise<{ workflowId: string }>;
  /** A page of the subscriptions an event goes to (confirmed by plan.at), after `cursor`, in id order; only those by `channel` when given. */
  listFanOutRecipients(input: {
    plan: PublicFanOutPlanV1;
    audience: 'RESIDENT' | 'MEDIA';
    cursor: string | null;
    limit: number;
    channel?: ChannelName;
  }): Promise<{ id: string; channel: ChannelName }[]>;
  /**
   * Sends the event to these subscriptions, each in its language, once each
   * (notification key: this workflow, the template, the subscription, the
   * channel, the event). Unsubscribed or deleted ones are skipped.
   */
  sendPublicMessages(input: { workflowId: string; event: PublicEventV1; subscriptionIds: string[] }): Promise<FanOutBatchResultV1>;
}
