// The processes the chaos run starts, kills and starts again: each in its own
// process group (tsx runs node as a child, and kill -9 must take both), its
// output appended to a log file and watched line by line.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  logFile: string;
  /** Resolves once the process can do its job; may poll. Rejects on timeout. */
  ready(process: ManagedProcess): Promise<void>;
  /** Restarted when it exits by itself (as a service manager would), unless we stopped or killed it. */
  supervised?: boolean;
}

export class ManagedProcess {
  private child: ChildProcess | null = null;
  private lines: string[] = [];
  private lineWaiters: { test: (line: string) => boolean; resolve: () => void }[] = [];
  private intentionalExit = false;
  private exited: Promise<void> = Promise.resolve();
  /** Epoch ms at which the current incarnation became ready. */
  readyAt = 0;
  starts = 0;
  unplannedExits = 0;

  constructor(readonly spec: ProcessSpec) {}

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(timeoutMs = 120_000): Promise<void> {
    const { spec } = this;
    const log = fs.openSync(spec.logFile, 'a');
    fs.writeSync(log, `\n--- ${new Date().toISOString()} start ${spec.name}\n`);
    this.lines = [];
    this.intentionalExit = false;
    const child = spawn(spec.command, spec.args, { env: spec.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.starts += 1;
    let pending = '';
    const onData = (chunk: Buffer) => {
      fs.writeSync(log, chunk);
      pending += chunk.toString('utf8');
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      for (const line of parts) this.onLine(line);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        fs.writeSync(log, `--- ${new Date().toISOString()} ${spec.name} exited (${signal ?? code})\n`);
        fs.closeSync(log);
        resolve();
        if (!this.intentionalExit && this.child === child) {
          this.unplannedExits += 1;
          if (spec.supervised) setTimeout(() => void this.start().catch(() => undefined), 1_000);
        }
      });
    });
    await withTimeout(spec.ready(this), timeoutMs, `${spec.name} to be ready (log: ${spec.logFile})`);
    this.readyAt = Date.now();
  }

  /** kill -9 of the whole process group; resolves once it is gone. */
  async kill9(): Promise<void> {
    if (!this.child || !this.running) return;
    this.intentionalExit = true;
    signalGroup(this.child, 'SIGKILL');
    await this.exited;
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (!this.child || !this.running) return;
    this.intentionalExit = true;
    signalGroup(this.child, 'SIGTERM');
    const timer = setTimeout(() => this.child && signalGroup(this.child, 'SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Resolves when a line matching `test` appears (including lines seen since this incarnation started). */
  waitForLine(test: (line: string) => boolean): Promise<void> {
    if (this.lines.some(test)) return Promise.resolve();
    return new Promise((resolve) => this.lineWaiters.push({ test, resolve }));
  }

  private onLine(line: string): void {
    this.lines.push(line);
    if (this.lines.length > 2_000) this.lines.splice(0, 1_000);
    this.lineWaiters = this.lineWaiters.filter((w) => {
      if (!w.test(line)) return true;
      w.resolve();
      return false;
    });
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `probe` until it resolves true. */
export async function until(probe: () => Promise<boolean>, intervalMs = 250): Promise<void> {
  for (;;) {
    try {
      if (await probe()) return;
    } catch {
      // not yet
    }
    await sleep(intervalMs);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
