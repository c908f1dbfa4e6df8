// What the start-up warm-up workflow may ask of its activity.

export interface WarmUpReportV1 {
  /** Database connections opened. */
  connections: number;
  /** Messages rendered (each template, channel and language once). */
  rendered: number;
  /** Delivery-log rows a rehearsed declaration wrote, all rolled back. */
  rehearsed?: number;
  /** Why the rehearsal failed, when it did (start-up goes on without it). */
  rehearsalFailed?: string;
  /** Whether the mail relay answered (a relay that does not is reported, not waited for). */
  relay?: 'answered' | 'no answer' | 'not asked';
  /** Whether the clock of the texts' send slots (shared by every worker) was measured. */
  smsClock?: 'measured' | 'not shared';
  ms: number;
}

export interface WarmUpActivities {
  warmUp(): Promise<WarmUpReportV1>;
}
