// Counsel's hold: the incident workflow's updates for placing and releasing a
// hold on publication, and the hold as the workflow reports it. Versioned like
// every contract: add a V2 beside V1 while incidents run.
import { defineUpdate } from '@temporalio/workflow';
import type { ActorV1 } from './common';

/** What a hold stops: everything for the incident, every statement of a kind (e.g. FINAL_REPORT), or one statement. */
export type HoldScopeV1 =
  | { kind: 'ALL' }
  | { kind: 'STATEMENT_KIND'; statementKind: string }
  | { kind: 'STATEMENT'; statementId: string };

export interface PlaceHoldRequestV1 {
  scope: HoldScopeV1;
  /** A category key from the pinned policy (holds.categories): the only reason the public sees. */
  category: string;
  /** The private detail for staff (the matter, who to ask); never published. */
  detail: string;
  by: ActorV1;
}

export interface ReleaseHoldRequestV1 {
  holdId: string;
  /** Private, for staff. */
  note?: string;
  by: ActorV1;
}

export type HoldStatusV1 = 'ACTIVE' | 'RELEASED' | 'LAPSED';

export interface HoldStateV1 {
  holdId: string;
  scope: HoldScopeV1;
  category: string;
  status: HoldStatusV1;
  placedAt: string;
  placedById: string;
  /** When it lapses unless released sooner (placedAt + the policy's maxDuration). */
  lapsesAt: string;
  /** How many of the policy's reminders before the lapse have been dealt with. */
  remindersSent: number;
  endedAt: string | null;
  /** Who released it; null while active and when it lapsed. */
  endedById: string | null;
}

export const placeHoldUpdate = defineUpdate<HoldStateV1, [PlaceHoldRequestV1]>('placeHold');
export const releaseHoldUpdate = defineUpdate<HoldStateV1, [ReleaseHoldRequestV1]>('releaseHold');
