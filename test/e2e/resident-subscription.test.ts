// A resident in the loop, through the browser, in Spanish: they switch the
// public site to Spanish, subscribe by email with no account, confirm from
// the Spanish email, get the next published statement in Spanish (written in
// both languages and approved together), read it on the public page, and
// unsubscribe with the link in that email, then delete what is kept. A
// neighbour subscribes to the incident by text from its public page. Every
// page visited is checked with axe-core; none shows subscriber data to others,
// and the public crawl (every public page, script, feed and JSON answer, while
// both subscriptions are active) finds neither the email address nor the phone
// number in any of its forms.
import type { Page } from 'playwright-core';
import type { TestSystem } from '../harness/app';
import { crawlPublicSite, leaks } from '../harness/publicCrawl';
import { linkIn, sinkReader } from '../harness/subscribers';
import { eventually, expectAccessible, loaded } from './browser';
import { E2eSession } from './session';

const RESIDENT = 'residente.e2e@example.net';
const NEIGHBOUR_PHONE = '+13145550199';
/** The neighbour's number as people write it (and as a page could show it). */
const NEIGHBOUR_PHONE_FORMS = [NEIGHBOUR_PHONE, '3145550199', '314-555-0199', '(314) 555-0199', '314 555 0199', '314.555.0199'];

const session = new E2eSession();
let system: TestSystem;
let resident: Page;
let number = '';

beforeAll(async () => {
  system = await session.start();
  resident = await (await session.contextFor({ phone: true })).newPage();
}, 180_000);

afterAll(() => session.stop(), 60_000);

const sinks = sinkReader(() => system.sinks);
const mailTo = () => sinks.mailTo(RESIDENT);

describe('a resident subscribes in Spanish and hears of the next statement in Spanish', () => {
  it('switches the public site to Spanish and subscribes by email, with no account', async () => {
    await resident.goto(`${system.baseUrl}/`);
    await loaded(resident);
    await resident.locator('.language-switcher').getByRole('link', { name: 'Español' }).click();
    await resident.waitForURL(/lang=es/);
    await loaded(resident);
    expect(await resident.getAttribute('html', 'lang')).toBe('es');
    await resident.getByRole('heading', { name: 'Los compromisos de Clayton, a la vista de todos' }).waitFor();
    await expectAccessible(resident, 'landing page in Spanish');

    await resident.locator('.site-nav').getByRole('link', { name: 'Recibir actualizaciones' }).click();
    await resident.getByRole('heading', { name: 'Reciba actualizaciones por correo electrónico o mensaje de texto' }).waitFor();
    // The choice sticks: the form is in Spanish and offers Spanish messages.
    expect(await resident.getByLabel('Idioma de los mensajes').inputValue()).toBe('es');
    await expectAccessible(resident, 'subscribe form (Spanish)');

    // Nothing filled in: the error names the field, in Spanish (the API's refusal is English).
    await resident.getByRole('button', { name: 'Suscribirme' }).click();
    await resident.locator('.error-summary').waitFor();
    expect(await resident.getByRole('textbox', { name: 'Correo electrónico' }).getAttribute('aria-invalid')).toBe('true');
    const emailRefusal = 'Escriba una dirección de correo electrónico, como nombre@ejemplo.com.';
    expect(await resident.locator('.error-summary li').allTextContents()).toEqual([emailRefusal]);
    expect(await resident.locator('#address-error').textContent()).toBe(emailRefusal);
    await expectAccessible(resident, 'subscribe form with an error (Spanish)');

    // A text message to a number that is not one: the refusal says what a mobile number looks like, in Spanish.
    await resident.getByRole('radio', { name: 'Mensaje de texto (SMS)' }).check();
    await resident.getByRole('textbox', { name: 'Número de celular' }).fill('12');
    await resident.getByRole('button', { name: 'Suscribirme' }).click();
    await resident.locator('.error-summary').waitFor();
    expect(await resident.getByRole('textbox', { name: 'Número de celular' }).getAttribute('aria-invalid')).toBe('true');
    expect(await resident.locator('.error-summary li').allTextContents()).toEqual(['Escriba un número de celular, como 314-555-0100.']);
    const refused = (await resident.textContent('main'))!;
    for (const english of ['Enter a', 'enter a', 'enter where', 'mobile number', 'must be']) expect(refused).not.toContain(english);
    await resident.getByRole('radio', { name: 'Correo electrónico' }).check();
    await resident.getByRole('textbox', { name: 'Número de celular' }).fill('');

    await resident.getByRole('textbox', { name: 'Correo electrónico' }).fill(RESIDENT);
    await resident.getByLabel('Las actualizaciones públicas de todos los incidentes críticos').check();
    await resident.getByRole('button', { name: 'Suscribirme' }).click();
    await resident.getByRole('heading', { name: 'Revise su correo electrónico' }).waitFor();
    await expectAccessible(resident, 'subscription requested (Spanish)');
    expect(await system.db.subscription.findFirstOrThrow({ where: { address: RESIDENT } })).toMatchObject({ status: 'PENDING', language: 'es' });
  });

  it('confirms from the Spanish email', async () => {
    const mail = await eventually(async () => mailTo().find((m) => m.subject.startsWith('Confirme su suscripción')), 'the confirmation email in Spanish');
    await resident.goto(linkIn(mail.text, /https?:\/\/\S+\/subscriptions\/confirm\/[\w.-]+/));
    await resident.getByRole('heading', { name: 'Confirme su suscripción' }).waitFor();
    await expectAccessible(resident, 'confirmation page (Spanish)');
    await resident.getByRole('button', { name: 'Confirmar mi suscripción' }).click();
    await resident.getByRole('heading', { name: 'Su suscripción está confirmada' }).waitFor();
    await expectAccessible(resident, 'subscription confirmed (Spanish)');
    expect((await system.db.subscription.findFirstOrThrow({ where: { address: RESIDENT } })).status).toBe('ACTIVE');
  });

  it('gets the next published statement in Spanish, and reads it on the public page', async () => {
    const declared = await system.request('/api/incidents', {
      method: 'POST',
      as: 'CITY_MANAGER',
      json: { type: 'USE_OF_FORCE_SERIOUS_INJURY', severity: 2, title: 'Use of force at the Shaw Park pool', summary: 'A man was injured during an arrest at 16:20.' },
    });
    number = ((await declared.json()) as { number: string }).number;
    const drafted = await system.request(`/api/incidents/${number}/statements`, {
      method: 'POST',
      as: 'POLICE_CHIEF',
      json: {
        kind: 'HOLDING_STATEMENT',
        title: 'Statement on the arrest at Shaw Park',
        body: 'A man was injured during an arrest this afternoon. The county is investigating.',
        translations: {
          es: { title: 'Comunicado sobre el arresto en Shaw Park', body: 'Un hombre resultó herido durante un arresto esta tarde. El condado está investigando.' },
        },
      },
    });
    const { statementId } = (await drafted.json()) as { statementId: string };
    await eventually(async () => {
      const decided = await system.request(`/api/statements/${statementId}/decisions`, { method: 'POST', as: 'PIO', json: { version: 1, decision: 'APPROVE' } });
      return decided.status === 200;
    }, 'the PIO to approve (severity 2: the PIO alone)');

    const mail = await eventually(async () => mailTo().find((m) => m.subject.startsWith('Nuevo comunicado')), 'the statement in Spanish');
    expect(mail.subject).toBe(`Nuevo comunicado: Comunicado sobre el arresto en Shaw Park (${number})`);
    expect(mail.text).toContain('Un hombre resultó herido durante un arresto esta tarde.');
    expect(mail.html).toContain('<html lang="es">');

    await resident.goto(linkIn(mail.text, /https?:\/\/\S+\/incidents\/CI-\d{4}-\d{4}\?lang=es/));
    await loaded(resident);
    await resident.locator('article', { hasText: 'Comunicado sobre el arresto en Shaw Park' }).waitFor();
    const main = (await resident.textContent('main'))!;
    expect(main).toContain('El condado está investigando.');
    expect(main).toContain('Comunicado inicial');
    // Private: the declaration summary, officials' names, and any subscriber.
    for (const secret of ['16:20', 'Alex Rutherford', 'Taylor Brennan', RESIDENT]) expect(main).not.toContain(secret);
    await expectAccessible(resident, 'public incident page (Spanish)');
  });

  it('a neighbour subscribes to this incident by text from its public page and confirms with YES', async () => {
    const neighbour = await (await session.contextFor({ phone: true })).newPage();
    await neighbour.goto(`${system.baseUrl}/incidents/${number}`);
    await loaded(neighbour);
    await neighbour.getByRole('link', { name: 'Get updates about this incident' }).click();
    await neighbour.getByRole('heading', { name: 'Get updates by email or text message' }).waitFor();
    expect(await neighbour.getByLabel(`Public updates on incident ${number}`).isChecked()).toBe(true);
    await neighbour.getByLabel('Text message (SMS)').check();
    await neighbour.getByRole('textbox', { name: 'Mobile number' }).fill('(314) 555-0199');
    await neighbour.getByRole('button', { name: 'Subscribe' }).click();
    await neighbour.getByRole('heading', { name: 'Check your phone' }).waitFor();
    await expectAccessible(neighbour, 'subscription requested by text (English)');

    const ask = await eventually(async () => sinks.textsTo(NEIGHBOUR_PHONE).find((m) => m.body.includes('reply YES')), 'the confirmation text');
    expect(ask.body).toContain(`public updates on incident ${number}`);
    await system.sinks.sms.reply({ from: NEIGHBOUR_PHONE, body: 'YES' });
    expect(await system.db.subscription.findFirstOrThrow({ where: { address: NEIGHBOUR_PHONE } })).toMatchObject({ status: 'ACTIVE', channel: 'SMS', language: 'en' });
  });

  it("the public crawl, with both subscriptions active, finds neither subscriber's email address nor phone number", async () => {
    expect(await system.db.subscription.count({ where: { address: { in: [RESIDENT, NEIGHBOUR_PHONE] }, status: 'ACTIVE' } })).toBe(2);
    const pages = await crawlPublicSite(system.baseUrl);
    const paths = pages.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['/', '/subscribe', `/incidents/${number}`, `/api/public/incidents/${number}`, '/feeds/statements.atom', '/feeds/deadlines.ics']));
    expect(pages.filter((p) => p.status >= 400).map((p) => `${p.path} ${p.status}`)).toEqual([]);
    expect(leaks(pages, [RESIDENT, ...NEIGHBOUR_PHONE_FORMS])).toEqual([]);
  }, 60_000);

  it('unsubscribes with the link in that email, then deletes what is kept', async () => {
    const mail = mailTo().find((m) => m.subject.startsWith('Nuevo comunicado'))!;
    await resident.goto(linkIn(mail.text, /https?:\/\/\S+\/subscriptions\/[\w.-]+\/unsubscribe/));
    await resident.getByRole('heading', { name: 'Cancelar la suscripción' }).waitFor();
    await expectAccessible(resident, 'unsubscribe page (Spanish)');
    await resident.getByRole('button', { name: 'Cancelar la suscripción' }).click();
    await resident.getByText('Su suscripción está cancelada.').waitFor();
    await expectAccessible(resident, 'unsubscribed, own subscription page (Spanish)');
    expect((await system.db.subscription.findFirstOrThrow({ where: { address: RESIDENT } })).status).toBe('UNSUBSCRIBED');

    await resident.getByLabel('Sí, quiero borrar mi suscripción y mi dirección').check();
    await resident.getByRole('button', { name: 'Borrar mis datos' }).click();
    await resident.getByRole('heading', { name: 'Sus datos se borraron' }).waitFor();
    await expectAccessible(resident, 'data deleted (Spanish)');
    expect(await system.db.subscription.findFirst({ where: { address: RESIDENT } })).toBeNull();
  });

  it('the English site is unchanged for an English reader, with the switcher to Spanish', async () => {
    const reader = await (await session.contextFor()).newPage();
    await reader.goto(`${system.baseUrl}/incidents/${number}`);
    await loaded(reader);
    expect(await reader.getAttribute('html', 'lang')).toBe('en');
    await reader.locator('article', { hasText: 'Statement on the arrest at Shaw Park' }).waitFor();
    expect(await reader.locator('.language-switcher a[aria-current="true"]').textContent()).toBe('English');
    await expectAccessible(reader, 'public incident page (English)');
  });
});
