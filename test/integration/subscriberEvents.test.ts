// What residents hear of besides a published statement, on the whole system
// (Temporal dev server, PostgreSQL, the SMTP and SMS sinks, the worker and the
// API), from subscriptions made and confirmed as residents make them:
//  - the action plan's monthly report (workflows/plan.ts starts its public
//    fan-out after the snapshot): each PLAN_REPORT subscriber once, in their
//    language; subscribers to incidents only, nothing;
//  - a subscriber changes their language through the manage link in a
//    message, and their next message is in the new language;
//  - a missed incident deadline (workflows/incident/deadlines.ts starts its
//    public fan-out when the deadline falls overdue): each subscriber to all
//    incidents or to that incident once, in their language, with their own
//    unsubscribe link and headers; an unsubscribed one, nothing.
// The policy is the default one with the severity-3 holding statement due 20
// seconds after the declaration, so the deadline falls missed while the test
// watches.
import { DEFAULT_POLICY, parsePolicy, setCurrentPolicy } from '../../policy';
import { declareIncident, startTestSystem, type TestSystem } from '../harness/app';
import { eventually } from '../harness/eventually';
import { startWithOneSnapshotDue } from '../harness/planStart';
import { MANAGE_LINK, sinkReader, subscribeAndConfirm } from '../harness/subscribers';

const HOLDING_STATEMENT_DUE = '20s';
const FAST_HOLDING_STATEMENT = parsePolicy(
  {
    ...DEFAULT_POLICY,
    version: 'clayton-2026.5-holding-statement-in-seconds',
    deadlines: DEFAULT_POLICY.deadlines.map((d) => (d.key === 'holding_statement' ? { ...d, dueAfter: { ...d.dueAfter, '3': HOLDING_STATEMENT_DUE } } : d)),
  },
  'test policy',
);

let sys: TestSystem;
const { mailTo, textsTo } = sinkReader(() => sys.sinks);

beforeAll(async () => {
  setCurrentPolicy(FAST_HOLDING_STATEMENT);
  sys = await startTestSystem({ smsCallbackDelaysMs: [10, 10] });
}, 120_000);

afterAll(async () => {
  await sys?.stop();
  setCurrentPolicy(DEFAULT_POLICY);
});

/** Reports and incidents, in English; switches to Spanish after the report. */
const ANA = 'ana.reports@example.net';
/** Reports only, in Spanish. */
const ROSA = 'rosa.informes@example.net';
/** Every incident, in English, by email and by text. */
const BEN = 'ben.incidents@example.net';
const BEN_PHONE = '+13145550166';
/** Every incident and the reports, unsubscribed before either. */
const GONE = 'gone.away@example.net';
/** The one incident, in Spanish, subscribed once it is declared. */
const LUCIA = 'lucia.incidente@example.net';

const ids: Record<string, string> = {};
let planId = '';
let number = '';

/** Waits for an event's fan-out workflow to have started and finished. */
async function fanOutFinished(eventKey: string, timeoutMs: number): Promise<void> {
  const handle = sys.temporal.workflow.getHandle(`public-fan-out-${eventKey}`);
  await eventually(() => handle.describe().then(() => true), `the fan-out ${eventKey} to start`, timeoutMs);
  await handle.result();
}

/** Who was sent `purpose`, as subscription ids (one row per message). */
const sentTo = async (purpose: string) =>
  (await sys.db.notification.findMany({ where: { purpose }, select: { subscriptionId: true, status: true } })).map((n) => {
    expect(n.status).not.toBe('PENDING');
    return n.subscriptionId;
  });

/** The unsubscribe address of a message: its List-Unsubscribe header, which the text repeats. */
function unsubscribeLinkOf(mail: { headers: Record<string, string>; text: string | null }): string {
  expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
  const url = /^<(https?:\/\/\S+\/subscriptions\/[\w.-]+\/unsubscribe)>$/.exec(mail.headers['list-unsubscribe'])?.[1];
  if (!url) throw new Error(`no unsubscribe header in ${JSON.stringify(mail.headers)}`);
  expect(mail.text).toContain(url);
  return url;
}

describe('residents hear of the monthly report and of missed deadlines', () => {
  it('residents subscribe and confirm; one unsubscribes with one click from the welcome', async () => {
    const subscribed = await Promise.all([
      subscribeAndConfirm(sys, { channel: 'EMAIL', address: ANA, language: 'en', topics: [{ topic: 'PLAN_REPORT' }, { topic: 'ALL_INCIDENTS' }] }),
      subscribeAndConfirm(sys, { channel: 'EMAIL', address: ROSA, language: 'es', topics: [{ topic: 'PLAN_REPORT' }] }),
      subscribeAndConfirm(sys, { channel: 'EMAIL', address: BEN, language: 'en', topics: [{ topic: 'ALL_INCIDENTS' }] }),
      subscribeAndConfirm(sys, { channel: 'SMS', address: '314-555-0166', language: 'en', topics: [{ topic: 'ALL_INCIDENTS' }] }),
      subscribeAndConfirm(sys, { channel: 'EMAIL', address: GONE, language: 'en', topics: [{ topic: 'ALL_INCIDENTS' }, { topic: 'PLAN_REPORT' }] }),
    ]);
    [ids.ana, ids.rosa, ids.ben, ids.benPhone, ids.gone] = subscribed.map((s) => s.id);
    expect(subscribed[3].address).toBe(BEN_PHONE);

    const welcome = mailTo(GONE).find((m) => m.headers['list-unsubscribe']);
    const oneClick = await fetch(unsubscribeLinkOf(welcome!), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(oneClick.status).toBe(200);
    expect((await sys.db.subscription.findUniqueOrThrow({ where: { id: ids.gone } })).status).toBe('UNSUBSCRIBED');
  });

  it("the plan's monthly report reaches each PLAN_REPORT subscriber once, in their language, and no one subscribed to incidents only", async () => {
    const created = await sys.request('/api/plans', {
      method: 'POST',
      as: 'CITY_MANAGER',
      json: { title: 'Clayton engagement plan', startDate: startWithOneSnapshotDue(sys.config.CITY_TIME_ZONE), goals: [{ number: 1, title: 'Engagement' }] },
    });
    expect(created.status).toBe(202);
    planId = ((await created.json()) as { id: string }).id;
    await fanOutFinished(`plan-report-${planId}-1`, 30_000);
    const { period } = await sys.db.dashboardSnapshot.findUniqueOrThrow({ where: { planId_month: { planId, month: 1 } } });

    expect((await sentTo('public.plan-report')).sort()).toEqual([ids.ana, ids.rosa].sort());

    const english = mailTo(ANA).filter((m) => m.subject.includes('progress report'));
    expect(english.map((m) => m.subject)).toEqual([`Clayton engagement plan: progress report for ${period}`]);
    expect(english[0].text).toContain(`The monthly progress report for Clayton engagement plan (${period}) is published.`);
    expect(english[0].text).toContain(`/plans/${planId}?lang=en`);
    unsubscribeLinkOf(english[0]);

    const spanish = mailTo(ROSA).filter((m) => m.subject.includes('informe de avance'));
    expect(spanish.map((m) => m.subject)).toEqual([`Clayton engagement plan: informe de avance de ${period}`]);
    expect(spanish[0].text).toContain(`Se publicó el informe mensual de avance de Clayton engagement plan (${period}).`);
    expect(spanish[0].text).toContain(`/plans/${planId}?lang=es`);
    expect(spanish[0].html).toContain('<html lang="es">');
    unsubscribeLinkOf(spanish[0]);

    // Incidents only, or unsubscribed: the welcome was their last message.
    for (const address of [BEN, GONE]) expect(mailTo(address).filter((m) => m.subject.includes(period))).toEqual([]);
    expect(textsTo(BEN_PHONE).filter((m) => m.body.includes('progress report'))).toEqual([]);
  });

  it('a subscriber switches to Spanish through the manage link in that report', async () => {
    const report = mailTo(ANA).find((m) => m.subject.includes('progress report'))!;
    const manage = MANAGE_LINK.exec(report.text ?? '')?.[0];
    if (!manage) throw new Error(`no manage link in ${report.text}`);
    const page = await fetch(manage);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toMatch(/<option value="en" lang="en" selected>/);

    const changed = await fetch(`${manage}/language`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'language=es', redirect: 'manual' });
    expect(changed.status).toBe(303);
    const after = await fetch(new URL(changed.headers.get('location')!, manage));
    const spanishPage = await after.text();
    expect(spanishPage).toContain('<html lang="es">');
    expect(spanishPage).toMatch(/<option value="es" lang="es" selected>/);
    expect((await sys.db.subscription.findUniqueOrThrow({ where: { id: ids.ana } })).language).toBe('es');

    // A language the city does not write in changes nothing.
    const refused = await fetch(`${manage}/language`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'language=xx', redirect: 'manual' });
    expect(refused.status).toBe(400);
    expect((await sys.db.subscription.findUniqueOrThrow({ where: { id: ids.ana } })).language).toBe('es');
  });

  it('a holding statement deadline missed reaches every incident subscriber once, in their language, with their own unsubscribe link; the unsubscribed hear nothing', async () => {
    number = await declareIncident(sys, { type: 'PUBLIC_MEDIA_ATTENTION', severity: 3, title: 'Video of an arrest on Forsyth Blvd', summary: 'A video of an arrest is widely shared.' });
    const lucia = await subscribeAndConfirm(sys, { channel: 'EMAIL', address: LUCIA, language: 'es', topics: [{ topic: 'INCIDENT', incident: number }] });
    ids.lucia = lucia.id;
    const incident = await sys.db.incident.findUniqueOrThrow({ where: { number } });
    expect(incident.policyVersion).toBe(FAST_HOLDING_STATEMENT.version);
    const holding = await eventually(() => sys.db.deadline.findFirst({ where: { incidentId: incident.id, key: 'holding_statement' } }), 'the holding statement deadline');
    expect(holding.dueAt.getTime() - incident.declaredAt.getTime()).toBe(20_000);
    // Only subscriptions confirmed by the time the deadline fell due hear of it.
    expect(lucia.confirmedAt!.getTime()).toBeLessThan(holding.dueAt.getTime());

    await fanOutFinished(`deadline-missed-${number}-holding_statement`, 60_000);
    expect((await sys.db.deadline.findUniqueOrThrow({ where: { id: holding.id } })).status).toBe('MISSED');
    expect((await sentTo('public.deadline-missed')).sort()).toEqual([ids.ana, ids.ben, ids.benPhone, ids.lucia].sort());

    const english = mailTo(BEN).filter((m) => m.subject.startsWith('Deadline missed'));
    expect(english.map((m) => m.subject)).toEqual([`Deadline missed: Holding statement (${number})`]);
    expect(english[0].text).toContain(`required the “Holding statement” for incident ${number} by`);
    expect(english[0].text).toContain(`/incidents/${number}?lang=en`);
    expect(unsubscribeLinkOf(english[0])).not.toBe(unsubscribeLinkOf(mailTo(ANA).find((m) => m.subject.includes('progress report'))!));

    // Spanish for the incident's own subscriber and for the one who switched after the report.
    for (const address of [LUCIA, ANA]) {
      const spanish = mailTo(address).filter((m) => m.subject.startsWith('Plazo incumplido'));
      expect({ address, subjects: spanish.map((m) => m.subject) }).toEqual({ address, subjects: [`Plazo incumplido: «Comunicado inicial» (${number})`] });
      expect(spanish[0].text).toContain(`exigía publicar «Comunicado inicial» del incidente ${number} a más tardar el`);
      expect(spanish[0].text).toContain(`/incidents/${number}?lang=es`);
      expect(spanish[0].html).toContain('<html lang="es">');
      unsubscribeLinkOf(spanish[0]);
    }
    expect(mailTo(ANA).filter((m) => m.subject.startsWith('Deadline missed'))).toEqual([]);

    const texts = textsTo(BEN_PHONE).filter((m) => m.body.includes('was due and has not been published'));
    expect(texts).toHaveLength(1);
    expect(texts[0].body).toContain(`Incident ${number}: the “Holding statement” was due and has not been published.`);
    expect(texts[0].body).toContain('Reply STOP to stop');

    // Plan reports only, or unsubscribed: nothing.
    expect(mailTo(ROSA).filter((m) => m.subject.includes(number))).toEqual([]);
    expect(mailTo(GONE).filter((m) => m.subject.includes(number))).toEqual([]);
    expect((await sys.db.notification.findMany({ where: { subscriptionId: ids.gone }, select: { purpose: true } })).map((n) => n.purpose).sort()).toEqual([
      'subscription.confirm',
      'subscription.welcome',
    ]);
  }, 90_000);
});
