// Browser plumbing for the e2e tests and the screenshot script: Debian's
// chromium driven by playwright-core, sign-in through the real form, an
// axe-core accessibility check that returns serious/critical violations, and
// waiting for an asynchronous system to get somewhere.
import fs from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../scripts/seed-roster';
import { eventually as pollUntil } from '../harness/eventually';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

export const PHONE_VIEWPORT = { width: 390, height: 844 };
export const DESKTOP_VIEWPORT = { width: 1280, height: 900 };

export function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`No chromium at ${CHROMIUM_PATH}: install Debian's chromium package (apt-get install -y chromium) or set CHROMIUM_PATH`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/**
 * A fresh browser profile. bypassCSP lets the test inject axe-core inline;
 * the pages themselves are served with a strict Content-Security-Policy.
 * `locale` is the browser's language (its Accept-Language); English unless said.
 */
export async function newContext(browser: Browser, opts: { phone?: boolean; locale?: string } = {}): Promise<BrowserContext> {
  const context = await browser.newContext({
    bypassCSP: true,
    viewport: opts.phone ? PHONE_VIEWPORT : DESKTOP_VIEWPORT,
    isMobile: opts.phone ?? false,
    hasTouch: opts.phone ?? false,
    locale: opts.locale ?? 'en-US',
    timezoneId: 'America/Chicago',
  });
  context.setDefaultTimeout(20_000);
  return context;
}

/** Signs in through /console/sign-in, as a person would. */
export async function signIn(page: Page, baseUrl: string, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto(`${baseUrl}/console/sign-in`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(password);
  await Promise.all([page.waitForURL(`${baseUrl}/console`), page.getByRole('button', { name: 'Sign in' }).click()]);
}

/** Waits until the page's script has replaced every "Loading…" placeholder. */
export async function loaded(page: Page): Promise<void> {
  await page.waitForFunction(() => !document.querySelector('.loading'));
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

const AXE_PATH = require.resolve('axe-core/axe.min.js');

/** Runs axe-core on the page as it is now; returns the serious and critical violations. */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: AXE_PATH });
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Fails the test, naming the page, when axe-core finds serious or critical violations on it. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const violations = await seriousA11yViolations(page);
  expect({ page: what, violations }).toEqual({ page: what, violations: [] });
}

/** Polls until `probe` returns a value; the e2e default waits longer, for the browser and the whole system. */
export const eventually = <T>(probe: () => Promise<T | undefined | null | false>, what: string | (() => string), timeoutMs = 30_000) =>
  pollUntil(probe, what, timeoutMs, 250);
