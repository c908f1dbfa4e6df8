import { parseConfig, type Config } from '../../lib/config';

/**
 * Embedded-mode defaults plus the given overrides, independent of the
 * developer's environment (process.env is not read), so tests behave the same
 * everywhere.
 */
export function createTestConfig(overrides: Partial<Config> = {}): Config {
  return { ...parseConfig({ LOG_LEVEL: 'warn' }), ...overrides };
}
