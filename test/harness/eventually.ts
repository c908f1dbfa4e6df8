/**
 * Polls `probe` until it returns something truthy, and returns that. The
 * system is asynchronous (workflows, activities, SMTP), so a probe may also
 * throw while things settle; after `timeoutMs` the error names `what` and the
 * last failure seen.
 */
export async function eventually<T>(
  probe: () => Promise<T | undefined | null | false>,
  what: string | (() => string),
  timeoutMs = 20_000,
  intervalMs = 150,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const name = typeof what === 'string' ? what : what();
      throw new Error(`timed out waiting for ${name}${lastError ? ` (last error: ${(lastError as Error).message ?? String(lastError)})` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
