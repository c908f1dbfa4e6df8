/**
 * npm run bench:fanout
 *
 * A published statement told to BENCH_SUBSCRIBERS (10,000) residents: from
 * the publication to the last message accepted by the sinks. The whole system
 * as command (a) wires it, each part its own process (chaos/system.ts). The
 * SMS sink enforces the configured per-sender rate as a carrier does (429
 * past SMS_SENDS_PER_SECOND texts in any second from one number), so the run
 * shows the texts go out at that rate and never faster, and the emails at
 * BENCH_MIN_EMAILS_PER_SECOND (200) or more.
 *
 * The subscribers are fixtures written straight to the database as confirmed
 * subscriptions (the double opt-in is not what is measured); everything else
 * goes through the API: declaration, draft, approval, publication.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ChaosSystem, setLogLabel } from '../chaos/system';
import { REPO_ROOT } from '../test/harness/paths';
import { benchmarkReport, writeReport, type Figure } from './report';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 10_000);
/** One subscriber in this many by text; the others by email. */
const SMS_EVERY = Number(process.env.BENCH_SMS_EVERY ?? 10);
const SMS_PER_SECOND = Number(process.env.BENCH_SMS_PER_SECOND ?? 30);
const MIN_EMAILS_PER_SECOND = Number(process.env.BENCH_MIN_EMAILS_PER_SECOND ?? 200);
const TIMEOUT_MS = 15 * 60_000;

async function main(): Promise<void> {
  setLogLabel('bench:fanout');
  const dataDir = path.join(REPO_ROOT, '.data', `bench-fanout-${process.pid}`);
  const system = new ChaosSystem({ dataDir, smsSendsPerSecond: SMS_PER_SECOND, sev1Recipients: 0, smsSinkMaxPerSecond: SMS_PER_SECOND });
  await system.start();
  try {
    const texts = Math.floor(SUBSCRIBERS / SMS_EVERY);
    const emails = SUBSCRIBERS - texts;
    console.log(`bench:fanout: ${SUBSCRIBERS} subscribers (${emails} by email, ${texts} by text), SMS at ${SMS_PER_SECOND}/s per sender, enforced by the sink`);
    const confirmedAt = new Date(Date.now() - 86_400_000);
    for (let i = 0; i < SUBSCRIBERS; i += 1000) {
      const rows = Array.from({ length: Math.min(1000, SUBSCRIBERS - i) }, (_, k) => {
        const n = i + k;
        const bySms = n % SMS_EVERY === 0;
        return {
          id: `bench-sub-${String(n).padStart(6, '0')}`,
          channel: bySms ? ('SMS' as const) : ('EMAIL' as const),
          address: bySms ? `+1314559${String(n / SMS_EVERY).padStart(4, '0')}` : `resident.${n}@example.org`,
          language: n % 3 === 0 ? 'es' : 'en',
          status: 'ACTIVE' as const,
          confirmedAt,
        };
      });
      await system.db.subscription.createMany({ data: rows });
      await system.db.subscriptionTopic.createMany({ data: rows.map((r) => ({ subscriptionId: r.id, topic: 'ALL_INCIDENTS' as const })) });
    }

    const policy = (await system.request('/api/policy')).body as { definition: { types: { key: string }[] } };
    const declared = await system.request('/api/incidents', {
      as: 'CITY_MANAGER',
      json: { type: policy.definition.types[0].key, severity: 3, title: 'Benchmark incident', summary: 'Benchmark declaration; fictional.' },
    });
    const { number } = declared.body as { number: string };
    const drafted = await system.request(`/api/incidents/${number}/statements`, {
      as: 'POLICE_CHIEF',
      json: { kind: 'HOLDING_STATEMENT', title: 'Benchmark statement', body: 'A fictional statement for the fan-out benchmark.' },
    });
    if (drafted.status !== 201) throw new Error(`draft answered ${drafted.status}: ${JSON.stringify(drafted.body)}`);
    const { statementId } = drafted.body as { statementId: string };
    system.sinks.mail.clear();
    system.sinks.sms.clear();
    // Severity 3: the PIO alone approves, once the statement's workflow has taken the draft.
    for (let attempt = 1; ; attempt++) {
      const decided = await system.request(`/api/statements/${statementId}/decisions`, { as: 'PIO', json: { version: 1, decision: 'APPROVE' } });
      if (decided.status === 200) break;
      if (attempt >= 100) throw new Error(`the approval answered ${decided.status}: ${JSON.stringify(decided.body)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const published = performance.now();

    // Counted in the delivery log (one row per message, SENT once the provider took it). The log is
    // only read once the sinks hold every message: counting it four times a second cost the database
    // as much as a tenth of the fan-out's own work.
    const accepted = (channel: 'EMAIL' | 'SMS') =>
      system.db.notification.count({ where: { subscriptionId: { not: null }, channel, status: { in: ['SENT', 'DELIVERED'] } } });
    // Texts to subscribers the sink took in (201), as a carrier counts them.
    const subscriberTexts = () => system.sinks.sms.createRequests().filter((r) => r.httpStatus === 201 && r.to.startsWith('+1314559'));
    const inSink = {
      // The officials' few emails count here too; the delivery log, read next, counts residents' alone.
      EMAIL: () => system.sinks.mail.acceptedCount(),
      SMS: () => subscriberTexts().length,
    };
    const done = async (channel: 'EMAIL' | 'SMS', expected: number) => inSink[channel]() >= expected && (await accepted(channel)) >= expected;
    let emailsDoneMs = NaN;
    let textsDoneMs = NaN;
    for (;;) {
      const now = performance.now() - published;
      if (Number.isNaN(emailsDoneMs) && (await done('EMAIL', emails))) emailsDoneMs = performance.now() - published;
      if (Number.isNaN(textsDoneMs) && (await done('SMS', texts))) textsDoneMs = performance.now() - published;
      if (!Number.isNaN(emailsDoneMs) && !Number.isNaN(textsDoneMs)) break;
      if (now > TIMEOUT_MS) throw new Error(`after ${TIMEOUT_MS} ms: ${await accepted('EMAIL')} of ${emails} emails, ${await accepted('SMS')} of ${texts} texts`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const rejected = system.sinks.sms.createRequests().filter((r) => r.httpStatus === 429).length;
    // When the sink took each text in.
    const sent = subscriberTexts()
      .map((r) => r.at)
      .sort((a, b) => a - b);
    const textSeconds = (sent[sent.length - 1] - sent[0]) / 1000;
    const textRate = (sent.length - 1) / textSeconds;
    let busiest = 0;
    for (let i = 0, j = 0; i < sent.length; i++) {
      while (sent[i] - sent[j] >= 1000) j++;
      busiest = Math.max(busiest, i - j + 1);
    }
    const emailRate = emails / (emailsDoneMs / 1000);
    console.log(`emails: ${emails} in ${(emailsDoneMs / 1000).toFixed(1)} s (${emailRate.toFixed(0)}/s)`);
    console.log(`texts: ${texts} in ${(textsDoneMs / 1000).toFixed(1)} s, ${textRate.toFixed(1)}/s between the first and the last, busiest second ${busiest}, 429s from the sink ${rejected}`);

    const figures: Figure[] = [
      { name: `Emails to ${emails.toLocaleString('en-US')} subscribers`, value: Math.round(emailRate), unit: 'emails/s', target: `>= ${MIN_EMAILS_PER_SECOND}`, met: emailRate >= MIN_EMAILS_PER_SECOND },
      // The sender is paced at its rate per 1.1 s (27.3/s for 30), the carrier's second plus the request's way;
      // first to last, within one text a second of that.
      { name: `Texts to ${texts.toLocaleString('en-US')} subscribers, rate first to last`, value: Number(textRate.toFixed(1)), unit: 'texts/s', target: `${(SMS_PER_SECOND / 1.1 - 1).toFixed(1)} to ${SMS_PER_SECOND}`, met: textRate <= SMS_PER_SECOND && textRate >= SMS_PER_SECOND / 1.1 - 1 },
      { name: 'Busiest second of texts', value: busiest, unit: 'texts', target: `<= ${SMS_PER_SECOND}`, met: busiest <= SMS_PER_SECOND },
      { name: '429s from the rate-enforcing SMS sink', value: rejected, unit: '', target: '0', met: rejected === 0 },
      { name: 'Publication to the last subscriber message', value: Number((Math.max(emailsDoneMs, textsDoneMs) / 1000).toFixed(1)), unit: 's', target: null, met: null },
    ];
    writeReport(benchmarkReport('fanout', 'npm run bench:fanout', figures, { subscribers: SUBSCRIBERS, emails, texts, smsPerSecond: SMS_PER_SECOND }));
    if (figures.some((f) => f.met === false)) process.exitCode = 1;
  } finally {
    await system.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
