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

  async stop(): Promise<void> {
    for (const context of this.contexts) await context.close().catch(() => undefined);
    await this.browser?.close();
    await this.system?.stop();
  }
}
