// Workflow ids are business ids. These are the only functions that build them.

export const incidentWorkflowId = (incidentNumber: string): string => `incident-${incidentNumber}`;
export const statementWorkflowId = (statementId: string): string => `statement-${statementId}`;
export const actionPlanWorkflowId = (planId: string): string => `action-plan-${planId}`;
export const actionItemWorkflowId = (itemId: string): string => `action-item-${itemId}`;
export const recurringDutyScheduleId = (planId: string, dutyKey: string): string => `duty-${planId}-${dutyKey}`;

/** Notification idempotency key: (workflow id, purpose, recipient, channel, attempt-group). */
export function notificationKey(parts: {
  workflowId: string;
  purpose: string;
  personId: string;
  channel: 'EMAIL' | 'SMS' | 'VOICE';
  attemptGroup: string | number;
}): string {
  return [parts.workflowId, parts.purpose, parts.personId, parts.channel, String(parts.attemptGroup)].join('|');
}

/** An incident number as people write it: CI-2026-0007. */
export const INCIDENT_NUMBER_PATTERN = /^CI-\d{4}-\d{4,}$/;

/** CI-2026-0007 as a phone call says it: "C I 2026, 0 0 0 7". */
export const spokenIncidentNumber = (number: string): string =>
  number.replace(/^CI-(\d{4})-(\d+)$/, (_whole, year: string, sequence: string) => `C I ${year}, ${sequence.split('').join(' ')}`);

/** CI-2026-0007 */
export const formatIncidentNumber = (year: number, sequence: number): string =>
  `CI-${year}-${String(sequence).padStart(4, '0')}`;

/** A resident's subscription, from request to confirmation (or expiry). */
export const subscriptionWorkflowId = (subscriptionId: string): string => `subscription-${subscriptionId}`;
/** One court-user survey invitation, from recording to answer, opt-out or expiry. */
export const courtSurveyWorkflowId = (contactId: string): string => `court-survey-${contactId}`;
/** One public event's fan-out to officials, newsrooms and subscribers (eventKey from publicFanOutPlan). */
export const publicFanOutWorkflowId = (eventKey: string): string => `public-fan-out-${eventKey}`;

/** The City's promise to answer one resident comment. */
export const commentResponseWorkflowId = (commentId: string): string => `comment-response-${commentId}`;
/** A Goal 1 engagement session's announcement and reminders to subscribers. */
export const engagementSessionWorkflowId = (sessionId: string): string => `engagement-session-${sessionId}`;
