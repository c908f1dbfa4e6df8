// One critical incident, end to end through the browser, one role at a time,
// against the whole system (real Temporal dev server, PostgreSQL, SMTP and SMS
// sinks, worker, API and pages), under the default policy (clayton-2026.3, whose approval chain is clayton-2026.2's):
//   city manager declares -> the mayor acknowledges on a phone -> the police
//   chief drafts the holding statement -> the PIO sends it back from the
//   approval queue (the API's field error shows next to the comment box) -> the
//   chief revises -> the PIO revises and approves in one step -> the deputy PIO
//   approves in the PIO's place from the signed link in the approval email (the
//   PIO wrote that version) -> the city manager signs off from the queue
//   (severity 1) -> the statement is on the public incident page, the Atom
//   feed, and the deadline is met.
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
  deputyPio: 'deputy.pio@example.org',
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
  let chief: Page;
  let pio: Page;
  const card = (page: Page) => page.locator('article.statement', { hasText: statementTitle });

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

  it('the police chief drafts the holding statement from the policy template', async () => {
    chief = await (await contextFor()).newPage();
    await signIn(chief, system.baseUrl, EMAIL.chief);
    await chief.goto(`${system.baseUrl}/console/incidents/${number}`);
    const draft = chief.locator('#draft-form');
    await draft.waitFor();
    expect(await chief.getByLabel('Kind of statement').inputValue()).toBe('HOLDING_STATEMENT');
    statementTitle = await chief.getByLabel('Title', { exact: true }).inputValue();
    expect(statementTitle).toBe('Statement on Officer-involved shooting on Forsyth Blvd');
    expect(await chief.getByLabel('Statement text').inputValue()).toContain(number);
    await expectAccessible(chief, 'incident board (police chief, drafting)');

    await chief.getByLabel('Statement text').fill(
      'This afternoon a Clayton police officer fired a weapon during a traffic stop on Forsyth Blvd. One person is in hospital.\n\n' +
        `St. Louis County Police are investigating. We will update the public within 7 days. Reference: ${number}.`,
    );
    await chief.getByRole('button', { name: 'Send for approval' }).click();
    await card(chief).locator('.chain li[aria-current="step"]', { hasText: 'Public Information Officer: waiting now' }).waitFor();
    expect(await card(chief).locator('.chain li').first().textContent()).toBe('Version 1 written by Taylor Brennan');
    expect(await card(chief).textContent()).toContain('Waiting for approval');
    // The chief drafts; the PIO and, at severity 1, the city manager approve.
    expect(await chief.locator('form.decision-form').count()).toBe(0);
  });

  it('the PIO finds it in the approval queue, with its deadline and what is still to come, and sends it back', async () => {
    pio = await (await contextFor()).newPage();
    await signIn(pio, system.baseUrl, EMAIL.pio);
    await pio.locator('.site-nav').getByRole('link', { name: 'Approvals' }).click();
    await pio.waitForURL(`${system.baseUrl}/console/approvals`);
    const queued = card(pio);
    await queued.waitFor();
    const facts = (await queued.locator('dl.facts').textContent())!;
    expect(facts).toContain(`${number}: Officer-involved shooting on Forsyth Blvd`);
    expect(await queued.locator('dd.deadline').textContent()).toMatch(/^Holding statement: due in \d+ min \(.+\)$/);
    expect(facts).toContain('1, written by Taylor Brennan');
    expect(await queued.locator('.still-to-come').textContent()).toBe('City Manager');
    await expectAccessible(pio, 'approval queue (PIO)');

    // Sent back without a comment: the API's field error shows next to the comment box.
    const form = queued.locator('form.decision-form');
    await form.getByLabel('Send back to Taylor Brennan with changes').check();
    await form.getByRole('button', { name: 'Submit decision' }).click();
    const comment = form.getByLabel('Comment');
    await form.locator('.field-error', { hasText: 'a rejection needs a comment for the author' }).waitFor();
    expect(await comment.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await comment.getAttribute('aria-describedby'))!.split(' ');
    const errorId = describedBy.find((id) => id.endsWith('-error'))!;
    expect(await pio.locator(`[id="${errorId}"]`).textContent()).toBe('a rejection needs a comment for the author');
    await expectAccessible(pio, 'approval queue with an API field error');

    await comment.fill('Say which agency is investigating and when the next update is due.');
    await form.getByRole('button', { name: 'Submit decision' }).click();
    await pio.getByText(`You sent back "${statementTitle}" (${number}).`).waitFor();
    await pio.locator('#nothing-waiting').waitFor();
  });

  it('the chief revises after the comments and it goes back to the PIO', async () => {
    const revise = chief.locator('form.revise-form');
    await revise.waitFor();
    expect(await card(chief).textContent()).toContain('Say which agency is investigating');
    await revise.getByLabel('Statement text').fill(
      'This afternoon a Clayton police officer fired a weapon during a traffic stop on Forsyth Blvd. One person is in hospital.\n\n' +
        `The St. Louis County Police are investigating. We will update the public within 7 days. Reference: ${number}.`,
    );
    await revise.getByRole('button', { name: 'Send revision for approval' }).click();
    await card(chief).locator('.chain li', { hasText: 'Public Information Officer: waiting now' }).waitFor();
    expect(await card(chief).locator('.chain li').first().textContent()).toBe('Version 2 written by Taylor Brennan');
  });

  it('the PIO revises and approves in one step; the revision is a new version by the PIO', async () => {
    await pio.goto(`${system.baseUrl}/console/approvals`);
    const queued = card(pio);
    await queued.locator('h4', { hasText: 'on version 2' }).waitFor();
    await queued.getByText('Revise and approve in one step').click();
    const form = queued.locator('form.revise-approve-form');
    expect(await form.textContent()).toContain('the Deputy Public Information Officer then approves it in your place');
    await expectAccessible(pio, 'approval queue, revise and approve open');
    await form.getByLabel('Statement text').fill(
      'This afternoon a Clayton police officer fired a weapon during a traffic stop on Forsyth Blvd. One person is in hospital.\n\n' +
        `The St. Louis County Police Department is investigating. Our next public update is due within 7 days. Reference: ${number}.`,
    );
    await form.getByLabel('What you changed (optional)').fill('Named the department and the next update.');
    await form.getByRole('button', { name: 'Approve my revision' }).click();
    await pio.getByText(`You revised and approved "${statementTitle}" (${number}).`).waitFor();
    await pio.locator('#nothing-waiting').waitFor();

    const versions = await system.db.statementVersion.findMany({ where: { statement: { incident: { number } } }, orderBy: { version: 'asc' } });
    expect(versions.map((v) => [v.version, v.authorId])).toEqual([
      [1, system.roster.people.policeChief.id],
      [2, system.roster.people.policeChief.id],
      [3, system.roster.people.pio.id],
    ]);
    // The chief's board shows the new version, who wrote it, and who approves it now.
    await card(chief).locator('.chain li', { hasText: 'Version 3 written by Robin Adeyemi' }).waitFor();
    expect(await card(chief).locator('.chain li[aria-current="step"]').textContent()).toBe(
      'Deputy Public Information Officer in place of the Public Information Officer: waiting now (revised and approved by Robin Adeyemi)',
    );
    await card(chief).getByText('Earlier versions (2)').click();
    expect(await card(chief).locator('.version-history').textContent()).toContain('Written by Taylor Brennan');
  });

  it('the deputy PIO approves in the PIO\'s place from the signed link in the approval email', async () => {
    const reviewUrl = await eventually(async () => {
      const mail = system.sinks.mail
        .messages()
        .find((m) => m.envelope.to.includes(EMAIL.deputyPio) && m.subject.startsWith('Approval requested'));
      return mail && /https?:\/\/\S+\/statements\/\S+\/review\?token=[\w.%-]+/.exec(mail.text ?? '')?.[0];
    }, () => `the approval request email to the deputy PIO; they have: ${JSON.stringify(system.sinks.mail.messages().filter((m) => m.envelope.to.includes(EMAIL.deputyPio)).map((m) => [m.subject, m.text]))}`);
    expect(reviewUrl.startsWith(system.baseUrl)).toBe(true);
    const mail = system.sinks.mail.messages().find((m) => m.envelope.to.includes(EMAIL.deputyPio) && m.subject.startsWith('Approval requested'))!;
    expect(mail.text).toContain('You are asked in place of the Public Information Officer, who wrote this version');

    // Not signed in: the signed link is the credential.
    const deputy = await (await contextFor({ phone: true })).newPage();
    await deputy.goto(reviewUrl);
    await deputy.getByRole('heading', { name: `Review: ${statementTitle}` }).waitFor();
    expect(await deputy.textContent('body')).toContain('St. Louis County Police Department is investigating');
    expect(await deputy.locator('legend').textContent()).toBe(
      'Your decision as Deputy Public Information Officer in place of the Public Information Officer',
    );
    await expectAccessible(deputy, 'signed review link page (deputy PIO)');

    // A tampered token is refused.
    const tampered = await deputy.context().newPage();
    const res = await tampered.goto(reviewUrl.replace(/token=([\w-]+)\.([\w-]+)/, 'token=$1.AAAA$2'));
    expect(res!.status()).toBe(400);
    await tampered.close();

    await deputy.getByLabel(/Approve version 3/).check();
    await deputy.getByRole('button', { name: 'Submit decision' }).click();
    await deputy.getByText('Thank you.').waitFor();
  });

  it('at severity 1 the city manager signs off from the approval queue, and the statement is published', async () => {
    await cityManager.goto(`${system.baseUrl}/console/approvals`);
    const queued = card(cityManager);
    await queued.waitFor();
    expect(await queued.locator('.still-to-come').textContent()).toBe('Nothing: your approval publishes it');
    expect(await queued.locator('dl.facts').textContent()).toContain('Deputy Public Information Officer (Quinn Halvorsen)');
    await expectAccessible(cityManager, 'approval queue (city manager)');
    // The city manager may not revise and approve here: nobody is named to approve in their place.
    expect(await queued.locator('form.revise-approve-form').count()).toBe(0);
    const form = queued.locator('form.decision-form');
    await form.getByLabel('Approve this version').check();
    await form.getByRole('button', { name: 'Submit decision' }).click();
    await cityManager.getByText(`You approved "${statementTitle}" (${number}).`).waitFor();

    const statement = await eventually(
      async () => {
        const s = await system.db.statement.findFirst({ where: { incident: { number } } });
        return s?.status === 'PUBLISHED' ? s : undefined;
      },
      'the statement to be published',
    );
    expect(statement.publishedVersion).toBe(3);
    const approvals = await system.db.approval.findMany({ where: { statementId: statement.id, version: 3 } });
    expect(approvals.map((a) => [a.role, a.decision]).sort()).toEqual([
      ['CITY_MANAGER', 'APPROVED'],
      ['DEPUTY_PIO', 'APPROVED'],
      ['PIO', 'APPROVED'],
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
    for (const secret of ['traffic stop at 14:05', 'Morgan Hale', 'Alex Rutherford', 'Say which agency is investigating', 'St. Louis County Police are investigating', 'Named the department']) {
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
      // The approval queue is in the navigation only for those who approve.
      expect(await official.locator('.site-nav li', { hasText: 'Approvals' }).isHidden()).toBe(true);
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
