// One critical incident, end to end through the browser, one role at a time,
// against the whole system (real Temporal dev server, PostgreSQL, SMTP and SMS
// sinks, worker, API and pages):
//   city manager declares -> the mayor acknowledges on a phone -> the PIO drafts
//   -> the city manager sends it back (the API's field error shows next to the
//   comment box) -> the PIO revises -> the city manager approves -> the chief
//   approves from the signed link in the approval email -> the statement is on
//   the public incident page, the Atom feed, and the deadline is met.
// Every page visited is checked with axe-core for serious/critical violations.
import type { Page } from 'playwright-core';
import type { TestSystem } from '../harness/app';
import { parseAtom, parseIcs } from '../harness/feeds';
import { eventually, expectAccessible, loaded, signIn } from './browser';
import { E2eSession } from './session';

const EMAIL = {
  cityManager: 'city.manager@example.org',
  chief: 'police.chief@example.org',
  pio: 'pio@example.org',
  mayor: 'mayor@example.org',
};

const session = new E2eSession();
let system: TestSystem;

const contextFor = (opts: { phone?: boolean } = {}) => session.contextFor(opts);

beforeAll(async () => {
  system = await session.start();
}, 180_000);

afterAll(() => session.stop(), 60_000);

describe('critical incident journey through the browser', () => {
  let number = '';
  let statementTitle = '';
  let cityManager: Page;
  let pio: Page;

  it('the city manager declares an incident from the policy-driven form, with a confirmation step', async () => {
    cityManager = await (await contextFor()).newPage();

    await cityManager.goto(`${system.baseUrl}/console/sign-in`);
    await expectAccessible(cityManager, 'sign-in');
    // Keyboard only: the skip link comes first and lands in the main content; the form submits with Enter.
    await cityManager.keyboard.press('Tab');
    expect(await cityManager.evaluate(() => document.activeElement?.textContent)).toBe('Skip to main content');
    await cityManager.keyboard.press('Enter');
    expect(await cityManager.evaluate(() => document.activeElement?.id)).toBe('main');
    await cityManager.keyboard.press('Tab'); // the "public site" link in the intro
    await cityManager.keyboard.press('Tab');
    expect(await cityManager.evaluate(() => document.activeElement?.id)).toBe('email');
    await cityManager.keyboard.type(EMAIL.cityManager);
    await cityManager.keyboard.press('Tab');
    await cityManager.keyboard.type('demo-password');
    await Promise.all([cityManager.waitForURL(`${system.baseUrl}/console`), cityManager.keyboard.press('Enter')]);
    await loaded(cityManager);
    await expectAccessible(cityManager, 'console home (city manager)');

    await cityManager.locator('#main').getByRole('link', { name: 'Declare an incident' }).click();
    await cityManager.waitForURL(`${system.baseUrl}/console/declare`);
    await cityManager.getByRole('button', { name: 'Continue' }).waitFor();
    await expectAccessible(cityManager, 'declare form');

    // Nothing filled in: each missing field is named next to the field and in the summary.
    await cityManager.getByRole('button', { name: 'Continue' }).click();
    await cityManager.locator('.error-summary').waitFor();
    expect(await cityManager.locator('#type-error').textContent()).toBe('Choose what happened');
    expect(await cityManager.locator('#title').getAttribute('aria-invalid')).toBe('true');
    expect(await cityManager.locator('#title').getAttribute('aria-describedby')).toContain('title-error');
    await expectAccessible(cityManager, 'declare form with errors');

    // Choosing the type suggests the policy's default severity (1 for a shooting).
    await cityManager.getByLabel('Officer-involved shooting').check();
    expect(await cityManager.locator('#severity-1').isChecked()).toBe(true);
    await cityManager.getByLabel('Short title').fill('Officer-involved shooting on Forsyth Blvd');
    await cityManager.getByLabel('What we know so far').fill('Shots fired during a traffic stop at 14:05. One person taken to hospital.');
    await cityManager.getByRole('button', { name: 'Continue' }).click();

    const confirm = cityManager.locator('#confirm');
    await confirm.getByRole('heading', { name: 'Check before you declare' }).waitFor();
    expect(await confirm.textContent()).toContain('Holding statement: due within 1 hour');
    expect(await confirm.textContent()).toMatch(/Mayor.*Alderman.*City Manager.*Police Chief/);
    await expectAccessible(cityManager, 'declare confirmation');

    await cityManager.getByRole('button', { name: 'Declare incident now' }).click();
    await cityManager.waitForURL(/\/console\/incidents\/CI-\d{4}-\d{4}\?declared=1$/);
    number = /\/console\/incidents\/(CI-\d{4}-\d{4})/.exec(cityManager.url())![1];

    const row = await system.db.incident.findUniqueOrThrow({ where: { number } });
    expect(row).toMatchObject({ type: 'OFFICER_INVOLVED_SHOOTING', severity: 1, status: 'ACTIVE' });

    await cityManager.locator('#deadlines-table').getByText('Holding statement').waitFor();
    expect(await cityManager.locator('#deadlines-table tr[data-deadline="holding_statement"] .countdown').textContent()).toMatch(/^due in /);
    await cityManager.locator('#acks-table').getByText('Morgan Hale').waitFor();
    await expectAccessible(cityManager, 'incident board (city manager)');
  });

  it('the mayor acknowledges from a phone-sized screen, and the board shows it live', async () => {
    const mayor = await (await contextFor({ phone: true })).newPage();
    await signIn(mayor, system.baseUrl, EMAIL.mayor);
    await mayor.goto(`${system.baseUrl}/console/incidents/${number}`);
    const acknowledge = mayor.getByRole('button', { name: 'I acknowledge' });
    await acknowledge.waitFor();
    // The button is the first thing on the phone screen, without scrolling.
    const box = (await acknowledge.boundingBox())!;
    expect(box.y + box.height).toBeLessThan(844);
    expect(box.width).toBeGreaterThan(300);
    await expectAccessible(mayor, 'incident board (mayor, phone)');

    await acknowledge.click();
    await mayor.getByText(/You acknowledged this incident at/).waitFor();

    const mayorId = system.roster.people.mayor.id;
    const recipient = await system.db.incidentRecipient.findFirstOrThrow({ where: { incident: { number }, personId: mayorId } });
    expect(recipient.acknowledgedAt).not.toBeNull();
    expect(recipient.acknowledgedVia).toBe('WEB');

    // The city manager's board refreshes by itself.
    await cityManager.locator('#acks-table tr', { hasText: 'Morgan Hale' }).filter({ hasText: 'Acknowledged' }).waitFor();
  });

  it('the PIO drafts the holding statement from the policy template', async () => {
    pio = await (await contextFor()).newPage();
    await signIn(pio, system.baseUrl, EMAIL.pio);
    await pio.goto(`${system.baseUrl}/console/incidents/${number}`);
    const draft = pio.locator('#draft-form');
    await draft.waitFor();
    expect(await pio.getByLabel('Kind of statement').inputValue()).toBe('HOLDING_STATEMENT');
    statementTitle = await pio.getByLabel('Title', { exact: true }).inputValue();
    expect(statementTitle).toBe('Statement on Officer-involved shooting on Forsyth Blvd');
    expect(await pio.getByLabel('Statement text').inputValue()).toContain(number);
    await expectAccessible(pio, 'incident board (PIO, drafting)');

    await pio.getByLabel('Statement text').fill(
      'This afternoon a Clayton police officer fired a weapon during a traffic stop on Forsyth Blvd. One person is in hospital.\n\n' +
        `St. Louis County Police are investigating. We will update the public within 7 days. Reference: ${number}.`,
    );
    await pio.getByRole('button', { name: 'Send for approval' }).click();
    const card = pio.locator('article.statement', { hasText: statementTitle });
    await card.locator('.chain li[aria-current="step"]', { hasText: 'City Manager: waiting now' }).waitFor();
    expect(await card.textContent()).toContain('Waiting for approval');
  });

  it('the city manager sends it back; the API field error appears next to the comment box', async () => {
    const form = cityManager.locator('form.decision-form');
    await form.waitFor();
    await form.getByLabel('Send back to the PIO with changes').check();
    await form.getByRole('button', { name: 'Submit decision' }).click();

    const comment = form.getByLabel('Comment');
    await form.locator('.field-error', { hasText: 'a rejection needs a comment for the PIO' }).waitFor();
    expect(await comment.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await comment.getAttribute('aria-describedby'))!.split(' ');
    const errorId = describedBy.find((id) => id.endsWith('-error'))!;
    expect(await cityManager.locator(`[id="${errorId}"]`).textContent()).toBe('a rejection needs a comment for the PIO');
    await expectAccessible(cityManager, 'decision form with an API field error');

    await comment.fill('Say which agency is investigating and when the next update is due.');
    await form.getByRole('button', { name: 'Submit decision' }).click();
    await cityManager.locator('article.statement', { hasText: statementTitle }).getByText('Changes requested').first().waitFor();
  });

  it('the PIO revises after the rejection and it goes back into the approval chain', async () => {
    const revise = pio.locator('form.revise-form');
    await revise.waitFor();
    expect(await pio.locator('article.statement').textContent()).toContain('Say which agency is investigating');
    await revise.getByLabel('Statement text').fill(
      'This afternoon a Clayton police officer fired a weapon during a traffic stop on Forsyth Blvd. One person is in hospital.\n\n' +
        `The St. Louis County Police Department is investigating. Our next public update is due within 7 days. Reference: ${number}.`,
    );
    await revise.getByRole('button', { name: 'Send revision for approval' }).click();
    await pio
      .locator('article.statement', { hasText: statementTitle })
      .locator('.chain li', { hasText: 'City Manager: waiting now' })
      .waitFor();
    expect(await pio.locator('article.statement .chain li').first().textContent()).toContain('version 2');
  });

  it('the city manager approves on the board; the chief approves from the signed email link', async () => {
    const form = cityManager.locator('form.decision-form', { hasText: 'version 2' });
    await form.waitFor();
    await form.getByLabel('Approve this version').check();
    await form.getByRole('button', { name: 'Submit decision' }).click();
    await cityManager.locator('article.statement .chain li', { hasText: 'Police Chief: waiting now' }).waitFor();

    const reviewUrl = await eventually(async () => {
      const mail = system.sinks.mail
        .messages()
        .find((m) => m.envelope.to.includes(EMAIL.chief) && m.subject.startsWith('Approval requested'));
      return mail && /https?:\/\/\S+\/statements\/\S+\/review\?token=[\w.%-]+/.exec(mail.text ?? '')?.[0];
    }, () => `the approval request email to the chief; the chief has: ${JSON.stringify(system.sinks.mail.messages().filter((m) => m.envelope.to.includes(EMAIL.chief)).map((m) => [m.subject, m.text]))}`);
    expect(reviewUrl.startsWith(system.baseUrl)).toBe(true);

    // Not signed in: the signed link is the credential.
    const chief = await (await contextFor({ phone: true })).newPage();
    await chief.goto(reviewUrl);
    await chief.getByRole('heading', { name: `Review: ${statementTitle}` }).waitFor();
    expect(await chief.textContent('body')).toContain('St. Louis County Police Department is investigating');
    await expectAccessible(chief, 'signed review link page');

    // A tampered token is refused.
    const tampered = await chief.context().newPage();
    const res = await tampered.goto(reviewUrl.replace(/token=([\w-]+)\.([\w-]+)/, 'token=$1.AAAA$2'));
    expect(res!.status()).toBe(400);
    await tampered.close();

    await chief.getByLabel(/Approve version 2/).check();
    await chief.getByRole('button', { name: 'Submit decision' }).click();
    await chief.getByText('Thank you.').waitFor();

    const statement = await eventually(
      async () => {
        const s = await system.db.statement.findFirst({ where: { incident: { number } } });
        return s?.status === 'PUBLISHED' ? s : undefined;
      },
      'the statement to be published',
    );
    expect(statement.publishedVersion).toBe(2);
    const approvals = await system.db.approval.findMany({ where: { statementId: statement.id, version: 2 } });
    expect(approvals.map((a) => [a.role, a.decision]).sort()).toEqual([
      ['CITY_MANAGER', 'APPROVED'],
      ['POLICE_CHIEF', 'APPROVED'],
    ]);
  });

  it('the statement is on the public incident page, the holding statement deadline is met, and nothing private shows', async () => {
    const resident = await (await contextFor({ phone: true })).newPage();
    await eventually(async () => {
      await resident.goto(`${system.baseUrl}/incidents/${number}`);
      await loaded(resident);
      return (await resident.locator('article', { hasText: statementTitle }).count()) > 0;
    }, 'the statement on the public page');

    const body = (await resident.textContent('main'))!;
    expect(body).toContain('St. Louis County Police Department is investigating');
    expect(await resident.locator('tr[data-deadline="holding_statement"]').textContent()).toContain('Met');
    // Private: the declaration summary, names of officials, the rejected draft and the approver's comment.
    for (const secret of ['traffic stop at 14:05', 'Morgan Hale', 'Alex Rutherford', 'Say which agency is investigating', 'St. Louis County Police are investigating']) {
      expect(body).not.toContain(secret);
    }
    await expectAccessible(resident, 'public incident page (phone)');

    await resident.goto(`${system.baseUrl}/`);
    await loaded(resident);
    await resident.locator('#public-incidents').getByRole('link', { name: new RegExp(number) }).waitFor();
    await expectAccessible(resident, 'public landing page');

    // Pages carry a strict CSP; a mistyped address gets a page, an unknown API path still gets JSON.
    const landing = await fetch(`${system.baseUrl}/`);
    expect(landing.headers.get('content-security-policy')).toContain("script-src 'self'");
    const missingPage = await fetch(`${system.baseUrl}/console/no-such-page`, { headers: { accept: 'text/html' } });
    expect([missingPage.status, missingPage.headers.get('content-type')]).toEqual([404, expect.stringContaining('text/html')]);
    const missingApi = await fetch(`${system.baseUrl}/api/no-such-route`, { headers: { accept: 'text/html' } });
    expect([missingApi.status, (await missingApi.json()).error.code]).toEqual([404, 'not_found']);

    const atomResponse = await fetch(`${system.baseUrl}/feeds/statements.atom`);
    expect(atomResponse.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    const atom = await atomResponse.text();
    expect(parseAtom(atom).entries.map((e) => e.title)).toContain(`${number}: ${statementTitle}`);
    expect(atom).not.toContain('Say which agency is investigating');

    const icsResponse = await fetch(`${system.baseUrl}/feeds/deadlines.ics`);
    expect(icsResponse.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const ics = await icsResponse.text();
    expect(ics.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    const upcoming = parseIcs(ics).components.map((event) => event.props.SUMMARY);
    expect(upcoming).toContain(`Due: Press conference (${number})`);
    // The holding statement was met, so it is no longer an upcoming deadline.
    expect(upcoming).not.toContain(`Due: Holding statement (${number})`);
  });

  it('each other role sees only what is theirs: officials acknowledge, stakeholder leads are kept out', async () => {
    for (const email of ['alderman.ward1@example.org', 'city.attorney@example.org']) {
      const official = await (await contextFor({ phone: true })).newPage();
      await signIn(official, system.baseUrl, email);
      await official.goto(`${system.baseUrl}/console/incidents/${number}`);
      await official.locator('#deadlines-table').waitFor();
      for (const staffOnly of ['#draft-form', 'form.decision-form', 'form.revise-form', '#close-form', '#extend-form']) {
        expect({ email, staffOnly, count: await official.locator(staffOnly).count() }).toEqual({ email, staffOnly, count: 0 });
      }
      await official.getByRole('button', { name: 'I acknowledge' }).click();
      await official.getByText(/You acknowledged this incident at/).waitFor();
    }

    // An alderman acknowledges from the signed link in the notification email, on a phone, without signing in.
    const ackUrl = await eventually(async () => {
      const mail = system.sinks.mail.messages().find((m) => m.envelope.to.includes('alderman.ward2@example.org') && /\/ack\//.test(m.text ?? ''));
      return mail && /https?:\/\/\S+\/ack\/[\w.%-]+/.exec(mail.text ?? '')?.[0];
    }, 'the incident email to the Ward 2 alderman');
    const alderman = await (await contextFor({ phone: true })).newPage();
    await alderman.goto(ackUrl);
    await expectAccessible(alderman, 'acknowledge link page (phone)');
    await alderman.getByRole('button', { name: /I acknowledge/ }).click();
    await alderman.getByText(/acknowledgement of incident .* is recorded/).waitFor();
    const whitfield = await system.db.incidentRecipient.findFirstOrThrow({ where: { incident: { number }, person: { email: 'alderman.ward2@example.org' } } });
    expect(whitfield.acknowledgedVia).toBe('EMAIL_LINK');

    const lead = await (await contextFor()).newPage();
    await signIn(lead, system.baseUrl, 'engagement.lead@example.org');
    await lead.goto(`${system.baseUrl}/console/incidents/${number}`);
    await lead.getByText(/not allowed/i).waitFor();
    expect(await lead.locator('#acks-table').count()).toBe(0);
    await expectAccessible(lead, 'incident board refused (stakeholder lead)');
  });

  it('the delivery log lists every message for the incident with its channel and status', async () => {
    await cityManager.goto(`${system.baseUrl}/console/deliveries?incident=${number}`);
    await cityManager.locator('#notifications-table').waitFor();
    const rows = await cityManager.locator('#notifications-table tbody tr').count();
    const stored = await system.db.notification.count({ where: { incident: { number } } });
    expect(rows).toBeGreaterThanOrEqual(12); // 6+ sev-1 recipients x email and SMS
    expect(rows).toBeLessThanOrEqual(stored);
    const text = (await cityManager.textContent('#notifications-table'))!;
    expect(text).toContain('Text (SMS)');
    expect(text).toContain('Email');
    await expectAccessible(cityManager, 'delivery log');
  });
});
