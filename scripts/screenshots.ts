// npm run screenshots: starts the whole system on private ports (the e2e
// harness: fresh database, Temporal dev server, sinks, worker, API), puts a
// realistic incident and the seeded action plan into it through the API, and
// saves a PNG of each main page to docs/screenshots/ for the README.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startTestSystem, type TestSystem } from '../test/harness/app';
import { launchBrowser, loaded, newContext, signIn } from '../test/e2e/browser';
import type { RoleKey } from './seed-roster';
import { seedClaytonPlan } from './seed-plan';
import { createPlanActivities } from '../activities/plan';

const OUT_DIR = path.join(__dirname, '..', 'docs', 'screenshots');

async function api<T = any>(system: TestSystem, method: string, urlPath: string, as: RoleKey, json?: unknown): Promise<T> {
  const res = await system.request(urlPath, { method, as, json });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${urlPath} as ${as}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : (undefined as T);
}

async function until<T>(probe: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * A sev-1 incident part-way through its SOP: some acknowledgements, the chief's
 * holding statement approved by the PIO and signed off by the city manager,
 * and two more statements waiting in the PIO's approval queue.
 */
async function stageIncident(system: TestSystem): Promise<string> {
  const incident = await api(system, 'POST', '/api/incidents', 'CITY_MANAGER', {
    type: 'OFFICER_INVOLVED_SHOOTING',
    severity: 1,
    title: 'Officer-involved shooting on Forsyth Blvd',
    summary: 'Shots fired during a traffic stop near Forsyth Blvd and Meramec Ave. One person taken to hospital; no officer hurt.',
    location: 'Forsyth Blvd & Meramec Ave',
  });
  const number: string = incident.number;
  // The API answers 409 until the workflow has recorded the recipients (a second or so).
  await until(async () => (await system.request(`/api/incidents/${number}/acknowledgements`, { method: 'POST', as: 'CITY_MANAGER', json: {} })).ok, 'the incident to start');
  for (const role of ['POLICE_CHIEF', 'PIO', 'CITY_ATTORNEY'] as RoleKey[]) {
    await api(system, 'POST', `/api/incidents/${number}/acknowledgements`, role, {});
  }

  const holding = await api(system, 'POST', `/api/incidents/${number}/statements`, 'POLICE_CHIEF', {
    kind: 'HOLDING_STATEMENT',
    title: 'Statement on the officer-involved shooting on Forsyth Blvd',
    body:
      'This afternoon a Clayton police officer fired a weapon during a traffic stop on Forsyth Blvd. One person was taken to hospital. No officer was hurt.\n\n' +
      'The St. Louis County Police Department is investigating, as our policy requires for every officer-involved shooting. ' +
      `We will share more as soon as we can without harming the investigation, and no later than seven days from today.\n\nReference: ${number}.`,
  });
  for (const role of ['PIO', 'CITY_MANAGER'] as RoleKey[]) {
    const current = await until(async () => {
      const s = await api(system, 'GET', `/api/statements/${holding.statementId}`, 'CITY_MANAGER');
      return s.live?.awaiting === role ? s : undefined;
    }, `statement awaiting ${role}`);
    await api(system, 'POST', `/api/statements/${holding.statementId}/decisions`, role, { version: current.live.currentVersion, decision: 'APPROVE' });
  }
  await until(async () => (await system.db.statement.findUnique({ where: { id: holding.statementId } }))?.status === 'PUBLISHED', 'publication');

  await api(system, 'POST', `/api/incidents/${number}/statements`, 'POLICE_CHIEF', {
    kind: 'PRESS_CONFERENCE',
    title: 'Press conference: officer-involved shooting on Forsyth Blvd',
    body: 'The City of Clayton will hold a press conference tomorrow at 10:00 at City Hall, 10 N. Bemiston Ave. Speakers: the City Manager and the Police Chief.',
  });
  await api(system, 'POST', `/api/incidents/${number}/statements`, 'COMMUNICATIONS_OFFICER', {
    kind: 'PUBLIC_UPDATE',
    title: 'Update on the officer-involved shooting on Forsyth Blvd',
    body:
      'The St. Louis County Police Department has interviewed the officers involved and several witnesses. ' +
      'The person taken to hospital is in stable condition.\n\nWe will update the public again within seven days.',
  });
  return number;
}

async function shoot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<void> {
  await loaded(page);
  await page.waitForTimeout(200);
  const file = path.join(OUT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: opts.fullPage ?? true });
  console.log(`  ${path.relative(process.cwd(), file)}`);
}

async function main(): Promise<void> {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  console.log('starting the system (database, Temporal dev server, sinks, worker, API)...');
  const system = await startTestSystem();
  let browser: Browser | undefined;
  try {
    const number = await stageIncident(system);
    const planId = await stagePlan(system);
    browser = await launchBrowser();
    const base = system.baseUrl;
    console.log('screenshots:');

    const visitor = await (await newContext(browser)).newPage();
    await visitor.goto(`${base}/`);
    await shoot(visitor, 'public-landing');
    await visitor.goto(`${base}/incidents/${number}`);
    await shoot(visitor, 'public-incident-timeline');
    await visitor.goto(`${base}/plans/${planId}`);
    await shoot(visitor, 'public-plan-dashboard');
    await visitor.goto(`${base}/console/sign-in`);
    await shoot(visitor, 'console-sign-in');

    const manager = await (await newContext(browser)).newPage();
    await signIn(manager, base, 'city.manager@example.org');
    await shoot(manager, 'console-home-city-manager');
    await manager.goto(`${base}/console/declare`);
    await shoot(manager, 'console-declare');
    await manager.goto(`${base}/console/incidents/${number}`);
    await manager.locator('article.statement .chain li[aria-current="step"]').first().waitFor();
    await shoot(manager, 'console-incident-board');
    await manager.goto(`${base}/console/deliveries?incident=${number}`);
    await manager.locator('#notifications-table').waitFor();
    await shoot(manager, 'console-delivery-log');

    const mayor = await (await newContext(browser, { phone: true })).newPage();
    await signIn(mayor, base, 'mayor@example.org');
    await mayor.goto(`${base}/console/incidents/${number}`);
    await mayor.getByRole('button', { name: 'I acknowledge' }).waitFor();
    await shoot(mayor, 'console-acknowledge-phone', { fullPage: false });

    const chief = await (await newContext(browser)).newPage();
    await signIn(chief, base, 'police.chief@example.org');
    await chief.goto(`${base}/console/incidents/${number}`);
    await chief.locator('#draft-card summary').click();
    await shoot(chief, 'console-chief-drafting');

    const pio = await (await newContext(browser)).newPage();
    await signIn(pio, base, 'pio@example.org');
    await pio.goto(`${base}/console/approvals`);
    await pio.locator('article.statement form.decision-form').nth(1).waitFor();
    await pio.locator('article.statement details summary', { hasText: 'Revise and approve' }).first().click();
    await shoot(pio, 'console-approval-queue');

    const lead = await (await newContext(browser)).newPage();
    await signIn(lead, base, 'engagement.lead@example.org');
    await lead.goto(`${base}/console/items`);
    await shoot(lead, 'console-my-items');
  } finally {
    await browser?.close();
    await system.stop();
  }
}

/**
 * The seeded Clayton plan, started last month so its workflow publishes last
 * month's snapshot at once; then progress through the API and a second
 * snapshot (the activity the monthly timer runs), so the trend has two points.
 */
async function stagePlan(system: TestSystem): Promise<string> {
  const timeZone = system.config.CITY_TIME_ZONE;
  const [year, month] = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).format(new Date()).split('-').map(Number);
  const startDate = month === 1 ? `${year - 1}-12-01` : `${year}-${String(month - 1).padStart(2, '0')}-01`;
  const plan = await seedClaytonPlan(system.db, { temporal: system.temporal, config: system.config, startDate });
  const first = await until(() => system.db.dashboardSnapshot.findFirst({ where: { planId: plan.id, month: 1 } }), "last month's snapshot");

  const progress: [string, RoleKey, number, string][] = [
    ['g1-calendar', 'STAKEHOLDER_LEAD', 80, 'Calendar agreed with the library and the school district; printing next week.'],
    ['g4-tabletop', 'STAKEHOLDER_LEAD', 35, 'Scenario written; date agreed with the Board clerk.'],
  ];
  const items = await system.db.actionItem.findMany({ where: { planId: plan.id } });
  for (const [keyHint, role, percentComplete, note] of progress) {
    const item = items.find((i) => i.id === `${plan.id}-${keyHint}`);
    if (!item) throw new Error(`the seeded plan has no item ${keyHint}`);
    await api(system, 'POST', `/api/plans/${plan.id}/items/${item.id}/progress`, role, { percentComplete, note, status: 'IN_PROGRESS' });
  }
  const [y, m] = first.period.split('-').map(Number);
  const period = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  await createPlanActivities({ db: system.db, config: system.config }).takeMonthlySnapshot({
    planId: plan.id,
    month: 2,
    period,
    takenAt: new Date().toISOString(),
    boardFlags: [],
  });
  return plan.id;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
