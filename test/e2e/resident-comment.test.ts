// A resident's comment and the City's promise to answer it, through the
// browser, under a policy measured in seconds (test/harness/commentPolicy.ts):
// a resident comments on an item's public page with no account; the item's
// owner publishes and answers it in the console; it appears on the public
// item page with the answer, and the answer reaches the resident by email. A
// second comment left unanswered escalates (the owner is told it is overdue,
// then the sponsor). The console shows its queue in the navigation to whoever
// moderates (an item's owner, the moderator roles) and to nobody else. A
// resident whose browser asks for Spanish comments in Spanish and gets the
// answer in Spanish. The public crawl reaches the comment pages and finds the
// resident's address nowhere. Every page visited is checked with axe-core.
import type { Page } from 'playwright-core';
import type { TestSystem } from '../harness/app';
import { apiCaller } from '../harness/http';
import { crawlPublicSite, leaks } from '../harness/publicCrawl';
import { FAST_COMMENTS_POLICY } from '../harness/commentPolicy';
import { DEFAULT_POLICY, setCurrentPolicy } from '../../policy';
import { formatCivilDate, localDateOf } from '../../domain/time/cityTime';
import { eventually, expectAccessible, loaded, signIn } from './browser';
import { E2eSession } from './session';

const RESIDENT = 'vecino.e2e@example.net';
const SPANISH_RESIDENT = 'vecina.es.e2e@example.net';
const session = new E2eSession();
let system: TestSystem;
let resident: Page;
let owner: Page;
const s = { planId: '', itemId: '' };
const send = apiCaller(() => system.request);
const inDays = (days: number) => formatCivilDate(localDateOf(Date.now() + days * 86_400_000, 'America/Chicago'));

beforeAll(async () => {
  setCurrentPolicy(FAST_COMMENTS_POLICY);
  system = await session.start();
  const plan = await send('POST', '/api/plans', { as: 'CITY_MANAGER', json: { title: 'Comments journey plan', startDate: inDays(0), goals: [{ number: 1, title: 'Transparency' }] } });
  s.planId = plan.json.id;
  const item = await send('POST', `/api/plans/${s.planId}/items`, {
    as: 'CITY_MANAGER',
    json: { goalNumber: 1, title: 'Publish use-of-force data', ownerId: system.roster.people.policeChief.id, sponsorId: system.roster.people.mayor.id, dueAt: inDays(60) },
  });
  s.itemId = item.json.id;
  resident = await (await session.contextFor({ phone: true })).newPage();
  owner = await (await session.contextFor()).newPage();
}, 180_000);

afterAll(async () => {
  setCurrentPolicy(DEFAULT_POLICY);
  await session.stop();
}, 60_000);

const itemPage = () => `${system.baseUrl}/plans/${s.planId}/items/${s.itemId}`;
const mailTo = (address: string) => system.sinks.mail.messages().filter((m) => m.envelope.to.includes(address));

async function leaveComment(page: Page, body: string, opts: { name?: string; email?: string } = {}) {
  await page.goto(itemPage());
  await page.getByRole('heading', { name: 'Publish use-of-force data' }).waitFor();
  await page.getByLabel('Your comment').fill(body);
  if (opts.name) await page.getByLabel('Your name (optional, shown with the comment)').fill(opts.name);
  if (opts.email) await page.getByLabel(/Your email/).fill(opts.email);
  const label = await page.locator('label[for="comment-answer"]').innerText();
  const [, a, b] = /(\d+) \+ (\d+)/.exec(label) ?? [];
  await page.getByLabel(/To show you are a person/).fill(String(Number(a) + Number(b)));
  await page.getByRole('button', { name: 'Send' }).click();
  await page.getByText('Thank you. Your comment will appear here once a moderator has published it.').waitFor();
}

describe("a resident's comment is answered within its deadline, or escalates", () => {
  it('a resident comments on the public item page with no account', async () => {
    await resident.goto(`${system.baseUrl}/plans/${s.planId}/goals/1`);
    await resident.getByRole('link', { name: 'Publish use-of-force data' }).click();
    await resident.waitForURL(itemPage());
    await expectAccessible(resident, 'item page with the comment form');

    // A wrong answer is refused, naming the question.
    await resident.getByLabel('Your comment').fill('Please include traffic stops.');
    await resident.getByLabel(/To show you are a person/).fill('1000');
    await resident.getByRole('button', { name: 'Send' }).click();
    await resident.locator('.error-summary').waitFor();
    expect(await resident.getByLabel(/To show you are a person/).getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(resident, 'comment form with an error');

    await leaveComment(resident, 'Please include traffic stops in the data.', { name: 'Ana', email: RESIDENT });
    await expectAccessible(resident, 'comment received');
    expect(await system.db.publicComment.findFirstOrThrow({ where: { body: 'Please include traffic stops in the data.' } })).toMatchObject({ status: 'PENDING', replyEmail: RESIDENT });
  });

  it('the owner publishes and answers it in the console; it shows on the public page with the answer, and the resident gets it by email', async () => {
    await signIn(owner, system.baseUrl, system.roster.people.policeChief.email);
    // The owner of the item holds no moderator role: the queue is in the navigation for the item they own.
    await owner.locator('.site-nav').getByRole('link', { name: "Residents' comments" }).click();
    await owner.waitForURL(`${system.baseUrl}/console/comments`);
    const card = owner.locator('article.comment', { hasText: 'Please include traffic stops in the data.' });
    await card.waitFor();
    await expectAccessible(owner, 'comment queue');
    await card.getByRole('button', { name: 'Publish' }).click();
    await owner.locator('article.comment[data-status="PUBLISHED"]', { hasText: 'Please include traffic stops in the data.' }).waitFor();
    const published = owner.locator('article.comment', { hasText: 'Please include traffic stops in the data.' });
    await published.getByLabel(/The City's answer/).fill('Yes: traffic stops are in from the next quarter.');
    await published.getByRole('button', { name: 'Send the answer' }).click();
    await owner.locator('article.comment[data-status="ANSWERED"]', { hasText: 'Yes: traffic stops are in from the next quarter.' }).waitFor();

    await resident.goto(itemPage());
    const shown = resident.locator('article.comment', { hasText: 'Please include traffic stops in the data.' });
    await shown.getByText('Yes: traffic stops are in from the next quarter.').waitFor();
    await shown.getByText('Ana').waitFor();
    await expectAccessible(resident, 'item page with an answered comment');
    expect(await resident.content()).not.toContain(RESIDENT);
    const answered = await system.db.publicComment.findFirstOrThrow({ where: { body: 'Please include traffic stops in the data.' } });
    expect(answered.answeredOnTime).toBe(true);

    const mail = await eventually(async () => mailTo(RESIDENT).find((m) => m.subject.startsWith('The City answered your comment')), 'the answer by email');
    expect(mail.text).toContain('Yes: traffic stops are in from the next quarter.');
  });

  it('a second comment left unanswered escalates: the owner, then the sponsor, are told it is overdue', async () => {
    await leaveComment(resident, 'When will complaints be included?');
    const comment = await system.db.publicComment.findFirstOrThrow({ where: { body: 'When will complaints be included?' } });
    const chief = system.roster.people.policeChief.email;
    const mayor = system.roster.people.mayor.email;
    await eventually(async () => mailTo(chief).some((m) => m.subject === "Overdue: a resident's comment on Publish use-of-force data has no answer"), 'the owner told', 100_000);
    await eventually(async () => mailTo(mayor).some((m) => m.subject.startsWith('Overdue:')), 'the sponsor told', 30_000);
    expect(Date.now()).toBeGreaterThanOrEqual(comment.dueAt.getTime());

    await owner.goto(`${system.baseUrl}/console/comments`);
    const card = owner.locator('article.comment', { hasText: 'When will complaints be included?' });
    await card.getByText(/overdue: (sponsor|city manager) told|overdue: listed for the board/).waitFor();
    await expectAccessible(owner, 'comment queue with an overdue comment');
  }, 180_000);

  it('the console shows the comment queue in its navigation to a moderator role, and not to a role that may not moderate', async () => {
    const navLink = (page: Page) => page.locator('.site-nav a[href="/console/comments"]');
    const signedIn = async (email: string) => {
      const page = await (await session.contextFor()).newPage();
      await signIn(page, system.baseUrl, email);
      // The entries are revealed by the page's script once it knows who is signed in.
      await page.locator('#who:has-text("Signed in as")').waitFor();
      return page;
    };
    const lead = await signedIn(system.roster.people.engagementLead.email);
    await navLink(lead).waitFor({ state: 'visible' });
    expect(await navLink(lead).innerText()).toBe("Residents' comments");
    await expectAccessible(lead, 'console home with the comment queue in the navigation');

    const pio = await signedIn(system.roster.people.pio.email);
    expect(await navLink(pio).count()).toBe(1);
    expect(await navLink(pio).isVisible()).toBe(false);
    expect((await send('GET', '/api/comments/queue', { as: 'PIO' })).status).toBe(403);
  });

  it('the public crawl reaches the comment pages and finds no resident address', async () => {
    const pages = await crawlPublicSite(system.baseUrl);
    const paths = pages.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining([`/plans/${s.planId}/goals/1`, `/plans/${s.planId}/items/${s.itemId}`, `/api/public/plans/${s.planId}/items/${s.itemId}/comments`, `/api/public/plans/${s.planId}/comment-figures`]));
    expect(pages.filter((p) => p.status >= 400).map((p) => `${p.path} ${p.status}`)).toEqual([]);
    expect(leaks(pages, [RESIDENT])).toEqual([]);
  }, 60_000);
});

describe('a resident whose browser asks for Spanish comments in Spanish and gets the answer in Spanish', () => {
  let espanol: Page;
  const english = /\b(Your comment|Send|Thank you|Leave a comment|To show you are a person|Hello|The City answered|See it on the public page|Your answer was not accepted)\b/;

  beforeAll(async () => {
    const context = await session.contextFor({ phone: true, locale: 'es-MX' });
    // Another resident, from another network address (the app trusts its loopback proxy's X-Forwarded-For): an hourly limit of their own.
    await context.setExtraHTTPHeaders({ 'x-forwarded-for': '203.0.113.45' });
    espanol = await context.newPage();
  });

  it('the item page, its form, the question, a refusal and the confirmation are in Spanish', async () => {
    await espanol.goto(itemPage());
    expect(await espanol.getAttribute('html', 'lang')).toBe('es');
    await espanol.getByRole('heading', { name: 'Publish use-of-force data' }).waitFor();
    await espanol.getByRole('heading', { name: 'Comentarios', exact: true }).waitFor();
    await espanol.getByRole('heading', { name: 'Deje un comentario' }).waitFor();
    await expectAccessible(espanol, 'item page with the comment form (Spanish)');

    await espanol.getByLabel('Su comentario').fill('¿Incluirán las paradas de tráfico?');
    await espanol.getByLabel('Su nombre (opcional, se muestra con el comentario)').fill('Lucía');
    await espanol.getByLabel(/^Su correo electrónico/).fill(SPANISH_RESIDENT);
    // A wrong answer: refused in Spanish, with a new question.
    await espanol.getByLabel(/^Para mostrar que es una persona: \d+ \+ \d+ = \?$/).fill('1000');
    await espanol.getByRole('button', { name: 'Enviar' }).click();
    const summary = espanol.locator('.error-summary');
    await summary.waitFor();
    expect(await summary.innerText()).toContain('No se aceptó su respuesta: responda la nueva pregunta de abajo.');
    expect(await espanol.locator('#challenge-error').innerText()).toBe('No se aceptó su respuesta: responda la nueva pregunta de abajo.');
    expect(await espanol.getByLabel(/^Para mostrar que es una persona/).getAttribute('aria-invalid')).toBe('true');
    expect(await espanol.getByLabel('Su comentario').inputValue()).toBe('¿Incluirán las paradas de tráfico?');
    await expectAccessible(espanol, 'comment form with an error (Spanish)');

    const label = await espanol.locator('label[for="comment-answer"]').innerText();
    const [, a, b] = /(\d+) \+ (\d+)/.exec(label) ?? [];
    await espanol.getByLabel(/^Para mostrar que es una persona/).fill(String(Number(a) + Number(b)));
    await espanol.getByRole('button', { name: 'Enviar' }).click();
    await espanol.getByText('Gracias. Su comentario aparecerá aquí cuando un moderador lo publique.').waitFor();
    await expectAccessible(espanol, 'comment received (Spanish)');
    expect(await espanol.locator('main').innerText()).not.toMatch(english);
    expect(await system.db.publicComment.findFirstOrThrow({ where: { body: '¿Incluirán las paradas de tráfico?' } })).toMatchObject({ status: 'PENDING', language: 'es', replyEmail: SPANISH_RESIDENT });
  });

  it("the City's answer reaches the resident by email in Spanish, with a link to the page in Spanish", async () => {
    const comment = await system.db.publicComment.findFirstOrThrow({ where: { body: '¿Incluirán las paradas de tráfico?' } });
    expect((await send('POST', `/api/comments/${comment.id}/publish`, { as: 'POLICE_CHIEF' })).status).toBe(200);
    expect((await send('POST', `/api/comments/${comment.id}/replies`, { as: 'POLICE_CHIEF', json: { body: 'Sí: desde el próximo trimestre.' } })).status).toBe(201);

    const mail = await eventually(async () => mailTo(SPANISH_RESIDENT).find((m) => m.subject === 'La Ciudad respondió a su comentario sobre Publish use-of-force data'), 'the answer by email, in Spanish');
    expect(mail.text).toContain(`${system.roster.people.policeChief.name} respondió a su comentario sobre Publish use-of-force data:`);
    expect(mail.text).toContain('Sí: desde el próximo trimestre.');
    expect(mail.text).toContain('Su comentario: “¿Incluirán las paradas de tráfico?”');
    expect(mail.text).toContain('Verlo en la página pública');
    expect(mail.text).not.toMatch(english);
    const link = /https?:\/\/\S+\/plans\/\S+\?lang=es#comment-\S+/.exec(mail.text ?? '')?.[0];
    expect(link).toBeDefined();

    await espanol.goto(link!);
    const shown = espanol.locator(`#comment-${comment.id}`);
    await shown.getByText('Sí: desde el próximo trimestre.').waitFor();
    await shown.getByText(/^Respuesta de la Ciudad \(/).waitFor();
    await expectAccessible(espanol, 'item page with the answer (Spanish)');
    expect(await espanol.content()).not.toContain(SPANISH_RESIDENT);
  });
});
