// The Goal 3 court-user survey through the browser: the municipal court
// clerk records a Spanish-speaking person whose case closed; the invitation
// and its one reminder reach them in Spanish (the reminder comes within
// seconds: this file runs under a copy of the policy whose remindAfter is
// 20 s); they open the link on a phone, answer in Spanish, and the link then
// refuses a second answer. The public plan dashboard shows the quarter
// suppressed with one response, and with its indices, distributions and trend
// chart once five people have answered through the real answer route. Every
// page visited is checked with axe-core, and the public crawl finds none of
// the contacts' names, addresses or links.
import type { Page } from 'playwright-core';
import type { TestSystem } from '../harness/app';
import { crawlPublicSite, leaks } from '../harness/publicCrawl';
import { DEFAULT_POLICY, parsePolicy, setCurrentPolicy } from '../../policy';
import { quarterOf } from '../../domain/courtSurvey';
import { eventually, expectAccessible, loaded, signIn } from './browser';
import { E2eSession } from './session';

const PERSON = { name: 'Rosa Tribunal', email: 'rosa.tribunal@example.net' };
const OTHERS = ['uno', 'dos', 'tres', 'cuatro'].map((n) => `encuestado.${n}@example.net`);
const TOKEN_IN_LINK = /https?:\/\/\S+\/survey\/([A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/;

const survey = DEFAULT_POLICY.courtSurvey!;
const session = new E2eSession();
let system: TestSystem;
let clerk: Page;
let resident: Page;
let planId = '';
let surveyUrl = '';

beforeAll(async () => {
  system = await session.start();
  // The same policy with a reminder that comes in seconds instead of days (the ladder's real timing is tested with time skipping).
  setCurrentPolicy(parsePolicy({ ...DEFAULT_POLICY, version: 'clayton-2026.5-e2e-survey', courtSurvey: { ...survey, remindAfter: '20s', expiresAfter: '1h' } }, 'e2e policy'));
  clerk = await (await session.contextFor()).newPage();
  resident = await (await session.contextFor({ phone: true })).newPage();
  const plan = await system.request('/api/plans', {
    method: 'POST',
    as: 'CITY_MANAGER',
    json: { title: 'Engagement action plan', startDate: new Date().toISOString().slice(0, 10), months: 12, goals: [{ number: 3, title: 'Court user surveys', description: 'Survey people who went through the municipal court.' }] },
  });
  expect(plan.status).toBe(202);
  planId = ((await plan.json()) as { id: string }).id;
}, 180_000);

afterAll(async () => {
  setCurrentPolicy(DEFAULT_POLICY);
  await session.stop();
}, 60_000);

const mailTo = (address: string) => system.sinks.mail.messages().filter((m) => m.envelope.to.includes(address));
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
const linkIn = (text: string | null) => {
  const match = TOKEN_IN_LINK.exec(text ?? '');
  if (!match) throw new Error(`no survey link in ${text}`);
  return match[0];
};

describe('a court user is invited, reminded, answers, and the quarter appears on the dashboard', () => {
  it('the court clerk records the closed case from the console', async () => {
    await signIn(clerk, system.baseUrl, 'court.clerk@example.org');
    await clerk.locator('.site-nav').getByRole('link', { name: 'Court survey' }).click();
    await clerk.getByRole('heading', { name: 'Court user survey: closed cases' }).waitFor();
    await loaded(clerk);
    await expectAccessible(clerk, 'court survey console');

    // A future day is refused, naming the field.
    await clerk.getByLabel('Email address or mobile number').fill(PERSON.email);
    await clerk.getByLabel('Case closed on').fill('2099-01-01');
    await clerk.getByRole('button', { name: 'Record the contact' }).click();
    await clerk.locator('.error-summary').waitFor();
    expect(await clerk.getByLabel('Case closed on').getAttribute('aria-invalid')).toBe('true');

    await clerk.getByLabel('Name (optional)').fill(PERSON.name);
    await clerk.locator('#contact-language').selectOption('es');
    await clerk.getByLabel('Case closed on').fill(daysAgo(3));
    await clerk.getByRole('button', { name: 'Record the contact' }).click();
    await clerk.getByText('Recorded. The invitation is scheduled.').waitFor();
    const row = clerk.locator('#court-survey-table tbody tr').first();
    await row.getByText(PERSON.name).waitFor();
    // The clerk sees the contact, not the whole address.
    expect(await row.textContent()).toContain('r•••@example.net');
    await expectAccessible(clerk, 'court survey console with a contact');
  });

  it('the invitation arrives in Spanish, and one reminder with the same link', async () => {
    const invitation = await eventually(async () => mailTo(PERSON.email).find((m) => m.subject === '¿Cómo le fue en el Tribunal Municipal de Clayton?'), 'the Spanish invitation');
    surveyUrl = linkIn(invitation.text);
    const reminder = await eventually(
      async () => mailTo(PERSON.email).find((m) => m.subject === 'Recordatorio: su encuesta sobre el Tribunal Municipal de Clayton'),
      'the Spanish reminder',
      60_000,
    );
    expect(linkIn(reminder.text)).toBe(surveyUrl);
    expect(mailTo(PERSON.email)).toHaveLength(2);
  }, 90_000);

  it('the person answers on a phone in Spanish, once', async () => {
    await resident.goto(surveyUrl);
    await resident.getByRole('heading', { name: '¿Cómo le trataron el tribunal y la policía?' }).waitFor();
    expect(await resident.getAttribute('html', 'lang')).toBe('es');
    await expectAccessible(resident, 'survey (Spanish)');
    for (const question of survey.questions) {
      const choice = question.section === 'POLICE' ? 'No se aplica a mi caso' : 'De acuerdo';
      await resident.locator(`#q-${question.key}`).getByLabel(choice, { exact: true }).check();
    }
    await resident.getByRole('button', { name: 'Enviar mis respuestas' }).click();
    await resident.getByRole('heading', { name: 'Gracias' }).waitFor();
    await expectAccessible(resident, 'survey answered (Spanish)');

    const contact = await system.db.surveyContact.findFirstOrThrow({ where: { language: 'es', status: 'COMPLETED' } });
    expect(contact).toMatchObject({ name: null, address: null });
    const run = await system.temporal.workflow.getHandle(`court-survey-${contact.id}`).result();
    expect(run).toEqual({ outcome: 'COMPLETED', reminded: true });

    await resident.goto(surveyUrl);
    await resident.getByRole('heading', { name: 'Ya respondida' }).waitFor();
    expect(await system.db.surveyResponse.count()).toBe(1);
  });

  it('the dashboard shows the quarter suppressed with one response', async () => {
    await resident.goto(`${system.baseUrl}/plans/${planId}?lang=es`);
    await resident.getByRole('heading', { name: 'Encuesta a usuarios del tribunal (Meta 3)' }).waitFor();
    const quarter = quarterOf(new Date(), 'America/Chicago');
    const row = resident.locator(`#court-survey-quarters tr[data-quarter="${quarter}"]`);
    await row.getByText('Menos de 5 respuestas: no se publica').waitFor();
    expect(await resident.locator('#court-survey-questions').count()).toBe(0);
    await expectAccessible(resident, 'plan dashboard with a suppressed survey quarter (Spanish)');
  });

  it('with five responses through the real answer route, the indices, distributions and trend chart appear', async () => {
    for (const address of OTHERS) {
      const res = await system.request('/api/court-survey/contacts', { method: 'POST', as: 'COURT_CLERK', json: { channel: 'EMAIL', address, language: 'en', caseClosedOn: daysAgo(5) } });
      expect(res.status).toBe(201);
    }
    for (const [i, address] of OTHERS.entries()) {
      const mail = await eventually(async () => mailTo(address)[0], `the invitation to ${address}`);
      const token = TOKEN_IN_LINK.exec(mail.text ?? '')![1];
      const answers = Object.fromEntries(survey.questions.map((q) => [q.key, i % 2 === 0 ? 5 : 3]));
      const res = await system.request(`/api/public/court-survey/invitations/${token}/answers`, { method: 'POST', json: { answers } });
      expect(res.status).toBe(201);
    }

    await resident.goto(`${system.baseUrl}/plans/${planId}?lang=en`);
    await resident.getByRole('heading', { name: 'Court user survey (Goal 3)' }).waitFor();
    const quarter = quarterOf(new Date(), 'America/Chicago');
    const cells = await resident.locator(`#court-survey-quarters tr[data-quarter="${quarter}"] td`).allTextContents();
    // Invited, answered, rate, n, access, fairness, police: access and fairness (4 + 5 + 3 + 5 + 3) / 5 * 20 = 80; police (5 + 3 + 5 + 3) / 4 * 20 = 80.
    expect(cells).toEqual(['5', '5', '100%', '5', '80', '80', '80']);
    expect(await resident.locator('#court-survey-chart circle').count()).toBe(3);
    await resident.locator('#court-survey-questions summary').click();
    const feltSafe = await resident.locator('#court-survey-questions tr', { hasText: 'I felt safe in the courthouse.' }).locator('td').allTextContents();
    // Strongly disagree .. strongly agree, not applicable, average.
    expect(feltSafe).toEqual(['0', '0', '2', '1', '2', '0', '4']);
    await expectAccessible(resident, 'plan dashboard with the survey quarter published');
  });

  it('the public site shows none of the contacts or their links', async () => {
    const pages = await crawlPublicSite(system.baseUrl);
    expect(pages.find((p) => p.path === '/api/public/court-survey/summary')?.status).toBe(200);
    const token = TOKEN_IN_LINK.exec(surveyUrl)![1];
    expect(leaks(pages, [PERSON.name, PERSON.email, ...OTHERS, token, 'r•••@example.net'])).toEqual([]);
  });
});

describe('a court clerk working in Spanish', () => {
  it("sees a refused CSV's cells named and worded in Spanish, with no English", async () => {
    await clerk.goto(`${system.baseUrl}/console/court-survey?lang=es`);
    await loaded(clerk);
    expect(await clerk.getAttribute('html', 'lang')).toBe('es');
    const csv = ['channel,address,language,caseClosedOn', `EMAIL,no-es-un-correo,es,${daysAgo(2)}`, `EMAIL,${PERSON.email},es,2099-01-01`].join('\n');
    await clerk.locator('#contact-csv').setInputFiles({ name: 'contactos.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await clerk.locator('#contact-import button[type="submit"]').click();
    const summary = clerk.locator('#contact-import .error-summary');
    await summary.waitFor();
    const text = await summary.innerText();
    expect(text).toContain('Línea 2, address: debe ser una dirección de correo electrónico');
    expect(text).toContain('Línea 3, caseClosedOn: no puede ser una fecha futura');
    for (const english of ['line 2', 'line 3', 'must be', 'valid email']) expect(text).not.toContain(english);
    await expectAccessible(clerk, 'court survey console in Spanish with a refused CSV');
  });

  it("is told in Spanish alone that their role may not read the plan (the API's English reason stays out)", async () => {
    await clerk.goto(`${system.baseUrl}/console/plans/${planId}?lang=es`);
    const refusal = clerk.locator('.error-summary');
    await refusal.waitFor();
    const text = await refusal.innerText();
    // The page's heading, then the refusal in Spanish and nothing after it.
    expect(text.split('\n').filter(Boolean)).toEqual(['No se pudo cargar esta página', 'No tiene permiso para hacer eso.']);
  });

  // Last in the file: it uses up this address's sign-in attempts for a minute.
  it('is told in Spanish when the sign-in page has had too many attempts', async () => {
    const page = await (await session.contextFor({ locale: 'es' })).newPage();
    for (let i = 0; i < 20; i++) {
      await fetch(`${system.baseUrl}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'court.clerk@example.org', password: 'not the password' }) });
    }
    await page.goto(`${system.baseUrl}/console/sign-in`);
    expect(await page.getAttribute('html', 'lang')).toBe('es');
    await page.locator('#email').fill('court.clerk@example.org');
    await page.locator('#password').fill('not the password either');
    await page.locator('#sign-in button[type="submit"]').click();
    const summary = page.locator('#sign-in .error-summary');
    await summary.waitFor();
    const text = await summary.innerText();
    expect(text).toContain('Demasiados intentos en poco tiempo; espere un momento y vuelva a intentarlo.');
    expect(text).not.toMatch(/sign-in|attempts|wait a minute/);
  });
});
