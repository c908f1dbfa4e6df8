// The Temporal server crashes (kill -9) and comes back in the middle of an
// acknowledgement window: the escalation to the backups still fires on time,
// because the timer lives in the server's database, not in any process.
// A policy file (POLICY_FILE) shortens the window to 40 seconds.
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_POLICY } from '../../policy';
import { runScript, scriptEnv, topologyInfo } from './harness/infra';
import { declareSev1, eventually, sleep } from './harness/incidents';
import { startTopologySystem, type TopologySystem } from './harness/system';

const BACKUP_AFTER_S = 40;
const SHORT_ACK_VERSION = `${DEFAULT_POLICY.version}-topology-short-ack`;
/** Timer, workflow task, activity and SMTP on a busy 2-core machine. */
const ON_TIME_TOLERANCE_S = 15;

let sys: TopologySystem;
let policyFile: string;

beforeAll(async () => {
  const info = topologyInfo();
  policyFile = path.join(info.dataDir, 'policy-short-ack.json');
  const policy = structuredClone(DEFAULT_POLICY);
  policy.version = SHORT_ACK_VERSION;
  policy.acknowledgement.backupAfter = `${BACKUP_AFTER_S}s`;
  // The call ladder must end before backupAfter, which a 40-second window cannot hold; this test is about
  // the timer surviving the crash, and calls have their own tests (ackCalls, callAndReplyAcknowledgement).
  delete policy.acknowledgement.calls;
  fs.writeFileSync(policyFile, JSON.stringify(policy));
  sys = await startTopologySystem({ workers: 2, apis: 1, env: { POLICY_FILE: policyFile } });
});

afterAll(async () => {
  await sys?.stop();
});

test('an escalation due during a Temporal server crash and restart fires on time', async () => {
  const incident = await declareSev1(sys, 'Temporal restart test');
  const recorded = await sys.db.incident.findUniqueOrThrow({ where: { id: incident.id } });
  expect(recorded.policyVersion).toBe(SHORT_ACK_VERSION);
  const primaries = await eventually(async () => {
    const rows = await sys.db.incidentRecipient.findMany({ where: { incidentId: incident.id, kind: 'PRIMARY' } });
    return rows.length > 0 && rows;
  }, 'recipients to be recorded');
  // The rows are written just after the workflow notes its notification time: allow for the gap.
  const notifiedAt = Math.min(...primaries.map((r) => r.notifiedAt.getTime()));
  const dueAt = notifiedAt + BACKUP_AFTER_S * 1000;
  const ROW_SLACK_MS = 2_000;

  await sleep(10_000);
  const { dataDir, ports } = sys.info;
  const serverPid = Number(fs.readFileSync(path.join(dataDir, 'pids', 'temporal.pid'), 'utf8'));
  process.kill(-serverPid, 'SIGKILL');
  const crashedAt = Date.now();
  await sleep(3_000);
  runScript('scripts/topology/temporal-server.sh', ['start'], scriptEnv(dataDir, ports));
  const servingAt = Date.now();
  console.log(`[temporal-restart] server down for ${((servingAt - crashedAt) / 1000).toFixed(1)} s, ${((dueAt - servingAt) / 1000).toFixed(1)} s before the escalation was due`);
  expect(servingAt).toBeLessThan(dueAt);

  const escalationMail = await eventually(
    async () => {
      const rows = await sys.db.notification.findMany({ where: { incidentId: incident.id, purpose: 'incident.ack-escalation', channel: 'EMAIL' } });
      const ids = new Set(rows.map((row) => row.id));
      return sys.sinks.mail.messages().find((mail) => ids.has(mail.headers['x-common-ground-notification']));
    },
    'the backups to be emailed',
    BACKUP_AFTER_S * 1000 + 60_000,
    200,
  );
  const lateBy = (Date.parse(escalationMail.receivedAt) - dueAt) / 1000;
  console.log(`[temporal-restart] first escalation email accepted ${lateBy.toFixed(1)} s after it was due`);
  expect(lateBy * 1000).toBeGreaterThanOrEqual(-ROW_SLACK_MS);
  expect(lateBy).toBeLessThan(ON_TIME_TOLERANCE_S);

  const escalated = await sys.db.incidentRecipient.findMany({ where: { incidentId: incident.id, kind: 'PRIMARY', escalatedToBackupAt: { not: null } } });
  expect(escalated.length).toBeGreaterThan(0);
  for (const primary of escalated) {
    expect(primary.escalatedToBackupAt!.getTime()).toBeGreaterThanOrEqual(dueAt - ROW_SLACK_MS);
  }
});
