// The system's own upkeep, run on Temporal Schedules: repairing workflows a
// crash left unstarted, and signing the audit chain's head.

/** What one reconciliation found and did. */
export interface ReconcileReportV1 {
  version: 1;
  incidentsChecked: number;
  incidentsStarted: string[];
  itemsChecked: number;
  itemsStarted: string[];
  /** Absent from reports taken before sessions were reconciled. */
  sessionsChecked?: number;
  sessionsStarted?: string[];
}

/** A signed checkpoint of the audit chain (lib/auditCheckpoint.ts); null when the chain is empty. */
export interface AuditCheckpointV1 {
  seq: string;
  headHash: string;
  signedAt: string;
  keyId: string;
  signature: string;
}

export interface MaintenanceActivities {
  /**
   * Active incidents and open plan items whose workflow never started (the
   * process that wrote them died before starting it), and scheduled sessions
   * still to come whose reminder workflow is not running: starts each, audited.
   */
  reconcileWorkflows(input: { olderThanMs?: number }): Promise<ReconcileReportV1>;
  /** Signs the audit chain's head with the checkpoint key and stores the checkpoint. */
  signAuditCheckpoint(input: Record<string, never>): Promise<AuditCheckpointV1 | null>;
}
