// Per-project default test timeout (see jest.config.js `globals`).
const timeoutMs = (globalThis as { CG_TEST_TIMEOUT_MS?: number }).CG_TEST_TIMEOUT_MS;
if (timeoutMs) jest.setTimeout(timeoutMs);
