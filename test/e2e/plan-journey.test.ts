// The action plan through the browser, against the whole system:
//   the Clayton plan is seeded to have started a month or two ago, so its
//   workflow publishes one monthly snapshot at once and the overdue item's
//   ladder sends its owner an email with a signed progress link -> the public dashboard names
//   the overdue item with its owning group -> the owner posts progress from the
//   link on a phone, without signing in -> the live plan dashboard shows it ->
//   the owner posts on another item from "My items" (an API field error first)
//   -> the next monthly snapshot puts the new figures on the public dashboard.
// Every page visited is checked with axe-core for serious/critical violations.
import { createPlanActivities } from '../../activities/plan';
import { CLAYTON_PLAN_ID, seedClaytonPlan } from '../../scripts/seed-plan';
import type { TestSystem } from '../harness/app';
import { startWithOneSnapshotDue } from '../harness/planStart';
import { eventually, expectAccessible, loaded, signIn } from './browser';
import { E2eSession } from './session';

const LEAD_EMAIL = 'engagement.lead@example.org';
const LEAD_GROUP = 'Residents and Community Engagement';
const OVERDUE_ITEM = "Publish the year's community engagement calendar";
const OTHER_ITEM = 'Tabletop exercise of the communications plan with the Board';

const session = new E2eSession();
let system: TestSystem;

const contextFor = (opts: { phone?: boolean } = {}) => session.contextFor(opts);

beforeAll(async () => {
  system = await session.start();
  await seedClaytonPlan(system.db, {
    temporal: system.temporal,
    config: system.config,
    startDate: startWithOneSnapshotDue(system.config.CITY_TIME_ZONE),
  });
}, 180_000);

afterAll(() => session.stop(), 60_000);

describe('action plan journey through the browser', () => {
  const planUrl = () => `${system.baseUrl}/plans/${CLAYTON_PLAN_ID}`;
  let progressLink = '';

  it('the public dashboard shows progress per goal and names the overdue item with its owning group', async () => {
    await eventually(() => system.db.dashboardSnapshot.findFirst({ where: { planId: CLAYTON_PLAN_ID, month: 1 } }), "last month's snapshot");
    const resident = await (await contextFor()).newPage();
    await resident.goto(`${system.baseUrl}/`);
    await loaded(resident);
    await resident.locator('#plans-list').getByRole('link').first().waitFor();
    await expectAccessible(resident, 'public landing page');

    await resident.goto(planUrl());
    await loaded(resident);
    expect(await resident.locator('#goal-cards article').count()).toBe(4);
    const overdue = resident.locator('#overdue-items li', { hasText: OVERDUE_ITEM });
    expect(await overdue.textContent()).toContain(`Owned by ${LEAD_GROUP}`);
    expect(await resident.locator('#trend-table tbody tr').count()).toBe(1);
    // Public: owners' groups, never their names or contact details.
    const text = (await resident.textContent('main'))!;
    expect(text).not.toContain('Harper Osei');
    expect(text).not.toContain(LEAD_EMAIL);
    await expectAccessible(resident, 'public plan dashboard');
  });

  it('the overdue item emails its owner a signed progress link', async () => {
    progressLink = await eventually(async () => {
      const mail = system.sinks.mail.messages().find((m) => m.envelope.to.includes(LEAD_EMAIL) && m.subject.includes(OVERDUE_ITEM));
      return mail && /https?:\/\/\S+\/progress\/[\w.%-]+/.exec(mail.text ?? '')?.[0];
    }, 'the overdue email with a progress link');
    expect(progressLink.startsWith(system.baseUrl)).toBe(true);
  });

  it('the owner posts progress from the link on a phone, without signing in', async () => {
    const lead = await (await contextFor({ phone: true })).newPage();
    await lead.goto(progressLink);
    await lead.getByRole('heading', { name: 'Post progress' }).waitFor();
    expect(await lead.textContent('main')).toContain(OVERDUE_ITEM);
    await expectAccessible(lead, 'progress link page (phone)');

    await lead.getByLabel('Percent complete').fill('70');
    await lead.getByLabel('Status').selectOption('IN_PROGRESS');
    await lead.getByLabel(/What happened/).fill('Calendar drafted with the library and the school district; printing next week.');
    await lead.getByRole('button', { name: /post progress/i }).click();
    await lead.getByRole('heading', { name: 'Thank you, progress posted' }).waitFor();
    expect(await lead.textContent('main')).toContain('70% complete');

    const update = await eventually(
      () => system.db.progressUpdate.findFirst({ where: { item: { title: OVERDUE_ITEM }, percentComplete: 70 } }),
      'the progress update to be saved',
    );
    expect(update.via).toBe('EMAIL_LINK');
  });

  it('the live plan dashboard in the console shows the new figure at once', async () => {
    const manager = await (await contextFor()).newPage();
    await signIn(manager, system.baseUrl, 'city.manager@example.org');
    await manager.goto(`${system.baseUrl}/console/plans/${CLAYTON_PLAN_ID}`);
    await loaded(manager);
    await manager.locator('#plan-items tr', { hasText: OVERDUE_ITEM }).filter({ hasText: '70%' }).waitFor({ state: 'attached' });
    await expectAccessible(manager, 'console live plan dashboard');
  });

  it('the owner posts progress from "My items"; the API field error shows next to the field', async () => {
    const lead = await (await contextFor()).newPage();
    await signIn(lead, system.baseUrl, LEAD_EMAIL);
    await lead.goto(`${system.baseUrl}/console/items`);
    await loaded(lead);
    const calendar = lead.locator('article.item', { hasText: OVERDUE_ITEM });
    expect(await calendar.textContent()).toContain('70% complete');
    await expectAccessible(lead, 'my items');

    const card = lead.locator('article.item', { hasText: OTHER_ITEM });
    await card.locator('summary', { hasText: 'Post progress' }).click();
    const form = card.locator('form.progress-form');
    await form.getByLabel('Percent complete').fill('150');
    await form.getByLabel('What happened').fill('Scenario written; date agreed with the Board clerk.');
    await form.getByRole('button', { name: 'Post progress' }).click();
    const percent = form.getByLabel('Percent complete');
    await form.locator('.field-error:not(:empty)').first().waitFor();
    expect(await percent.getAttribute('aria-invalid')).toBe('true');
    const errorId = (await percent.getAttribute('aria-describedby'))!.split(' ').find((id) => id.endsWith('-error'))!;
    expect(await lead.locator(`[id="${errorId}"]`).textContent()).toMatch(/100/);
    await expectAccessible(lead, 'my items with a field error');

    await percent.fill('25');
    await form.getByLabel('Status').selectOption('IN_PROGRESS');
    await form.getByRole('button', { name: 'Post progress' }).click();
    await card.getByText('25% complete').waitFor();
  });

  it("the next monthly snapshot puts the new figures on the public dashboard's trend", async () => {
    // Stand-in for the plan workflow's first-business-day timer, which the
    // time-skipping plan tests cover: the same activity, for plan month 2.
    const activities = createPlanActivities({ db: system.db, config: system.config });
    const before = await system.db.dashboardSnapshot.findFirstOrThrow({ where: { planId: CLAYTON_PLAN_ID, month: 1 } });
    const period = (() => {
      const [y, m] = before.period.split('-').map(Number);
      return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
    })();
    await activities.takeMonthlySnapshot({ planId: CLAYTON_PLAN_ID, month: 2, period, takenAt: new Date().toISOString(), boardFlags: [] });

    const resident = await (await contextFor({ phone: true })).newPage();
    await resident.goto(planUrl());
    await loaded(resident);
    expect(await resident.locator('#trend-table tbody tr').count()).toBe(2);
    await resident.locator('#plan-items tr', { hasText: OVERDUE_ITEM }).filter({ hasText: '70%' }).waitFor({ state: 'attached' });
    const goal1Before = (before.data as { goals: { number: number; averagePercent: number }[] }).goals.find((g) => g.number === 1)!.averagePercent;
    const goal1Card = (await resident.locator('#goal-cards article', { hasText: 'Goal 1:' }).textContent())!;
    const goal1Now = Number(/(\d+)% complete/.exec(goal1Card)![1]);
    expect(goal1Now).toBeGreaterThan(goal1Before);
    expect(await resident.locator('svg.chart polyline').count()).toBe(4);
    await expectAccessible(resident, 'public plan dashboard after a second month (phone)');
  });
});
