// Node-only: reads the POLICY_FILE override. Workflows must never import this.
import { readFileSync } from 'node:fs';
import { config as loadConfig, type Config } from '../lib/config';
import { parsePolicy, PolicyError, setCurrentPolicy, currentPolicy, type Policy } from './index';

/** Reads and validates a policy JSON file. Throws PolicyError naming the file and the bad field path. */
export function loadPolicyFile(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new PolicyError(`Cannot read POLICY_FILE ${path}: ${(err as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new PolicyError(`POLICY_FILE ${path} is not valid JSON: ${(err as Error).message}`);
  }
  return parsePolicy(data, `policy in ${path}`);
}

let initialisedFrom: string | null | undefined;

/**
 * Call once at process start-up (worker, API). With POLICY_FILE set, the file
 * is validated, registered under its version and becomes the current policy;
 * an invalid file throws PolicyError, which stops start-up. Without it the
 * built-in DEFAULT_POLICY is current. Returns the current policy.
 */
export function initPolicy(cfg: Pick<Config, 'POLICY_FILE'> = loadConfig()): Policy {
  const file = cfg.POLICY_FILE ?? null;
  if (initialisedFrom === file) return currentPolicy();
  const policy = file ? setCurrentPolicy(loadPolicyFile(file)) : currentPolicy();
  initialisedFrom = file;
  return policy;
}
