import os from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../..');

/** Per-user cache shared by every clone (CI keeps only ~/.cache between runs). */
export const CACHE_DIR = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'common-ground');

export const TEMPORAL_CLI_VERSION = '1.5.1';
export const TEMPORAL_CLI_PATH = path.join(CACHE_DIR, 'bin', `temporal-${TEMPORAL_CLI_VERSION}`, 'temporal');
export const TEST_SERVER_WRAPPER = path.join(REPO_ROOT, 'scripts', 'temporal-test-server.sh');
export const EMBEDDED_POSTGRES_SCRIPT = path.join(REPO_ROOT, 'scripts', 'embedded-postgres.sh');
