// Residents in the loop, on the whole system (Temporal dev server, PostgreSQL,
// the SMTP and SMS sinks, the worker and the API): a resident subscribes by
// email in Spanish and confirms with the link; another by text and confirms
// with YES; a newsroom is on the media list. A statement written in English
// and Spanish is published: the officials of the four parties, the newsroom
// and both subscribers hear of it once each, in their language, with a
// one-click unsubscribe. Then STOP, START and HELP by text, the one-click
// unsubscribe, the subscriber's export and deletion, and nothing of any of
// it on the public pages, feeds or API.
import { declareIncident, startTestSystem, type TestSystem } from '../harness/app';
import { eventually } from '../harness/eventually';
import { linkIn, sinkReader, twimlText } from '../harness/subscribers';
import { ERASED } from '../../lib/subscriptionData';
import { createMailer, createSmsClient } from '../../activities/notifications/providers';
import { createPublicFanOutActivities } from '../../activities/publicFanOut';

let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem({ smsCallbackDelaysMs: [10, 10] });
}, 120_000);

afterAll(async () => {
  await sys?.stop();
});

const RESIDENT_EMAIL = 'vecina.clayton@example.net';
const RESIDENT_PHONE = '+13145550177';
const NEWSROOM = 'newsdesk@example.com';
const NEIGHBOUR_EMAIL = 'vecino.maryland@example.net';

const { mailTo, textsTo } = sinkReader(() => sys.sinks);
const path = (url: string) => new URL(url).pathname;

let number = '';
let statementId = '';

describe('subscriptions on the running system', () => {
  it('a resident asks for updates by email in Spanish, gets the confirmation in Spanish, and confirms with the link', async () => {
    const res = await sys.request('/api/public/subscriptions', {
      method: 'POST',
      json: { channel: 'EMAIL', address: ' Vecina.Clayton@Example.net ', language: 'es', topics: [{ topic: 'ALL_INCIDENTS' }, { topic: 'PLAN_REPORT' }] },
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: 'PENDING', channel: 'EMAIL' });

    const confirm = await eventually(async () => mailTo(RESIDENT_EMAIL).find((m) => m.subject.startsWith('Confirme su suscripción')), 'the confirmation email');
    expect(confirm.text).toContain('las actualizaciones públicas de todos los incidentes críticos; el informe mensual de avance del plan de acción');
    const confirmUrl = linkIn(confirm.text, /https?:\/\/\S+\/subscriptions\/confirm\/[\w.-]+/);
    const subscription = await sys.db.subscription.findFirstOrThrow({ where: { address: RESIDENT_EMAIL } });
    expect(subscription).toMatchObject({ status: 'PENDING', language: 'es', channel: 'EMAIL' });

    // Opening the link only asks (a mail scanner that follows links confirms nothing).
    const page = await fetch(confirmUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Confirme su suscripción');
    expect((await sys.db.subscription.findUniqueOrThrow({ where: { id: subscription.id } })).status).toBe('PENDING');

    const confirmed = await fetch(confirmUrl, { method: 'POST' });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain('Su suscripción está confirmada');
    expect((await sys.db.subscription.findUniqueOrThrow({ where: { id: subscription.id } })).status).toBe('ACTIVE');
    const welcome = await eventually(async () => mailTo(RESIDENT_EMAIL).find((m) => m.subject.includes('está confirmada')), 'the welcome email');
    expect(welcome.headers['list-unsubscribe']).toMatch(/^<https?:\/\/\S+\/subscriptions\/[\w.-]+\/unsubscribe>$/);
  });

  it('an incident is declared at severity 3: the Board of Aldermen and the Mayor are told by email only', async () => {
    number = await declareIncident(sys, { type: 'PUBLIC_MEDIA_ATTENTION', severity: 3, title: 'Video of a stop on Maryland Ave', summary: 'A video of a traffic stop is widely shared.' });
    const incident = await sys.db.incident.findUniqueOrThrow({ where: { number } });
    expect(incident.policyVersion).toBe('clayton-2026.5');
    const { people } = sys.roster;
    await eventually(async () => {
      const rows = await sys.db.notification.findMany({ where: { incidentId: incident.id, purpose: 'incident.declared' } });
      const channelsOf = (personId: string) => rows.filter((n) => n.personId === personId).map((n) => n.channel).sort();
      return (
        channelsOf(people.alderman2.id).join() === 'EMAIL' &&
        channelsOf(people.mayor.id).join() === 'EMAIL' &&
        channelsOf(people.pio.id).join() === 'EMAIL,SMS' &&
        channelsOf(people.cityManager.id).join() === 'EMAIL,SMS'
      );
    }, 'the declaration to reach the Board by email and the operational team by email and text');
  });

  it('a resident asks for one incident by text and confirms by replying YES', async () => {
    const res = await sys.request('/api/public/subscriptions', {
      method: 'POST',
      json: { channel: 'SMS', address: '(314) 555-0177', language: 'en', topics: [{ topic: 'INCIDENT', incident: number }] },
    });
    expect(res.status).toBe(202);
    const ask = await eventually(async () => textsTo(RESIDENT_PHONE).find((m) => m.body.includes('reply YES')), 'the confirmation text');
    expect(ask.body).toContain(`public updates on incident ${number}`);
    const answer = await sys.sinks.sms.reply({ from: RESIDENT_PHONE, body: 'yes' });
    expect(twimlText(answer.body)).toContain('your subscription to City of Clayton updates is confirmed');
    expect(await sys.db.subscription.findFirstOrThrow({ where: { address: RESIDENT_PHONE } })).toMatchObject({ status: 'ACTIVE', channel: 'SMS' });
  });

  it('a resident asks for this one incident by email in Spanish and confirms with the link', async () => {
    const res = await sys.request('/api/public/subscriptions', {
      method: 'POST',
      json: { channel: 'EMAIL', address: NEIGHBOUR_EMAIL, language: 'es', topics: [{ topic: 'INCIDENT', incident: number }] },
    });
    expect(res.status).toBe(202);
    const confirm = await eventually(async () => mailTo(NEIGHBOUR_EMAIL).find((m) => m.subject.startsWith('Confirme su suscripción')), 'the confirmation email');
    const confirmed = await fetch(linkIn(confirm.text, /https?:\/\/\S+\/subscriptions\/confirm\/[\w.-]+/), { method: 'POST' });
    expect(confirmed.status).toBe(200);
    expect(await sys.db.subscription.findFirstOrThrow({ where: { address: NEIGHBOUR_EMAIL } })).toMatchObject({ status: 'ACTIVE', language: 'es' });
  });

  it('the PIO puts a newsroom on the media list; staff without the permission cannot, and nobody can list residents', async () => {
    const added = await sys.request('/api/media-list', { method: 'POST', as: 'PIO', json: { outlet: 'Clayton Courier', email: NEWSROOM, language: 'en' } });
    expect(added.status).toBe(201);
    expect((await sys.request('/api/media-list', { method: 'POST', as: 'PIO', json: { outlet: 'Again', email: NEWSROOM } })).status).toBe(409);
    expect((await sys.request('/api/media-list', { as: 'ALDERMAN' })).status).toBe(403);
    const list = (await (await sys.request('/api/media-list', { as: 'PIO' })).json()) as { contacts: { email: string }[] };
    expect(list.contacts.map((c) => c.email)).toEqual([NEWSROOM]);
  });

  it('a statement published in English and Spanish reaches the officials, the newsroom and each subscriber once, in their language', async () => {
    const drafted = await sys.request(`/api/incidents/${number}/statements`, {
      method: 'POST',
      as: 'POLICE_CHIEF',
      json: {
        kind: 'HOLDING_STATEMENT',
        title: 'Statement on the Maryland Ave video',
        body: 'The department has seen the video and opened a review.',
        translations: { es: { title: 'Comunicado sobre el video de Maryland Ave', body: 'El departamento vio el video y abrió una revisión.' } },
      },
    });
    expect(drafted.status).toBe(201);
    statementId = ((await drafted.json()) as { statementId: string }).statementId;
    // Severity 3: the PIO alone approves.
    await eventually(async () => {
      const decided = await sys.request(`/api/statements/${statementId}/decisions`, { method: 'POST', as: 'PIO', json: { version: 1, decision: 'APPROVE' } });
      return decided.status === 200;
    }, 'the PIO to approve');
    await eventually(async () => (await sys.db.statement.findUniqueOrThrow({ where: { id: statementId } })).status === 'PUBLISHED', 'the publication');

    const spanish = await eventually(async () => mailTo(RESIDENT_EMAIL).find((m) => m.subject.startsWith('Nuevo comunicado')), 'the statement in Spanish to the resident');
    expect(spanish.subject).toBe(`Nuevo comunicado: Comunicado sobre el video de Maryland Ave (${number})`);
    expect(spanish.text).toContain('El departamento vio el video y abrió una revisión.');
    expect(spanish.text).toContain('se publicó a tiempo');
    expect(spanish.text).toContain(`/incidents/${number}?lang=es`);
    expect(spanish.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    const unsubscribeUrl = /^<(.+)>$/.exec(spanish.headers['list-unsubscribe'])![1];
    expect(spanish.text).toContain(unsubscribeUrl);

    const text = await eventually(async () => textsTo(RESIDENT_PHONE).find((m) => m.body.includes('New statement')), 'the statement by text');
    expect(text.body).toContain('Statement on the Maryland Ave video');
    expect(text.body).toContain('It meets the “Holding statement” deadline, on time.');

    // The deadline met reaches the incident's own subscriber once, in Spanish, with the statement that met it.
    const met = await eventually(async () => mailTo(NEIGHBOUR_EMAIL).find((m) => m.subject.startsWith('Nuevo comunicado')), 'the deadline met to the incident subscriber');
    expect(met.text).toContain('Con este comunicado se cumple el plazo «Comunicado inicial»');
    expect(met.text).toContain('se publicó a tiempo');
    expect(text.body).toContain('Reply STOP to stop');

    const newsroom = await eventually(async () => mailTo(NEWSROOM).find((m) => m.subject.startsWith('New statement')), 'the statement to the newsroom');
    expect(newsroom.text).toContain('The department has seen the video and opened a review.');

    // The four parties' officials are told by email (the chief wrote it and was told by the statement's own workflow).
    const { people } = sys.roster;
    await eventually(async () => {
      const told = await sys.db.notification.findMany({ where: { purpose: 'statement.published.officials' } });
      const ids = new Set(told.map((n) => n.personId));
      return [people.mayor, people.mayorProTem, people.alderman2, people.cityManager].every((p) => ids.has(p.id)) && !ids.has(people.policeChief.id) && told.every((n) => n.channel === 'EMAIL');
    }, 'the officials to be told of the publication');

    await eventually(async () => {
      const rows = await sys.db.notification.findMany({ where: { purpose: 'public.statement-published' } });
      return rows.length === 4 && new Set(rows.map((r) => r.subscriptionId)).size === 4 && rows.every((r) => r.status !== 'PENDING');
    }, 'exactly one message per subscriber and newsroom');
    expect(mailTo(NEIGHBOUR_EMAIL).filter((m) => /plazo «Comunicado inicial»/.test(m.text ?? ''))).toHaveLength(1);

    // The same event told again (a retried activity, a replayed workflow) finds its fan-out started and sends nothing more.
    const mailer = createMailer(sys.config);
    try {
      const activities = createPublicFanOutActivities({ db: sys.db, mailer, sms: createSmsClient(sys.config), config: sys.config, temporal: sys.temporal });
      const statement = await sys.db.statement.findUniqueOrThrow({ where: { id: statementId }, include: { incident: true } });
      const again = await activities.startPublicFanOut({
        event: { kind: 'statement.published', statementId, incidentId: statement.incidentId, incidentNumber: number, publishedAt: statement.publishedAt!.toISOString(), deadline: null },
      });
      expect(again.workflowId).toBe(`public-fan-out-statement-${statementId}`);
      await sys.temporal.workflow.getHandle(again.workflowId).result();
      expect(await sys.db.notification.count({ where: { purpose: 'public.statement-published' } })).toBe(4);
      expect(mailTo(RESIDENT_EMAIL).filter((m) => m.subject.startsWith('Nuevo comunicado'))).toHaveLength(1);
    } finally {
      mailer.close();
    }
  });

  it('STOP, START and HELP by text', async () => {
    const stop = twimlText((await sys.sinks.sms.reply({ from: RESIDENT_PHONE, body: 'STOP' })).body);
    expect(stop).toContain('you are unsubscribed');
    expect((await sys.db.subscription.findFirstOrThrow({ where: { address: RESIDENT_PHONE } })).status).toBe('UNSUBSCRIBED');
    const start = twimlText((await sys.sinks.sms.reply({ from: RESIDENT_PHONE, body: 'Start' })).body);
    expect(start).toContain('back on');
    expect((await sys.db.subscription.findFirstOrThrow({ where: { address: RESIDENT_PHONE } })).status).toBe('ACTIVE');
    const help = twimlText((await sys.sinks.sms.reply({ from: RESIDENT_PHONE, body: 'help' })).body);
    expect(help).toMatch(/See or delete your data: https?:\/\/\S+\/subscriptions\/[\w.-]+/);
    // Spanish keywords work too.
    const alto = twimlText((await sys.sinks.sms.reply({ from: RESIDENT_PHONE, body: 'Alto.' })).body);
    expect(alto).toContain('you are unsubscribed');
    // An official's number is left to the other handlers.
    const official = await sys.sinks.sms.reply({ from: sys.roster.people.mayor.phone!, body: 'HELP' });
    expect(twimlText(official.body)).not.toContain('unsubscribed');
  });

  it('one click unsubscribes (RFC 8058 POST), and the subscriber can download and then delete what is kept', async () => {
    const spanish = mailTo(RESIDENT_EMAIL).find((m) => m.subject.startsWith('Nuevo comunicado'))!;
    const unsubscribeUrl = /^<(.+)>$/.exec(spanish.headers['list-unsubscribe'])![1];
    const oneClick = await fetch(unsubscribeUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(oneClick.status).toBe(200);
    const subscription = await sys.db.subscription.findFirstOrThrow({ where: { address: RESIDENT_EMAIL } });
    expect(subscription.status).toBe('UNSUBSCRIBED');

    const token = path(unsubscribeUrl).split('/')[2];
    const exported = await fetch(`${sys.baseUrl}/api/public/subscriptions/${token}`);
    expect(exported.status).toBe(200);
    const data = (await exported.json()) as { subscription: { address: string; language: string }; messages: { subject: string | null; to: string }[] };
    expect(data.subscription).toMatchObject({ address: RESIDENT_EMAIL, language: 'es' });
    expect(data.messages.map((m) => m.subject)).toEqual(expect.arrayContaining([expect.stringMatching(/^Nuevo comunicado/)]));

    const deleted = await fetch(`${sys.baseUrl}/api/public/subscriptions/${token}`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect(await sys.db.subscription.findUnique({ where: { id: subscription.id } })).toBeNull();
    const kept = await sys.db.notification.findMany({ where: { toAddress: RESIDENT_EMAIL } });
    expect(kept).toEqual([]);
    expect(await sys.db.notification.count({ where: { body: ERASED } })).toBeGreaterThan(0);
    expect((await fetch(`${sys.baseUrl}/api/public/subscriptions/${token}`)).status).toBe(404);
  });

  it('nothing about subscribers shows on the public pages, feeds or API, nor in the staff delivery log', async () => {
    const secrets = [RESIDENT_EMAIL, RESIDENT_PHONE, '314-555-0177', NEWSROOM, NEIGHBOUR_EMAIL];
    for (const url of ['/', `/incidents/${number}`, `/incidents/${number}?lang=es`, '/subscribe', '/feeds/statements.atom', '/feeds/deadlines.ics', '/api/public/incidents', `/api/public/incidents/${number}`, '/api/policy']) {
      const body = await (await fetch(`${sys.baseUrl}${url}`)).text();
      for (const secret of secrets) expect({ url, leaked: body.includes(secret) ? secret : null }).toEqual({ url, leaked: null });
    }
    const log = await (await sys.request(`/api/notifications?incidentId=${number}`, { as: 'CITY_MANAGER' })).text();
    for (const secret of secrets) expect(log).not.toContain(secret);
  });

  it('the public incident page speaks Spanish when asked, with the statement in Spanish', async () => {
    const es = (await (await fetch(`${sys.baseUrl}/api/public/incidents/${number}?lang=es`)).json()) as {
      typeLabel: string;
      statements: { title: string; language: string }[];
      deadlineList: { title: string }[];
    };
    expect(es.typeLabel).toBe('Atención pública o mediática considerable');
    expect(es.statements[0]).toMatchObject({ title: 'Comunicado sobre el video de Maryland Ave', language: 'es' });
    expect(es.deadlineList.map((d) => d.title)).toContain('Comunicado inicial');
    const page = await fetch(`${sys.baseUrl}/incidents/${number}`, { headers: { 'accept-language': 'es-MX,es;q=0.9' } });
    const html = await page.text();
    expect(html).toContain('<html lang="es">');
    expect(html).toContain('Saltar al contenido principal');
    expect(page.headers.get('vary')).toMatch(/Accept-Language/);
  });
});
