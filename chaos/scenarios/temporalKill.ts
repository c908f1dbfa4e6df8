// kill -9 of the Temporal server while an incident waits for acknowledgements,
// and a restart on the same data: the escalation to the backups and the report
// of who is silent must still go out. A policy file with a short
// acknowledgement window keeps this to a minute or two.
import { durationMs } from '../../domain/policy/schema';
import { expectIncidentMessages } from '../ledger';
import type { Knobs } from '../knobs';
import { sleep } from '../processes';
import { log, type ChaosSystem } from '../system';
import { declare, peopleForSeverity, resetCounters, result, retire, seconds, serverErrorCount, settle, type Scenario } from './common';

export function temporalKillScenario(knobs: Knobs): Scenario {
  return {
    name: `Temporal server kill -9 mid-escalation, restart on the same data (backups at ${knobs.ackBackupAfter})`,
    async run(system: ChaosSystem) {
      await system.usePolicy({ backupAfter: knobs.ackBackupAfter, reportSilentAfter: knobs.ackReportSilentAfter });
      resetCounters(system);
      const primaries = await peopleForSeverity(system, 1);
      const incident = await declare(system, 1, 'Chaos: Temporal server killed while waiting for acknowledgements');
      const backupDue = incident.declaredAt + durationMs(knobs.ackBackupAfter);
      const silentDue = incident.declaredAt + durationMs(knobs.ackReportSilentAfter);

      // Down from before the backups are due until after.
      await sleep(Math.max(0, backupDue - knobs.temporalDownMs / 2 - Date.now()));
      const { killedAt, backAt } = await system.restartTemporal(knobs.temporalDownMs);
      log(`  Temporal killed ${seconds(killedAt - incident.declaredAt)} after declaring, back ${seconds(backAt - killedAt)} later (backups due at ${seconds(backupDue - incident.declaredAt)})`);

      const silentWithBackup = primaries.filter((p) => p.backup?.active && p.backup.id !== p.id);
      const cityManagers = primaries.filter((p) => p.roles.includes('CITY_MANAGER'));
      const declared = expectIncidentMessages(incident.number, 'incident.declared', primaries.map((p) => ({ personId: p.id, channels: p.channels })));
      const escalations = expectIncidentMessages(
        incident.number,
        'incident.ack-escalation',
        silentWithBackup.map((p) => ({ personId: p.backup!.id, attemptGroup: p.id })),
      );
      // The city manager is told who is silent, and so is whoever stands in for a silent city manager.
      const silentReport = expectIncidentMessages(
        incident.number,
        'incident.silent-report',
        [...cityManagers.map((p) => p.id), ...cityManagers.flatMap((p) => (p.backup?.active ? [p.backup.id] : []))].map((personId) => ({ personId })),
      );
      const counted = await settle(system, [...declared, ...escalations, ...silentReport], [incident], silentDue - Date.now() + 180_000);
      const escalationTally = await settle(system, escalations, [incident], 0);
      const reportTally = await settle(system, silentReport, [incident], 0);
      const lateness = Math.max(
        escalationTally.lastArrivalAt ? escalationTally.lastArrivalAt - Math.max(backupDue, backAt) : 0,
        reportTally.lastArrivalAt ? reportTally.lastArrivalAt - Math.max(silentDue, backAt) : 0,
      );
      await retire(system, [incident]);
      await system.usePolicy(null);
      return result(this.name, 'messages', counted, {
        http5xx: serverErrorCount(system),
        worstDelayMs: Math.max(0, lateness),
        delayFrom: 'due (or server back)',
        checks: [
          { name: 'the backups were called after the restart', ok: escalationTally.lost === 0 && escalations.length > 0, detail: `${escalationTally.delivered}/${escalations.length} escalation messages` },
          { name: 'the silent were reported', ok: reportTally.lost === 0 && silentReport.length > 0, detail: `${reportTally.delivered}/${silentReport.length} report messages` },
        ],
        notes: [`server down ${seconds(backAt - killedAt)} around the backups' due time`],
      });
    },
  };
}
