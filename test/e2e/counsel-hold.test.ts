// Counsel's hold through the browser, against the whole system under the
// default policy (clayton-2026.3): the city attorney places a hold on every
// holding statement from the incident board; a resident's public page shows
// the deadline "held by counsel since ..., reason: Litigation" (not missed)
// and nothing of the private detail; the attorney releases it from the board;
// the PIO withdraws the published statement with a public note, which the
// public page shows in its place. Every page is checked with axe-core.
import type { Page } from 'playwright-core';
import type { TestSystem } from '../harness/app';
import { eventually, expectAccessible, loaded, signIn } from './browser';
import { E2eSession } from './session';

const session = new E2eSession();
let system: TestSystem;

const DETAIL = 'Juvenile witness; the family asked us to wait for the court hearing on 12 December';
const BODY = 'The St. Louis County Police Department is investigating. We will share more as soon as we can.';

beforeAll(async () => {
  system = await session.start();
}, 180_000);

afterAll(() => session.stop(), 60_000);

const api = (path: string, as: 'CITY_MANAGER' | 'POLICE_CHIEF' | 'PIO', json: unknown) => session.post(path, as, json);

describe("counsel's hold in the console and on the public page", () => {
  let number = '';
  let attorney: Page;
  let resident: Page;

  it('the city attorney places a hold on every holding statement from the incident board', async () => {
    const declared = await api('/api/incidents', 'CITY_MANAGER', {
      type: 'OFFICER_INVOLVED_SHOOTING',
      severity: 1,
      title: 'Shooting near the Forsyth Boulevard bus stop',
      summary: 'A juvenile was hurt; the investigation is open.',
    });
    number = declared.number;

    attorney = await (await session.contextFor()).newPage();
    await signIn(attorney, system.baseUrl, 'city.attorney@example.org');
    await attorney.goto(`${system.baseUrl}/console/incidents/${number}`);
    await loaded(attorney);
    const section = attorney.locator('section', { has: attorney.getByRole('heading', { name: "Counsel's holds" }) });
    await section.getByText('Nothing is held.').waitFor();
    await attorney.getByText("Place a counsel's hold").click();
    await attorney.getByLabel('What to hold').selectOption({ label: 'Every holding statement' });
    await attorney.getByLabel('Reason (public)').selectOption({ label: 'Litigation' });
    await expectAccessible(attorney, 'incident board with the hold form (city attorney)');

    // Without the private detail the form names the field.
    await attorney.getByRole('button', { name: 'Place the hold' }).click();
    await attorney.locator('#hold-detail[aria-invalid="true"]').waitFor();
    await attorney.getByLabel('Detail (private)').fill(DETAIL);
    await attorney.getByRole('button', { name: 'Place the hold' }).click();
    await attorney.getByText(/^Held\. The PIO and the City Manager have been told/).waitFor();

    const held = section.locator('#holds-list li').first();
    await held.getByText('Every holding statement: Litigation').waitFor();
    expect(await held.textContent()).toContain(DETAIL);
    await attorney.locator('#deadlines-table tr[data-deadline="holding_statement"]').getByText('Held by counsel').waitFor();
    await expectAccessible(attorney, 'incident board with an active hold (city attorney)');

    const row = await system.db.publicationHold.findFirstOrThrow({ where: { incident: { number } } });
    expect(row).toMatchObject({ scope: 'STATEMENT_KIND', statementKind: 'HOLDING_STATEMENT', category: 'LITIGATION', detail: DETAIL });
  });

  it('the public page shows the deadline held by counsel with its category, never the detail', async () => {
    resident = await (await session.contextFor({ phone: true })).newPage();
    await resident.goto(`${system.baseUrl}/incidents/${number}`);
    await loaded(resident);
    const holding = resident.locator('tr[data-deadline="holding_statement"]');
    expect(await holding.textContent()).toMatch(/Held by counsel since .+, reason: Litigation\./);
    expect(await holding.textContent()).not.toContain('Missed');
    expect(await resident.locator('#held-notice').textContent()).toContain('every holding statement, reason: Litigation');
    expect(await resident.locator('#holds').textContent()).toMatch(/Held by counsel since.*reason: Litigation\. Covers every holding statement\. It lapses no later than/);
    const body = (await resident.textContent('main'))!;
    for (const secret of [DETAIL, 'Juvenile witness', 'A juvenile was hurt', 'Drew Kaminski']) expect(body).not.toContain(secret);
    await expectAccessible(resident, 'public incident page with a hold (phone)');

    // A Spanish reader gets the same record in Spanish, the hold's category in the policy's Spanish words.
    const lector = await (await session.contextFor({ phone: true })).newPage();
    await lector.goto(`${system.baseUrl}/incidents/${number}?lang=es`);
    await loaded(lector);
    expect(await lector.locator('tr[data-deadline="holding_statement"]').textContent()).toMatch(/Retenido por la asesoría legal desde el .+; motivo: Litigio\./);
    const aviso = (await lector.locator('#held-notice').textContent())!;
    expect(aviso).toContain('Retenido por la asesoría legal.');
    expect(aviso).toContain('El Abogado de la Ciudad detuvo la publicación (cada comunicado inicial, motivo: Litigio, desde el ');
    expect(aviso).toContain('Los plazos que cubre están en pausa, no incumplidos');
    expect(await lector.locator('#holds-heading').textContent()).toBe('Retenciones legales');
    expect(await lector.locator('#holds').textContent()).toMatch(/Retención legal desde el .*; motivo: Litigio\. Cubre cada comunicado inicial\. Vence a más tardar el/);
    const cuerpo = (await lector.textContent('main'))!;
    for (const english of ['Held by counsel', 'reason:', 'Litigation', 'Covers every']) expect({ english, found: cuerpo.includes(english) }).toEqual({ english, found: false });
    await lector.context().close();

    await resident.goto(`${system.baseUrl}/`);
    await loaded(resident);
    await resident.locator('#public-incidents li', { hasText: number }).getByText('Held by counsel', { exact: true }).waitFor();
    await expectAccessible(resident, 'public landing page with a held incident');
  });

  it('the attorney releases the hold from the board; the public page keeps the record of it', async () => {
    await attorney.getByText('Release this hold').first().click();
    await attorney.getByLabel('Note for staff (optional)').fill('Hearing moved; no reason to wait.');
    await attorney.locator('form.release-form button[type="submit"]').click();
    await attorney.locator('#holds-list li').first().getByText('Released', { exact: true }).waitFor();
    await expectAccessible(attorney, 'incident board with a released hold');

    await eventually(async () => {
      await resident.goto(`${system.baseUrl}/incidents/${number}`);
      await loaded(resident);
      return !(await resident.locator('tr[data-deadline="holding_statement"]').textContent())?.includes('Held by counsel');
    }, 'the holding statement deadline to run again');
    expect(await resident.locator('#holds').textContent()).toMatch(/Released/);
    expect(await resident.locator('#held-notice').count()).toBe(0);
    expect(await resident.textContent('main')).not.toContain('no reason to wait');
    await expectAccessible(resident, 'public incident page after the release (phone)');
  });

  it('the PIO withdraws the published statement from the board with a public note', async () => {
    const draft = await api(`/api/incidents/${number}/statements`, 'POLICE_CHIEF', { kind: 'HOLDING_STATEMENT', title: 'Statement on the Forsyth Boulevard shooting', body: BODY });
    await eventually(async () => {
      const res = await system.request(`/api/statements/${draft.statementId}/decisions`, { method: 'POST', as: 'PIO', json: { version: 1, decision: 'APPROVE' } });
      return res.status === 200;
    }, "the PIO's approval");
    await api(`/api/statements/${draft.statementId}/decisions`, 'CITY_MANAGER', { version: 1, decision: 'APPROVE' });
    await eventually(async () => (await system.db.statement.findUniqueOrThrow({ where: { id: draft.statementId } })).status === 'PUBLISHED', 'the publication');

    const pio = await (await session.contextFor()).newPage();
    await signIn(pio, system.baseUrl, 'pio@example.org');
    await pio.goto(`${system.baseUrl}/console/incidents/${number}`);
    const card = pio.locator(`#statement-${draft.statementId}`);
    await card.getByText('Withdraw this published statement').click();
    await card.getByLabel('Public note').fill('Withdrawn: it named the wrong investigating agency. A corrected statement follows.');
    await expectAccessible(pio, 'incident board with the withdraw form (PIO)');
    await card.getByRole('button', { name: 'Withdraw this statement' }).click();
    await card.getByText(/Withdrawn .*Public note: Withdrawn: it named the wrong investigating agency/).waitFor();

    await resident.goto(`${system.baseUrl}/incidents/${number}`);
    await loaded(resident);
    const withdrawn = resident.locator(`#statement-${draft.statementId}`);
    expect(await withdrawn.textContent()).toContain('Withdrawn: Holding statement');
    expect(await withdrawn.textContent()).toContain('A corrected statement follows.');
    expect(await resident.textContent('main')).not.toContain(BODY);
    await expectAccessible(resident, 'public incident page with a withdrawn statement (phone)');
  });
});
