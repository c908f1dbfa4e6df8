// kill -9 one of two worker processes in the middle of a declaration's
// fan-out: the other worker finishes it, and every recipient gets exactly one
// email and one text (the invalid number: its recorded fallback email).
//
// The kill lands outside the one window the notification activity documents
// as unavoidable (activities/notifications/index.ts: the provider accepted a
// message, the process died before the row was marked SENT; a retry then
// sends it again). The worker is frozen first (SIGSTOP); if a message it was
// sending has reached a sink while its row is still in flight, it is thawed
// and frozen again a moment later, otherwise it is killed where it stands.
// What it had claimed but not yet handed to a provider comes back through
// Temporal: the activity times out (30 s), and the retry takes the row over
// once the crashed attempt's send lease has expired (2 minutes).
import { startTopologySystem, type TopologySystem } from './harness/system';
import { addAldermen, declareSev1, eventually, sinkTally, sleep } from './harness/incidents';
import { parseConfig } from '../../lib/config';

const EXTRA_ALDERMEN = 60;

let sys: TopologySystem;

beforeAll(async () => {
  sys = await startTopologySystem({ workers: 2, apis: 1 });
  await addAldermen(sys.db, EXTRA_ALDERMEN);
});

afterAll(async () => {
  await sys?.stop();
});

/** Freezes the worker until it is caught outside the provider-accepted-but-not-recorded window, then kills it. */
async function killOutsideCrashWindow(incidentId: string): Promise<{ attempts: number; inFlightAtKill: number }> {
  const victim = sys.workers[0];
  for (let attempt = 1; attempt <= 30; attempt++) {
    victim.signal('SIGSTOP');
    // Anything the frozen worker had already written to a socket reaches the sinks meanwhile.
    await sleep(500);
    const inFlight = await sys.db.notification.findMany({
      where: { incidentId, status: 'PENDING', providerStatus: 'in-flight' },
      select: { id: true },
    });
    const { notificationIds } = sinkTally(sys);
    if (!inFlight.some((row) => notificationIds.has(row.id))) {
      victim.signal('SIGKILL');
      await victim.exited;
      return { attempts: attempt, inFlightAtKill: inFlight.length };
    }
    victim.signal('SIGCONT');
    await sleep(20 + Math.random() * 80);
  }
  throw new Error('the worker was inside the crash window at every try');
}

test('killing one of two workers during the fan-out loses and doubles nothing', async () => {
  const incident = await declareSev1(sys, 'Worker failover test');
  const recipients = await eventually(async () => {
    const rows = await sys.db.incidentRecipient.findMany({ where: { incidentId: incident.id, kind: 'PRIMARY' }, include: { person: true } });
    return rows.length > EXTRA_ALDERMEN && rows;
  }, 'recipients to be recorded');
  const reachable = recipients.filter((r) => r.person.phone && !r.person.phone.startsWith('+1555000'));
  const invalid = recipients.filter((r) => r.person.phone?.startsWith('+1555000'));
  const expectedMessages = recipients.length + reachable.length + invalid.length;

  // Some of the fan-out has reached the sinks, not all of it.
  await eventually(async () => sinkTally(sys).total >= 10, 'the fan-out to start', 30_000, 5);
  const killed = await killOutsideCrashWindow(incident.id);
  const killedAt = Date.now();
  const atKill = sinkTally(sys).total;
  console.log(
    `[worker-failover] killed ${sys.workers[0].name} (try ${killed.attempts}) with ${atKill}/${expectedMessages} messages delivered and ${killed.inFlightAtKill} sends in flight`,
  );
  expect(atKill).toBeLessThan(expectedMessages);

  await eventually(
    async () => {
      const { emailsTo, emailIdsTo, textsTo } = sinkTally(sys);
      return (
        recipients.every((r) => emailsTo.has(r.person.email)) &&
        reachable.every((r) => textsTo.has(r.person.phone!)) &&
        // The email that stands in for a refused text follows the declaration's batch, so it comes last.
        invalid.every((r) => (emailIdsTo.get(r.person.email)?.size ?? 0) >= 2)
      );
    },
    'every recipient to get their email and text (or its fallback email) from the surviving worker',
    240_000,
    500,
  );
  // Let late retries (if any) land before counting.
  await sleep(3_000);
  console.log(`[worker-failover] the surviving worker finished the fan-out ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill`);

  const { emailsTo, emailIdsTo, textsTo } = sinkTally(sys);
  // One email per person, by Message-ID. SMTP cannot be asked whether a relay accepted a message, so a kill
  // between the relay's 250 and the row's write sends that email again with the same Message-ID (mailbox
  // providers collapse it); at most one such copy per pooled SMTP connection of the killed worker.
  // Texts have no such window (Twilio's message list is asked first): exactly one each.
  let resent = 0;
  for (const r of reachable) {
    expect([r.person.email, emailIdsTo.get(r.person.email)?.size]).toEqual([r.person.email, 1]);
    resent += (emailsTo.get(r.person.email) ?? 0) - 1;
    expect([r.person.phone, textsTo.get(r.person.phone!)]).toEqual([r.person.phone, 1]);
  }
  for (const r of invalid) {
    // The declaration email and the recorded SMS fallback.
    expect([r.person.email, emailIdsTo.get(r.person.email)?.size]).toEqual([r.person.email, 2]);
    resent += (emailsTo.get(r.person.email) ?? 0) - 2;
    expect(textsTo.get(r.person.phone!)).toBeUndefined();
  }
  console.log(`[worker-failover] emails sent again with the same Message-ID after the kill: ${resent}`);
  // The topology's workers run with the default pool size (lib/config.ts). A declaration's emails go out
  // from one batch activity whose SENT writes are shared (activities/notifications/bulkRows.ts): an email
  // accepted while a write is under way waits for the next one, so the window holds at most one email per
  // connection being sent plus one per connection waiting for that write.
  expect(resent).toBeLessThanOrEqual(2 * parseConfig({}).SMTP_POOL_SIZE);
  const pending = await sys.db.notification.count({ where: { incidentId: incident.id, status: 'PENDING' } });
  expect(pending).toBe(0);
  expect(await sys.workers[0].exited).toBe('SIGKILL');
  expect(sys.workers[1].running()).toBe(true);
}, 290_000);
