// How big and how long each scenario is. `npm run chaos` uses the full sizes
// of issue 8; CHAOS_SHORT=1 (CI) runs the same scenarios with fewer rounds,
// smaller bursts and shorter outages. Every knob can be set on its own.

export interface Knobs {
  short: boolean;
  scenarios: string[] | null;
  /** Sev-1 fan-out: this many people, each by email and SMS. */
  recipients: number;
  workerKills: number;
  /** A kill lands at a random moment within this long after the declaration's answer. */
  killWindowMs: number;
  /** Every message of an interrupted declaration must arrive within this long of a worker being back. */
  deliveryTargetMs: number;
  temporalDownMs: number;
  ackBackupAfter: string;
  ackReportSilentAfter: string;
  storm429: number;
  storm500: number;
  outageMs: number;
  smsPerSecond: number;
  burstDeclarations: number;
  burstReads: number;
  csvItems: number;
}

function number(name: string, full: number, short: number, isShort: boolean): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return isShort ? short : full;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number`);
  return value;
}

export function readKnobs(): Knobs {
  const short = ['1', 'true'].includes(process.env.CHAOS_SHORT ?? '');
  const list = process.env.CHAOS_SCENARIOS?.split(',').map((s) => s.trim()).filter(Boolean);
  const backupAfterSeconds = number('CHAOS_ACK_BACKUP_AFTER_SECONDS', 30, 20, short);
  return {
    short,
    scenarios: list && list.length > 0 ? list : null,
    recipients: number('CHAOS_RECIPIENTS', 50, 50, short),
    workerKills: number('CHAOS_WORKER_KILLS', 20, 3, short),
    killWindowMs: number('CHAOS_KILL_WINDOW_MS', 2_500, 2_500, short),
    deliveryTargetMs: number('CHAOS_DELIVERY_TARGET_SECONDS', 30, 30, short) * 1000,
    temporalDownMs: number('CHAOS_TEMPORAL_DOWN_SECONDS', 20, 8, short) * 1000,
    ackBackupAfter: `${backupAfterSeconds}s`,
    ackReportSilentAfter: `${backupAfterSeconds * 2}s`,
    storm429: number('CHAOS_STORM_429', 40, 20, short),
    storm500: number('CHAOS_STORM_500', 40, 20, short),
    outageMs: number('CHAOS_OUTAGE_SECONDS', 120, 20, short) * 1000,
    smsPerSecond: number('CHAOS_SMS_PER_SECOND', 10, 10, short),
    burstDeclarations: number('CHAOS_BURST_DECLARATIONS', 200, 40, short),
    burstReads: number('CHAOS_BURST_READS', 500, 100, short),
    csvItems: number('CHAOS_CSV_ITEMS', 2_000, 300, short),
  };
}
