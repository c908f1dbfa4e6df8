// Every patch id the workflows use, in one place. A patch id is written into
// the history of every workflow that passes it, so an id never changes once
// shipped; retire one with deprecatePatch only when no history without it can
// still be replayed (see the replay tests under test/replay and test/unit).

/**
 * Workflow mutex: histories recorded before this patch let two waiters through
 * together; replay keeps that. Incident and statement workflows.
 */
export const LOCK_RECHECK_PATCH = 'workflow-lock-recheck-2026-11';

/**
 * Incident: histories from before this patch sent every message inline, holding
 * the workflow's lock (so a provider outage could make a PIO's submission
 * wait). Now messages go out in the background while the clock and the updates
 * run on.
 */
export const INCIDENT_NOTIFY_IN_BACKGROUND_PATCH = 'incident-notify-in-background-2026-11';

/**
 * Statement approval: approvers and the PIO get their answer as soon as the
 * decision is recorded; the e-mails and texts it triggers follow in the
 * background, so a slow or failing provider delays messages without holding
 * the person's request.
 */
export const STATEMENT_NOTIFY_IN_BACKGROUND_PATCH = 'statement-notify-in-background-2026-11';

/**
 * Action items used to announce themselves to the plan workflow on start. With
 * thousands of items that made the plan one hot execution taking a signal per
 * item, so the API (and a recurring duty, for its item) now sends itemAdded
 * when it creates an item. Item and duty workflows.
 */
export const ITEM_ADDED_BY_API_PATCH = 'item-added-signal-sent-by-api';

/**
 * Incident and statement workflows: an update delivered in the same workflow
 * task as the start (update-with-start, or a decision sent the instant a
 * statement was submitted) ran its handler before the main function had begun
 * set-up, and was refused as "still being set up" (409) instead of being
 * answered by the rules. Now its handler waits for set-up first. Only such an
 * early handler consults this patch, so every other history stays as it was.
 */
export const UPDATES_WAIT_FOR_SET_UP_PATCH = 'updates-wait-for-set-up-2026-11';

/**
 * Statement approval: once every approval is given, publication asks whether
 * a counsel's hold covers the statement (publishStatementUnlessHeld) instead
 * of publishing at once; a held statement waits, its approvals intact, for the
 * incident workflow's publicationReleased signal.
 */
export const STATEMENT_PUBLICATION_HOLD_PATCH = 'statement-publication-hold-2026-12';

/**
 * Incident: counsel's holds (placeHold and releaseHold updates; reminders
 * before a hold lapses, the lapse with its escalation, clocks stopped and
 * restarted, held statements told when a hold ends). Consulted where a hold is
 * placed and where the clock acts on one.
 */
export const INCIDENT_COUNSEL_HOLDS_PATCH = 'incident-counsel-holds-2026-12';

/**
 * Incident: officials still silent after the email and text are called (the
 * policy's acknowledgement.calls), and retried, before their backup is. Only
 * incidents whose pinned policy names calls ever reach it.
 */
export const INCIDENT_ACK_CALLS_PATCH = 'incident-ack-calls-2026-12';

/**
 * Incident: a statementWithdrawn signal (sent by the API once a withdrawal is
 * recorded) tells the policy's withdrawal.notify roles. Consulted in that
 * signal's handler only.
 */
export const INCIDENT_WITHDRAWAL_NOTICE_PATCH = 'incident-withdrawal-notice-2026-12';

/**
 * Incident: a published statement and a missed deadline are told to the
 * public (subscribers in their language, newsrooms) and a publication to the
 * officials the pinned policy names, through a public fan-out workflow started
 * by an activity in the background. Histories from before sent nothing of
 * the kind.
 */
export const INCIDENT_TELLS_THE_PUBLIC_PATCH = 'incident-tells-the-public-2026-12';

/**
 * Action plan: the monthly report is also sent to the residents subscribed to
 * it (a public fan-out started after the stakeholders' digest).
 */
export const PLAN_REPORT_TO_SUBSCRIBERS_PATCH = 'plan-report-to-subscribers-2026-12';

/**
 * announce(): everyone's first messages in one notification activity
 * (sendNotificationBatch) instead of one activity per message.
 */
export const NOTIFICATIONS_IN_ONE_BATCH_PATCH = 'notifications-in-one-batch-2026-12';

/**
 * publicFanOutWorkflow: texts in batches of a few seconds' worth, two in
 * flight, paced by the worker's per-sender rate alone, instead of one
 * second's worth followed by a wait.
 */
export const FAN_OUT_TEXTS_AT_SENDER_RATE_PATCH = 'fan-out-texts-at-sender-rate-2026-12';

/**
 * publicFanOutWorkflow: residents are read and sent to by channel, each
 * channel with its own pages and its own senders pulling the next batch, so
 * emails never wait for a page's texts or texts for its emails, and no batch
 * waits for the others started with it.
 */
export const FAN_OUT_CHANNELS_APART_PATCH = 'fan-out-channels-apart-2026-12';

/**
 * Incident: the pinned policy and the severity's recipients come back from one
 * activity (prepareDeclaration) instead of two in a row, so the first
 * messages go out one workflow task and one activity round trip sooner.
 */
export const INCIDENT_DECLARATION_IN_ONE_ACTIVITY_PATCH = 'incident-declaration-in-one-activity-2026-12';
