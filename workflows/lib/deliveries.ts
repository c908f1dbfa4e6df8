// Messages sent in the background, so that nobody's request waits for a provider.
import { log, patched } from '@temporalio/workflow';

/**
 * Messages a workflow sends without making anyone wait for them: a slow or
 * failing provider delays the messages, never a person's request or the
 * workflow's clock. Histories recorded before `patchId` sent them inline, and
 * replay keeps that.
 */
export class Deliveries {
  private pending = 0;
  private readonly started: Promise<void>[] = [];

  constructor(private readonly patchId: string) {}

  async send(work: () => Promise<unknown>): Promise<void> {
    if (!patched(this.patchId)) {
      await work();
      return;
    }
    this.pending += 1;
    this.started.push(
      work().then(
        () => {
          this.pending -= 1;
        },
        (err: unknown) => {
          this.pending -= 1;
          log.error('background delivery failed', { error: String(err) });
        },
      ),
    );
  }

  /** True when nothing is being sent (safe to continue as new). */
  get idle(): boolean {
    return this.pending === 0;
  }

  async drain(): Promise<void> {
    await Promise.all(this.started);
  }
}
