// The court-user survey (Goal 3) on the whole system (Temporal dev server,
// PostgreSQL, the SMTP and SMS sinks, the worker and the API): the court
// clerk records closed cases (one at a time and by CSV, all rows or none);
// only the roles the policy names may; a Spanish contact is invited in
// Spanish by email, an English one by text; the person answers once through
// the link, after which the contact's name, address and messages are erased
// and the response carries nothing that leads back to them; opting out stops
// the messages; the public summary counts invitations and responses and
// suppresses everything else below five responses; the quarterly Schedule
// publishes a closed quarter once.
import { startTestSystem, type TestSystem } from '../harness/app';
import { eventually } from '../harness/eventually';
import { COURT_SURVEY_ERASED } from '../../lib/courtSurveyData';
import { createCourtSurveyActivities } from '../../activities/courtSurvey';
import { createMailer, createSmsClient } from '../../activities/notifications/providers';
import { quarterOf } from '../../domain/courtSurvey';
import { COURT_SURVEY_QUARTER_SCHEDULE_ID, ensureSystemSchedules } from '../../lib/systemSchedules';
import { DEFAULT_POLICY } from '../../policy';

let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem({ smsCallbackDelaysMs: [10, 10] });
}, 120_000);

afterAll(async () => {
  await sys?.stop();
});

const survey = DEFAULT_POLICY.courtSurvey!;
const TOKEN_IN_LINK = /\/survey\/([A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/;
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
const mailTo = (address: string) => sys.sinks.mail.messages().filter((m) => m.envelope.to.includes(address));
const textsTo = (number: string) => sys.sinks.sms.messages().filter((m) => m.direction === 'outbound-api' && m.to === number);
const tokenIn = (text: string | null | undefined): string => {
  const match = TOKEN_IN_LINK.exec(text ?? '');
  if (!match) throw new Error(`no survey link in ${text}`);
  return match[1];
};
const allAnswers = (value: number | 'NA') => Object.fromEntries(survey.questions.map((q) => [q.key, value]));
const record = (as: 'COURT_CLERK' | 'CITY_MANAGER', json: unknown) => sys.request('/api/court-survey/contacts', { method: 'POST', as, json });
const importCsv = (csv: string) =>
  sys.request('/api/court-survey/contacts.csv', { method: 'POST', as: 'COURT_CLERK', body: csv, headers: { 'Content-Type': 'text/csv' } });
const answer = (token: string, json: unknown) => sys.request(`/api/public/court-survey/invitations/${token}/answers`, { method: 'POST', json });

/** Records an email contact whose case closed long enough ago to be invited at once; returns its link's token. */
async function invitedByEmail(address: string, language = 'en'): Promise<string> {
  const res = await record('COURT_CLERK', { channel: 'EMAIL', address, language, caseClosedOn: daysAgo(10) });
  expect(res.status).toBe(201);
  const invitation = await eventually(async () => mailTo(address)[0], `the invitation to ${address}`);
  return tokenIn(invitation.text);
}

const SPANISH_EMAIL = 'usuaria.tribunal@example.net';
let spanishToken = '';

describe('the court-user survey on the running system', () => {
  it('the clerk records a Spanish-speaking contact; the invitation goes out in Spanish with its single-use link, and the contact is INVITED in this quarter', async () => {
    const res = await record('COURT_CLERK', { name: 'María Ejemplo', channel: 'EMAIL', address: ' Usuaria.Tribunal@Example.net ', language: 'es', caseClosedOn: daysAgo(3) });
    expect(res.status).toBe(201);
    const recorded = (await res.json()) as { id: string; inviteAt: string };
    // Invited the policy's two days after the case closed (here, in the past: at once).
    expect(Date.parse(recorded.inviteAt)).toBeLessThan(Date.now());

    const invitation = await eventually(async () => mailTo(SPANISH_EMAIL)[0], 'the Spanish invitation');
    expect(invitation.subject).toBe('¿Cómo le fue en el Tribunal Municipal de Clayton?');
    expect(invitation.text).toContain('Hola, María Ejemplo');
    expect(invitation.text).toContain('/opt-out');
    spanishToken = tokenIn(invitation.text);
    const contact = await eventually(async () => {
      const c = await sys.db.surveyContact.findUniqueOrThrow({ where: { id: recorded.id } });
      return c.status === 'INVITED' ? c : undefined;
    }, 'the contact marked invited');
    expect(contact).toMatchObject({ address: SPANISH_EMAIL, language: 'es', quarter: quarterOf(new Date(), 'America/Chicago') });
    // Only the token's digest is kept.
    const stored = await sys.db.surveyInvitation.findUniqueOrThrow({ where: { contactId: recorded.id } });
    expect(stored.tokenHash).not.toContain(spanishToken);

    const opened = await sys.request(`/api/public/court-survey/invitations/${spanishToken}`);
    expect(opened.status).toBe(200);
    const view = (await opened.json()) as { state: string; language: string; survey: { questions: { key: string; text: string }[] } };
    expect(view.state).toBe('OPEN');
    expect(view.language).toBe('es');
    expect(view.survey.questions.find((q) => q.key === 'JUDGE_LISTENED')?.text).toBe('El juez escuchó mi versión de los hechos antes de decidir.');
    // The page speaks the invitation's language, and switches when asked.
    const page = await fetch(`${sys.baseUrl}/survey/${spanishToken}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('¿Cómo le trataron el tribunal y la policía?');
    expect(await (await fetch(`${sys.baseUrl}/survey/${spanishToken}?lang=en`)).text()).toContain('How did the court and the police treat you?');
  });

  it('only the roles the policy names may record or list contacts', async () => {
    const body = { channel: 'EMAIL', address: 'someone@example.net', language: 'en', caseClosedOn: daysAgo(1) };
    for (const role of ['PIO', 'STAKEHOLDER_LEAD', 'MAYOR', 'POLICE_CHIEF'] as const) {
      expect((await sys.request('/api/court-survey/contacts', { method: 'POST', as: role, json: body })).status).toBe(403);
      expect((await sys.request('/api/court-survey/contacts', { as: role })).status).toBe(403);
      expect((await sys.request('/api/court-survey/contacts.csv', { method: 'POST', as: role, body: 'channel,address,language,caseClosedOn\n', headers: { 'Content-Type': 'text/csv' } })).status).toBe(403);
    }
    expect((await sys.request('/api/court-survey/contacts', { method: 'POST', json: body })).status).toBe(401);
    expect(await sys.db.surveyContact.count({ where: { address: 'someone@example.net' } })).toBe(0);

    const list = await sys.request('/api/court-survey/contacts', { as: 'CITY_MANAGER' });
    expect(list.status).toBe(200);
    const { contacts } = (await list.json()) as { contacts: { address: string | null; name: string | null }[] };
    // The clerk recognises a contact; the list does not hand out whole addresses.
    expect(contacts.find((c) => c.name === 'María Ejemplo')?.address).toBe('u•••@example.net');
    expect(JSON.stringify(contacts)).not.toContain(SPANISH_EMAIL);
  });

  it('refuses bad contacts naming the field: 400 for the wrong shape, 422 for an address that does not fit its channel or a case not yet closed', async () => {
    const before = await sys.db.surveyContact.count();
    const cases: [unknown, number, string][] = [
      [{ channel: 'FAX', address: 'x@example.net', language: 'en', caseClosedOn: daysAgo(1) }, 400, 'channel'],
      [{ channel: 'EMAIL', address: 'x@example.net', language: 'en', caseClosedOn: daysAgo(1), caseNumber: '123' }, 400, 'body'],
      [{ channel: 'EMAIL', address: 'x@example.net', language: 'xx', caseClosedOn: daysAgo(1) }, 400, 'language'],
      [{ channel: 'EMAIL', address: 'x@example.net', language: 'en', caseClosedOn: '2026-13-01' }, 400, 'caseClosedOn'],
      [{ channel: 'SMS', address: 'not a phone', language: 'en', caseClosedOn: daysAgo(1) }, 422, 'address'],
      [{ channel: 'EMAIL', address: '314-555-0100', language: 'en', caseClosedOn: daysAgo(1) }, 422, 'address'],
      [{ channel: 'EMAIL', address: 'x@example.net', language: 'en', caseClosedOn: '2099-01-01' }, 422, 'caseClosedOn'],
      [{ channel: 'EMAIL', address: 'x@example.net', language: 'en', caseClosedOn: '2026-02-30' }, 400, 'caseClosedOn'],
    ];
    for (const [json, status, field] of cases) {
      const res = await record('COURT_CLERK', json);
      const body = (await res.json()) as { error: { field: string } };
      expect([res.status, body.error.field]).toEqual([status, field]);
    }
    expect(await sys.db.surveyContact.count()).toBe(before);
  });

  it('imports a CSV file all or nothing: every bad row and column named, nothing written; a good file invites everyone (texts too)', async () => {
    const before = await sys.db.surveyContact.count();
    const bad = await importCsv(
      ['name,channel,address,language,caseClosedOn', 'Ana,EMAIL,ana@example.net,en,' + daysAgo(4), 'Ben,SMS,12,en,' + daysAgo(4), 'Cy,EMAIL,cy@example.net,en,2099-01-01', 'Di,EMAIL,di@example.net,en,2026-02-30'].join('\n'),
    );
    expect(bad.status).toBe(422);
    const refusal = (await bad.json()) as { error: { details: { field: string }[] } };
    expect(refusal.error.details.map((d) => d.field)).toEqual(['line 3.address', 'line 4.caseClosedOn', 'line 5.caseClosedOn']);
    expect(await sys.db.surveyContact.count()).toBe(before);

    const missing = await importCsv('name,address\nAna,ana@example.net\n');
    expect(missing.status).toBe(422);
    expect(((await missing.json()) as { error: { field: string } }).error.field).toBe('line 1');

    const good = await importCsv(['caseClosedOn,channel,address,language,name', `${daysAgo(6)},SMS,(314) 555-0188,en,`, `${daysAgo(6)},email,Dee@Example.net,es,Dee`].join('\r\n'));
    expect(good.status).toBe(201);
    expect(((await good.json()) as { imported: number }).imported).toBe(2);
    const text = await eventually(async () => textsTo('+13145550188')[0], 'the invitation by text');
    expect(text.body).toContain('How did the Clayton Municipal Court and police treat you?');
    tokenIn(text.body);
    expect((await eventually(async () => mailTo('dee@example.net')[0], 'the imported Spanish invitation')).subject).toBe('¿Cómo le fue en el Tribunal Municipal de Clayton?');
  });

  it('the person answers once: the response keeps no link to them, their details and messages are erased, and the link is refused after', async () => {
    const contact = await sys.db.surveyContact.findFirstOrThrow({ where: { address: SPANISH_EMAIL } });
    const unknownKey = await answer(spanishToken, { answers: { NOT_A_QUESTION: 3 } });
    expect(unknownKey.status).toBe(422);
    expect(((await unknownKey.json()) as { error: { field: string } }).error.field).toBe('answers.NOT_A_QUESTION');
    expect((await answer(spanishToken, { answers: { 'not a key': 2 } })).status).toBe(422);
    expect((await answer(spanishToken, { answers: {} })).status).toBe(422);
    expect((await answer(spanishToken, { answers: { FELT_SAFE: 7 } })).status).toBe(400);
    expect(await sys.db.surveyResponse.count()).toBe(0);

    const res = await answer(spanishToken, { answers: { ...allAnswers(4), POLICE_TRUST: 'NA' } });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ status: 'RECEIVED' });

    const after = await sys.db.surveyContact.findUniqueOrThrow({ where: { id: contact.id } });
    expect(after).toMatchObject({ status: 'COMPLETED', name: null, address: null });
    const messages = await sys.db.notification.findMany({ where: { idempotencyKey: { startsWith: `court-survey-${contact.id}|` } } });
    expect(messages.length).toBeGreaterThan(0);
    for (const m of messages) expect(m).toMatchObject({ toAddress: '', body: COURT_SURVEY_ERASED });

    const [response] = await sys.db.surveyResponse.findMany();
    expect(Object.keys(response).sort()).toEqual(['answers', 'id', 'language', 'policyVersion', 'quarter', 'submittedOn']);
    expect(JSON.stringify(response)).not.toContain(contact.id);
    expect(response).toMatchObject({ language: 'es', quarter: contact.quarter, policyVersion: DEFAULT_POLICY.version });
    expect((response.answers as Record<string, unknown>).POLICE_TRUST).toBe('NA');
    // Kept to the day, not the moment: nothing to line up with the contact's last change.
    expect(response.submittedOn.toISOString()).toMatch(/T00:00:00\.000Z$/);
    const used = await sys.db.surveyInvitation.findUniqueOrThrow({ where: { contactId: contact.id } });
    expect(used.usedAt?.toISOString()).toBe(response.submittedOn.toISOString());

    const again = await answer(spanishToken, { answers: allAnswers(1) });
    expect(again.status).toBe(409);
    expect(await sys.db.surveyResponse.count()).toBe(1);
    const page = await fetch(`${sys.baseUrl}/survey/${spanishToken}`);
    expect(page.status).toBe(409);
    expect(await page.text()).toContain('Ya respondida');
    const notOurs = await sys.request(`/api/public/court-survey/invitations/${'A'.repeat(43)}`);
    expect(notOurs.status).toBe(404);
  });

  it('opting out stops the messages and erases the contact; the link then answers 410', async () => {
    const contact = await sys.db.surveyContact.findFirstOrThrow({ where: { address: '+13145550188' } });
    const token = tokenIn(textsTo('+13145550188')[0].body);
    const asked = await fetch(`${sys.baseUrl}/survey/${token}/opt-out`);
    expect(asked.status).toBe(200);
    // Opening the link only asks (a link scanner opts no one out).
    expect((await sys.db.surveyContact.findUniqueOrThrow({ where: { id: contact.id } })).status).toBe('INVITED');

    const res = await sys.request(`/api/public/court-survey/invitations/${token}/opt-out`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect((await sys.request(`/api/public/court-survey/invitations/${token}/opt-out`, { method: 'POST' })).status).toBe(200);
    expect(await sys.db.surveyContact.findUniqueOrThrow({ where: { id: contact.id } })).toMatchObject({ status: 'OPTED_OUT', address: null });
    expect((await answer(token, { answers: allAnswers(5) })).status).toBe(410);
    const run = await sys.temporal.workflow.getHandle(`court-survey-${contact.id}`).result();
    expect(run).toEqual({ outcome: 'OPTED_OUT', reminded: false });
  });

  it('the public summary counts invitations and responses, suppresses the rest below five responses, and shows the indices from five on', async () => {
    const quarter = quarterOf(new Date(), 'America/Chicago');
    const read = async () => {
      const res = await sys.request('/api/public/court-survey/summary');
      expect(res.status).toBe(200);
      const body = (await res.json()) as { quarters: Record<string, unknown>[] };
      return body.quarters.find((q) => q.quarter === quarter)!;
    };
    const invited = await sys.db.surveyContact.count({ where: { quarter } });
    expect(await read()).toMatchObject({ quarter, published: false, invitations: invited, responses: 1, suppressed: true, n: null, accessIndex: null, questions: null });

    for (const [i, rating] of ([5, 4, 4, 3] as const).entries()) {
      const token = await invitedByEmail(`resident${i}.court@example.net`);
      expect((await answer(token, { answers: allAnswers(rating) })).status).toBe(201);
    }
    const summary = await read();
    // Access and fairness: (4 + 5 + 4 + 4 + 3) / 5 * 20 = 80. Police: the first rated two statements 4 and one N/A (mean 4): 80 too.
    expect(summary).toMatchObject({ responses: 5, suppressed: false, n: 5, accessIndex: 80, fairnessIndex: 80, policeIndex: 80 });
    const feltSafe = (summary.questions as { key: string; counts: Record<string, number> }[]).find((q) => q.key === 'FELT_SAFE');
    expect(feltSafe?.counts).toEqual({ 1: 0, 2: 0, 3: 1, 4: 3, 5: 1, NA: 0 });
    expect(summary.invitations).toBe(await sys.db.surveyContact.count({ where: { quarter } }));
  });

  it('the quarterly Schedule publishes a closed quarter once, from the stored responses, and the summary shows it as published', async () => {
    await sys.db.surveyContact.createMany({
      data: Array.from({ length: 3 }, (_, i) => ({ channel: 'EMAIL' as const, language: 'en', caseClosedAt: new Date('2026-05-01T12:00:00Z'), recordedById: 'clerk', policyVersion: DEFAULT_POLICY.version, status: 'EXPIRED' as const, quarter: '2026-Q2', address: null, name: `old ${i}` })),
    });
    await sys.db.surveyResponse.create({ data: { id: 'old-response', quarter: '2026-Q2', language: 'en', policyVersion: DEFAULT_POLICY.version, answers: allAnswers(2), submittedOn: new Date('2026-05-03') } });
    await ensureSystemSchedules(sys.temporal, sys.config);
    const schedule = sys.temporal.schedule.getHandle(COURT_SURVEY_QUARTER_SCHEDULE_ID);
    try {
      const described = await schedule.describe();
      expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'courtSurveyQuarterWorkflow' });
      // The first morning of each quarter, in the city's time zone.
      expect(described.spec.calendars?.[0]).toMatchObject({ dayOfMonth: [{ start: 1, end: 1, step: 1 }], hour: [{ start: 6, end: 6, step: 1 }] });
      await schedule.trigger();
      const published = await eventually(async () => sys.db.surveyQuarterSummary.findUnique({ where: { quarter: '2026-Q2' } }), 'the Schedule to publish 2026-Q2');
      // The open quarter is never published while it is open.
      expect(await sys.db.surveyQuarterSummary.count()).toBe(1);
      expect(published.summary).toMatchObject({ invitations: 3, responses: 1, suppressed: true });
    } finally {
      await schedule.delete();
    }
    // A second run (a retry, a later quarter's run) leaves a published quarter as it was.
    const mailer = createMailer(sys.config);
    try {
      const activities = createCourtSurveyActivities({ db: sys.db, mailer, sms: createSmsClient(sys.config), config: sys.config });
      expect(await activities.publishCourtSurveyQuarters()).toEqual({ published: [] });
    } finally {
      mailer.close();
    }
    const body = (await (await sys.request('/api/public/court-survey/summary')).json()) as { quarters: Record<string, unknown>[] };
    expect(body.quarters[0]).toMatchObject({ quarter: '2026-Q2', published: true, invitations: 3, responses: 1, responseRate: 33.3, suppressed: true, accessIndex: null });
    // The summary names nobody.
    const text = JSON.stringify(body);
    for (const secret of [SPANISH_EMAIL, 'María', '+13145550188', 'dee@example.net', 'old 0']) expect(text).not.toContain(secret);
  });
});
