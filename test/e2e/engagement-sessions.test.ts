// Goal 1 through the browser: the engagement lead schedules a session in the
// console; it appears on the public sessions page (in English and Spanish)
// and in the calendar feed; once it has taken place the lead records who
// came by group; the public plan dashboard shows it held, with the counts.
// Every page is checked with axe-core, and the public crawl finds none of
// the staff's notes.
import type { Page } from 'playwright-core';
import type { TestSystem } from '../harness/app';
import { parseIcs } from '../harness/feeds';
import { crawlPublicSite, leaks } from '../harness/publicCrawl';
import { expectAccessible, signIn } from './browser';
import { E2eSession } from './session';

const session = new E2eSession();
let system: TestSystem;
let lead: Page;
let planId = '';
let sessionId = '';
const TITLE = 'Neighbourhood conversation with CPD';
const NOTES = 'Staff-only note: follow up with the Maryland Ave business owners.';
const FOLLOW_UP = 'Walk Maryland Ave with the business owners';

beforeAll(async () => {
  system = await session.start();
  lead = await (await session.contextFor()).newPage();
  const plan = await system.request('/api/plans', {
    method: 'POST',
    as: 'CITY_MANAGER',
    json: { title: 'Clayton action plan (e2e)', startDate: new Date().toISOString().slice(0, 10), goals: [{ number: 1, title: 'Regular engagement' }] },
  });
  expect(plan.status).toBe(202);
  planId = ((await plan.json()) as { id: string }).id;
}, 180_000);

afterAll(() => session.stop(), 60_000);

/** A date input's value `days` from now, in the browser's time zone. */
const localDate = async (days: number) => (await localInput(days, 12)).slice(0, 10);

/** A datetime-local value `days` from now, in the browser's time zone. */
const localInput = (days: number, hour: number) =>
  lead.evaluate(
    ([d, h]) => {
      const when = new Date(Date.now() + d * 86_400_000);
      when.setHours(h, 0, 0, 0);
      const pad = (n: number) => String(n).padStart(2, '0');
      return `${when.getFullYear()}-${pad(when.getMonth() + 1)}-${pad(when.getDate())}T${pad(when.getHours())}:${pad(when.getMinutes())}`;
    },
    [days, hour],
  );

describe('an engagement session from the console to the dashboard', () => {
  it('the engagement lead schedules a session in the console', async () => {
    await signIn(lead, system.baseUrl, 'engagement.lead@example.org');
    await lead.locator('.site-nav').getByRole('link', { name: 'Engagement sessions' }).click();
    await lead.getByRole('heading', { name: 'Schedule a session' }).waitFor();
    await lead.locator('#planId option').first().waitFor({ state: 'attached' });
    await expectAccessible(lead, 'console sessions page');

    await lead.getByLabel('Title').fill(TITLE);
    await lead.getByLabel('Starts').fill(await localInput(5, 18));
    await lead.getByLabel('Ends').fill(await localInput(5, 20));
    await lead.getByLabel('Online link (https://)').fill('http://meet.example.org/clayton');
    await lead.getByLabel('Español').check();
    await lead.getByLabel('Accessibility notes').fill('Step-free entrance; Spanish interpretation.');
    await lead.getByRole('button', { name: 'Schedule the session' }).click();
    // A plain http link is refused, next to the field.
    await lead.locator('.error-summary').waitFor();
    expect(await lead.getByLabel('Online link (https://)').getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(lead, 'console sessions page with an error');

    await lead.getByLabel('Online link (https://)').fill('');
    await lead.getByLabel('Place').fill('The Center of Clayton, Room 2');
    await lead.getByRole('button', { name: 'Schedule the session' }).click();
    await lead.locator('.success-summary').waitFor();
    await lead.locator('#session-list').getByRole('heading', { name: new RegExp(TITLE) }).waitFor();
    const row = await system.db.engagementSession.findFirstOrThrow({ where: { title: TITLE } });
    sessionId = row.id;
    expect(row).toMatchObject({ planId, place: 'The Center of Clayton, Room 2', onlineUrl: null, languages: ['en', 'es'], status: 'SCHEDULED' });
  });

  it('the session is on the public sessions page, in English and Spanish, and in the calendar feed', async () => {
    const visitor = await (await session.contextFor({ phone: true })).newPage();
    await visitor.goto(`${system.baseUrl}/`);
    await visitor.locator('.site-nav').getByRole('link', { name: 'Engagement sessions' }).click();
    await visitor.getByRole('heading', { name: 'Community engagement sessions', level: 1 }).waitFor();
    const upcoming = visitor.locator('#upcoming');
    await upcoming.getByRole('heading', { name: TITLE }).waitFor();
    expect(await upcoming.textContent()).toContain('The Center of Clayton, Room 2');
    expect(await upcoming.textContent()).toContain('English, Español');
    await expectAccessible(visitor, 'public sessions page');

    await visitor.locator('.language-switcher').getByRole('link', { name: 'Español' }).click();
    await visitor.getByRole('heading', { name: 'Sesiones de participación comunitaria', level: 1 }).waitFor();
    await visitor.getByRole('heading', { name: 'Próximas sesiones' }).waitFor();
    await expectAccessible(visitor, 'public sessions page in Spanish');

    const feed = await visitor.request.get(`${system.baseUrl}/feeds/plan.ics`);
    const events = parseIcs(await feed.text()).components.filter((c) => c.name === 'VEVENT');
    const event = events.find((e) => e.props.UID?.startsWith(`session-${sessionId}@`));
    expect(event?.props).toMatchObject({ SUMMARY: TITLE, LOCATION: 'The Center of Clayton, Room 2' });
  });

  it('after the session, the lead records who came by group, and the plan dashboard shows it', async () => {
    // The session has taken place: its time is moved into the past, as the days would have passed.
    await system.db.engagementSession.update({ where: { id: sessionId }, data: { startsAt: new Date(Date.now() - 3 * 3_600_000), endsAt: new Date(Date.now() - 3_600_000) } });
    await lead.reload();
    const card = lead.locator(`#staff-session-${sessionId}`);
    await card.getByRole('heading', { name: 'Attendance' }).waitFor();
    await card.getByLabel('Residents').fill('27');
    await card.getByLabel('Business owners').fill('8');
    await card.getByLabel('Police officers').fill('5');
    await card.getByLabel('Students').fill('6');
    await card.getByLabel('Civic and faith leaders').fill('3');
    await card.getByLabel('Notes (not public)').fill(NOTES);
    await card.getByRole('button', { name: 'Record attendance' }).click();
    await card.locator('.success-summary').waitFor();
    await expectAccessible(lead, 'console sessions page after attendance');
    expect((await system.db.engagementSession.findUniqueOrThrow({ where: { id: sessionId } })).status).toBe('HELD');

    const visitor = await (await session.contextFor()).newPage();
    await visitor.goto(`${system.baseUrl}/plans/${planId}`);
    const engagement = visitor.locator('#engagement');
    await engagement.getByRole('heading', { name: 'Community engagement (Goal 1)' }).waitFor();
    expect(await visitor.locator('#engagement-promised-vs-held').textContent()).toContain('Held: 1.');
    const byGroup = visitor.locator('#engagement-by-group');
    expect(await byGroup.getByRole('row', { name: /Residents/ }).textContent()).toContain('27');
    expect(await byGroup.getByRole('row', { name: /Civic and faith leaders/ }).textContent()).toContain('3');
    expect(await visitor.locator('#engagement-by-session').textContent()).toContain(TITLE);
    expect(await visitor.locator('svg.engagement-chart rect').count()).toBe(5);
    await expectAccessible(visitor, 'plan dashboard with the engagement section');

    await visitor.goto(`${system.baseUrl}/sessions`);
    const past = visitor.locator('#past');
    await past.getByRole('heading', { name: new RegExp(TITLE) }).waitFor();
    expect(await past.locator('table.attendance').textContent()).toContain('49');
  });

  it('the lead turns a follow-up into an action item from the session, and it is on the public plan', async () => {
    const people = system.roster.people;
    const card = lead.locator(`#staff-session-${sessionId}`);
    // Recording the attendance made the session held: its follow-up form is there without a reload.
    const followUps = card.getByRole('region', { name: 'Follow-ups' });
    await followUps.getByRole('heading', { name: 'Add a follow-up' }).waitFor();
    await expectAccessible(lead, 'console session with its follow-up form');

    await followUps.getByLabel('Action item title').fill(FOLLOW_UP);
    await followUps.getByLabel('Details').fill('Raised at the session by the business owners.');
    await followUps.getByLabel('Owner').selectOption(people.engagementLead.id);
    await followUps.getByLabel('Sponsor').selectOption(people.engagementLead.id);
    await followUps.getByLabel('Due date').fill(await localDate(30));
    await followUps.getByRole('button', { name: 'Create the action item' }).click();
    // The owner cannot sponsor their own item: said next to the sponsor.
    await followUps.locator('.error-summary').waitFor();
    expect(await followUps.getByLabel('Sponsor').getAttribute('aria-invalid')).toBe('true');
    expect(await followUps.locator('.error-summary').textContent()).toContain('Sponsor: the sponsor must be someone other than the owner');
    await expectAccessible(lead, 'console follow-up form with an error');

    await followUps.getByLabel('Sponsor').selectOption(people.cityManager.id);
    await followUps.getByLabel('Due date').fill(await localDate(-1));
    await followUps.getByRole('button', { name: 'Create the action item' }).click();
    await followUps.getByLabel('Due date').and(lead.locator('[aria-invalid="true"]')).waitFor();
    expect(await followUps.getByLabel('Sponsor').getAttribute('aria-invalid')).toBeNull();
    expect(await followUps.locator('.error-summary').textContent()).toContain('Due date: must be in the future');
    expect(await system.db.actionItem.count({ where: { engagementSessionId: sessionId } })).toBe(0);

    await followUps.getByLabel('Due date').fill(await localDate(30));
    await followUps.getByRole('button', { name: 'Create the action item' }).click();
    await followUps.locator('.success-summary').waitFor();
    const item = await system.db.actionItem.findFirstOrThrow({ where: { engagementSessionId: sessionId } });
    expect(item).toMatchObject({ planId, title: FOLLOW_UP, ownerId: people.engagementLead.id, sponsorId: people.cityManager.id });
    await expectAccessible(lead, 'console follow-up form after creating an item');

    // The session's card links the new item's public page; the goal's public page lists it.
    await followUps.getByRole('link', { name: FOLLOW_UP }).click();
    await lead.getByRole('heading', { name: FOLLOW_UP, level: 1 }).waitFor();
    expect(new URL(lead.url()).pathname).toBe(`/plans/${planId}/items/${item.id}`);
    await expectAccessible(lead, 'public page of the follow-up item');
    const visitor = await (await session.contextFor()).newPage();
    await visitor.goto(`${system.baseUrl}/plans/${planId}/goals/1`);
    await visitor.getByRole('link', { name: FOLLOW_UP }).waitFor();
    await expectAccessible(visitor, 'public goal page with the follow-up item');
  });

  it('the follow-up form is in Spanish on the Spanish console page', async () => {
    const page = await lead.context().newPage();
    await page.goto(`${system.baseUrl}/console/sessions?lang=es`);
    const followUps = page.locator(`#staff-session-${sessionId}`).getByRole('region', { name: 'Seguimientos' });
    await followUps.getByRole('heading', { name: 'Añadir un seguimiento' }).waitFor();
    for (const label of ['Meta', 'Título de la tarea', 'Responsable', 'Patrocinador', 'Fecha límite']) await followUps.getByLabel(label, { exact: true }).waitFor();
    await followUps.getByRole('link', { name: FOLLOW_UP }).waitFor();
    await followUps.getByRole('button', { name: 'Crear la tarea' }).click();
    // Nothing chosen: the API refuses in English with a code per field; the form words each in Spanish next to its field.
    const summary = followUps.locator('.error-summary');
    await summary.waitFor();
    expect((await summary.locator('li').allTextContents()).sort()).toEqual(
      ['Título de la tarea', 'Responsable', 'Patrocinador', 'Fecha límite'].map((label) => `${label}: este dato es obligatorio`).sort(),
    );
    expect(await followUps.getByLabel('Responsable', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await followUps.locator('.field-error', { hasText: 'este dato es obligatorio' }).count()).toBe(4);
    await expectAccessible(page, 'Spanish console follow-up form with an error');

    // A rule of the moment (422): a due date that has passed.
    await followUps.getByLabel('Título de la tarea', { exact: true }).fill('Otra tarea');
    await followUps.getByLabel('Responsable', { exact: true }).selectOption(system.roster.people.engagementLead.id);
    await followUps.getByLabel('Patrocinador', { exact: true }).selectOption(system.roster.people.cityManager.id);
    await followUps.getByLabel('Fecha límite', { exact: true }).fill(await localDate(-1));
    await followUps.getByRole('button', { name: 'Crear la tarea' }).click();
    await followUps.getByLabel('Fecha límite', { exact: true }).and(page.locator('[aria-invalid="true"]')).waitFor();
    expect(await summary.locator('li').allTextContents()).toEqual(['Fecha límite: debe ser una fecha futura']);
    const refused = (await followUps.textContent())!;
    for (const english of ['must', 'required', 'future', 'letters, digits']) expect(refused).not.toContain(english);
    await page.close();
  });

  it("a refusal of the session itself (409) is in Spanish too: attendance for a session moved to a later day", async () => {
    const inDays = (days: number, hours: number) => new Date(Date.now() + days * 86_400_000 + hours * 3_600_000);
    const scheduled = await system.request(`/api/plans/${planId}/sessions`, {
      method: 'POST',
      as: 'CITY_MANAGER',
      json: { title: 'Sesión aplazada', startsAt: inDays(3, 0).toISOString(), endsAt: inDays(3, 2).toISOString(), place: 'The Center of Clayton', languages: ['es'] },
    });
    expect(scheduled.status).toBe(201);
    const { id } = (await scheduled.json()) as { id: string };
    // On the lead's page it has started, so its attendance form is there...
    await system.db.engagementSession.update({ where: { id }, data: { startsAt: inDays(0, -1), endsAt: inDays(0, 1) } });
    const page = await lead.context().newPage();
    await page.goto(`${system.baseUrl}/console/sessions?lang=es`);
    const card = page.locator(`#staff-session-${id}`);
    await card.getByRole('heading', { name: 'Asistencia' }).waitFor();
    // ...but it was moved to a later day before the lead recorded who came.
    await system.db.engagementSession.update({ where: { id }, data: { startsAt: inDays(3, 0), endsAt: inDays(3, 2) } });
    await card.getByRole('button', { name: 'Registrar la asistencia' }).click();
    await card.locator('.error-summary').waitFor();
    const said = (await card.locator('.error-summary').textContent())!;
    expect(said).toContain('La sesión todavía no ha empezado; registre la asistencia cuando haya empezado.');
    expect(said).not.toContain('has not started');
    expect((await system.db.engagementSession.findUniqueOrThrow({ where: { id } })).status).toBe('SCHEDULED');
    await expectAccessible(page, 'Spanish console attendance form with a refusal');
    await page.close();
  });

  it('the public crawl reaches the sessions page and the feed, and finds none of the staff notes', async () => {
    const pages = await crawlPublicSite(system.baseUrl);
    const paths = pages.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['/sessions', '/feeds/plan.ics', '/api/public/sessions', `/plans/${planId}`]));
    expect(pages.filter((p) => p.status >= 500)).toEqual([]);
    expect(leaks(pages, [NOTES, 'engagement.lead@example.org'])).toEqual([]);
  });
});
