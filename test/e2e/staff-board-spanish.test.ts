// The incident board in Spanish, against the whole system: the city attorney
// chooses Spanish as their language on the console home, and from then on the
// board is in Spanish because it is their language (no ?lang=, no cookie):
// they place a counsel's hold from it, choosing among the categories by their
// Spanish names, and every label around the hold (the category on the hold,
// on the held statement and in the timeline, the parts of the system that
// acted, the page title) is Spanish, with none of the English words. The
// email telling them of the hold names the category in Spanish too. The same
// board switched to English names the category in English: the names come
// from the catalogues by the category's code. Every state is checked with axe.
import type { Page } from 'playwright-core';
import type { TestSystem } from '../harness/app';
import { eventually, expectAccessible, loaded, signIn } from './browser';
import { E2eSession } from './session';

const session = new E2eSession();
let system: TestSystem;

const ATTORNEY = 'city.attorney@example.org';
const DETAIL = 'Testigo menor de edad; la familia pidió esperar a la audiencia del 12 de diciembre';

/** English words that must not appear on the Spanish board: labels, hold categories, system actors, the title's suffix. */
const ENGLISH = [
  'Litigation',
  'Pending investigation',
  'Personnel matter',
  'Juvenile involved',
  "Counsel's hold",
  'Held by counsel',
  'Every holding statement',
  'Deadlines',
  'Statements',
  'Timeline',
  'reason:',
  'system (',
  'system:',
  'Common Ground console',
];

beforeAll(async () => {
  system = await session.start();
}, 180_000);

afterAll(() => session.stop(), 60_000);

const api = (path: string, as: 'CITY_MANAGER' | 'POLICE_CHIEF' | 'PIO', json: unknown) => session.post(path, as, json);

/** The English words found in the page's visible text and its title (none, on a Spanish page). */
async function englishOn(page: Page): Promise<string[]> {
  const text = `${await page.title()}\n${await page.locator('body').innerText()}`;
  return ENGLISH.filter((word) => text.includes(word));
}

describe('the incident board for a staff member whose language is Spanish', () => {
  let number = '';
  let statementId = '';
  let attorney: Page;

  it('the attorney chooses Spanish on the console home; the board is then in Spanish by their language alone', async () => {
    const declared = await api('/api/incidents', 'CITY_MANAGER', {
      type: 'OFFICER_INVOLVED_SHOOTING',
      severity: 2,
      title: 'Tiroteo cerca de la parada de autobús de Forsyth',
      summary: 'Un menor resultó herido; la investigación sigue abierta.',
    });
    number = declared.number;
    const draft = await api(`/api/incidents/${number}/statements`, 'POLICE_CHIEF', {
      kind: 'HOLDING_STATEMENT',
      title: 'Comunicado sobre el tiroteo de Forsyth',
      body: 'La policía investiga. Daremos más información en cuanto podamos.',
    });
    statementId = draft.statementId;

    const context = await session.contextFor();
    attorney = await context.newPage();
    await signIn(attorney, system.baseUrl, ATTORNEY);
    await loaded(attorney);
    await attorney.getByLabel('Language of your messages and of these pages').selectOption({ label: 'Español' });
    await Promise.all([attorney.waitForURL(/\?lang=es$/), attorney.getByRole('button', { name: 'Save the language' }).click()]);
    expect(await system.db.person.findUniqueOrThrow({ where: { email: ATTORNEY } })).toMatchObject({ language: 'es' });
    // The switcher's cookie would also say Spanish: without it, only the person's language does.
    await context.clearCookies({ name: 'cg_lang' });

    await attorney.goto(`${system.baseUrl}/console/incidents/${number}`);
    await loaded(attorney);
    expect(await attorney.locator('html').getAttribute('lang')).toBe('es');
    const holds = attorney.locator('section', { has: attorney.getByRole('heading', { name: 'Retenciones legales' }) });
    await holds.getByText('No hay nada retenido.').waitFor();
    expect(await attorney.title()).toBe(`${number}: Tiroteo cerca de la parada de autobús de Forsyth · Consola de Common Ground`);
    for (const heading of ['Confirmaciones', 'Plazos', 'Comunicados', 'Cronología']) await attorney.getByRole('heading', { name: heading, exact: true }).waitFor();
    expect(await englishOn(attorney)).toEqual([]);
    await expectAccessible(attorney, 'incident board in Spanish (city attorney)');
  });

  it('the hold form offers the categories by their Spanish names, and the placed hold is named in Spanish', async () => {
    await attorney.getByText('Poner una retención legal').click();
    const reason = attorney.getByLabel('Motivo (público)');
    expect(await reason.locator('option').allTextContents()).toEqual(['Investigación pendiente', 'Asunto de personal', 'Hay menores involucrados', 'Litigio']);
    await attorney.getByLabel('Qué retener').selectOption({ label: 'Cada comunicado inicial' });
    await reason.selectOption({ label: 'Litigio' });
    await attorney.getByLabel('Detalle (privado)').fill(DETAIL);
    expect(await englishOn(attorney)).toEqual([]);
    await expectAccessible(attorney, 'incident board in Spanish with the hold form');

    await attorney.getByRole('button', { name: 'Poner la retención' }).click();
    await attorney.getByText(/^Retenido\. Se avisó al Oficial de Información Pública/).waitFor();
    const row = await system.db.publicationHold.findFirstOrThrow({ where: { incident: { number } } });
    expect(row).toMatchObject({ scope: 'STATEMENT_KIND', statementKind: 'HOLDING_STATEMENT', category: 'LITIGATION', detail: DETAIL });

    const held = attorney.locator('#holds-list li').first();
    await held.getByText('Cada comunicado inicial: Litigio').waitFor();
    await held.getByText('Retenido por la asesoría legal', { exact: true }).waitFor();
    await attorney.locator('#deadlines-table tr[data-deadline="holding_statement"]').getByText('Retenido por la asesoría legal', { exact: true }).waitFor();
  });

  it('the approved statement waits for the hold, and the timeline names the category and the system in Spanish', async () => {
    await eventually(async () => {
      const res = await system.request(`/api/statements/${statementId}/decisions`, { method: 'POST', as: 'PIO', json: { version: 1, decision: 'APPROVE' } });
      return res.status === 200;
    }, "the PIO's approval");

    // The board refreshes itself.
    const callout = attorney.locator(`#statement-${statementId} .held-statement`);
    await callout.waitFor();
    expect(await callout.textContent()).toMatch(/una retención legal \(Litigio\) detiene su publicación desde el /);
    const timeline = attorney.locator('#timeline-body');
    await timeline.getByText('Aprobado; publicación retenida por la asesoría legal, por el sistema (flujo del comunicado)').waitFor();
    await timeline.locator('li', { hasText: 'Retención legal puesta, por Drew Kaminski' }).getByText('motivo: Litigio').waitFor();
    await timeline.getByText('Plazo en pausa por una retención legal, por el sistema (flujo del incidente)').waitFor();
    expect(await englishOn(attorney)).toEqual([]);
    await expectAccessible(attorney, 'incident board in Spanish with an active hold and a held statement');
  });

  it('the email telling the attorney of the hold names its category in Spanish', async () => {
    const mail = await eventually(
      async () => system.sinks.mail.messages().find((m) => m.envelope.to.includes(ATTORNEY) && m.subject.startsWith('Retención legal de la publicación')),
      'the Spanish hold email to the city attorney',
    );
    expect(mail.text).toContain(`sobre cada comunicado inicial del incidente ${number}: Tiroteo cerca de la parada de autobús de Forsyth (Litigio).`);
    expect(mail.text).not.toMatch(/Litigation|holding statement/);
  });

  it('switched to English, the same board names the category in English', async () => {
    await attorney.locator('.language-switcher').getByRole('link', { name: 'English' }).click();
    await loaded(attorney);
    await attorney.locator('#holds-list li').first().getByText('Every holding statement: Litigation').waitFor();
    await attorney.locator(`#statement-${statementId} .held-statement`).getByText(/a counsel's hold \(Litigation\)/).waitFor();
    expect(await attorney.locator('#timeline-body').textContent()).not.toContain('Litigio');
    await expectAccessible(attorney, 'incident board in English with an active hold');
  });
});
