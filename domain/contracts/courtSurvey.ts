// One court-user survey invitation (Goal 3): the workflow waits until the
// policy's delay after the case closed, invites the person by their channel
// in their language with a single-use link, reminds them once, and stops when
// they answer or opt out (the API records that, then signals), or lets the
// invitation expire. The quarterly summary is published by a Schedule.
import { defineSignal } from '@temporalio/workflow';

export const courtSurveyAnsweredSignal = defineSignal('courtSurveyAnswered');
export const courtSurveyOptedOutSignal = defineSignal('courtSurveyOptedOut');

export type CourtSurveyStep = 'invitation' | 'reminder';

export interface CourtSurveyInvitationInputV1 {
  version: 1;
  contactId: string;
  /** When the invitation goes out (the case's close plus the policy's inviteAfter); now or earlier sends at once. */
  inviteAt: string;
  /** The pinned policy's remindAfter and expiresAfter, in milliseconds. */
  remindAfterMs: number;
  expiresAfterMs: number;
}

export type CourtSurveyOutcome = 'COMPLETED' | 'OPTED_OUT' | 'EXPIRED' | 'GONE';

export interface CourtSurveyInvitationResultV1 {
  outcome: CourtSurveyOutcome;
  reminded: boolean;
}

/** What the survey workflows ask of their activities. */
export interface CourtSurveyActivities {
  /**
   * Sends the invitation or the reminder (once per contact and step: the
   * notification key) while the contact is still waiting for it, and records
   * the contact as INVITED (with its quarter) or REMINDED. `sent: false`: the
   * contact answered, opted out or is gone, and nothing was sent.
   */
  sendCourtSurveyMessage(input: { workflowId: string; contactId: string; step: CourtSurveyStep }): Promise<{ sent: boolean }>;
  /** Marks an unanswered invitation EXPIRED and erases the contact's name and address (never an answered one). */
  expireCourtSurveyInvitation(input: { contactId: string }): Promise<{ expired: boolean }>;
  /** Publishes every closed quarter not yet published; returns the quarters published now. */
  publishCourtSurveyQuarters(): Promise<{ published: string[] }>;
}
