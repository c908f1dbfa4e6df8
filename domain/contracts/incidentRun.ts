// What an incident workflow carries from one run to the next across
// continue-as-new. It lands in history, so it is versioned like any contract.
import type { TrackedDeadline } from '../deadlines';
import type { Policy } from '../policy/schema';
import type { PersonRefV1 } from './incidentActivities';
import type { RecipientStateV1, StatementPublishedV1, StatementRefV1 } from './incident';
import type { HoldStateV1 } from './holds';

export interface RecipientRuntimeV1 extends RecipientStateV1 {
  /** The backup on file for a primary (called when they stay silent). */
  backup: PersonRefV1 | null;
  /** Primaries this person was asked to stand in for. */
  standsInFor: string[];
  /** The provider refused their phone for calls for good (no number, invalid): no more calls. */
  callUnreachable?: boolean;
}

/** Everything the workflow knows; carried whole across continue-as-new. */
export interface IncidentCarriedStateV1 {
  version: 1;
  policy: Policy;
  status: 'ACTIVE' | 'CLOSED';
  recipients: RecipientRuntimeV1[];
  /** When the primaries were notified: the acknowledgement clock starts here. */
  notifiedAt: string;
  backupEscalationDone: boolean;
  silentReportDone: boolean;
  deadlines: TrackedDeadline[];
  statements: StatementRefV1[];
  /** statementPublished signals not yet applied by the main loop. */
  pendingPublications: StatementPublishedV1[];
  closedAt: string | null;
  finalReportRendered: boolean;
  /** How many runs came before this one (continue-as-new count). */
  generation: number;
  /** Counsel's holds, active and ended (absent in runs from before holds). */
  holds?: HoldStateV1[];
}

export interface IncidentRunOptionsV1 {
  /** Set by continue-as-new; never by the API. */
  carried?: IncidentCarriedStateV1;
  /** Test-only: continue as new after this many main-loop passes, whatever the history size. */
  continueAsNewAfterPasses?: number;
}

