// One e2e test file's world: the whole system and a browser, started before
// its tests and stopped after them together with every browser context the
// tests opened.
import type { Browser, BrowserContext } from 'playwright-core';
import { startTestSystem, type TestSystem } from '../harness/app';
import { launchBrowser, newContext } from './browser';

export class E2eSession {
  private browser: Browser | undefined;
  private system: TestSystem | undefined;
  private readonly contexts: BrowserContext[] = [];

  async start(): Promise<TestSystem> {
    [this.system, this.browser] = await Promise.all([startTestSystem(), launchBrowser()]);
    return this.system;
  }

  /** A fresh browser profile (see newContext), closed by stop(). */
  async contextFor(opts: { phone?: boolean; locale?: string } = {}): Promise<BrowserContext> {
    if (!this.browser) throw new Error('the session has not started');
    const context = await newContext(this.browser, opts);
    this.contexts.push(context);
    return context;
  }

  /** A staff POST through the API as `as` (the setup a test's story starts from); any refusal fails the test. */
  async post(path: string, as: 'CITY_MANAGER' | 'POLICE_CHIEF' | 'PIO', json: unknown): Promise<any> {
    if (!this.system) throw new Error('the session has not started');
    const res = await this.system.request(path, { method: 'POST', as, json });
    if (res.status >= 300) throw new Error(`POST ${path} as ${as} answered ${res.status}: ${await res.text()}`);
    return res.json();
  }

  async stop(): Promise<void> {
    for (const context of this.contexts) await context.close().catch(() => undefined);
    await this.browser?.close();
    await this.system?.stop();
  }
}
