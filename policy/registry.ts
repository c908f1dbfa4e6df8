// Node-side: the policy versions this process knows, and which one new
// incidents and plans start with. Never loaded into the workflow sandbox:
// workflows receive the pinned policy document through an activity.
import { PolicyError, type Policy } from '../domain/policy/schema';
import { DEFAULT_POLICY, POLICY_2026_1, POLICY_2026_2, POLICY_2026_3, POLICY_2026_4 } from './defaultPolicy';

/** Every version the city has adopted stays known: incidents declared under it keep it to the end. */
const registry = new Map<string, Policy>([POLICY_2026_1, POLICY_2026_2, POLICY_2026_3, POLICY_2026_4, DEFAULT_POLICY].map((policy) => [policy.version, deepFreeze(policy)]));
let active: Policy = DEFAULT_POLICY;

/**
 * Adds a validated policy to the registry. A version is immutable: registering
 * different content under a known version throws, because running incidents
 * have pinned it.
 */
export function registerPolicy(policy: Policy): Policy {
  const known = registry.get(policy.version);
  if (known) {
    if (stableJson(known) !== stableJson(policy)) {
      throw new PolicyError(`version: policy ${policy.version} is already registered with different content; give the change a new version`);
    }
    return known;
  }
  const frozen = deepFreeze(policy);
  registry.set(policy.version, frozen);
  return frozen;
}

/** The policy a running incident pinned. Throws PolicyError for an unknown version. */
export function getPolicy(version: string): Policy {
  const policy = registry.get(version);
  if (!policy) throw new PolicyError(`Unknown policy version ${JSON.stringify(version)}; known: ${[...registry.keys()].join(', ')}`);
  return policy;
}

/** Every version this process knows, the adopted ones first. */
export const registeredPolicies = (): Policy[] => [...registry.values()];

/**
 * The policy new incidents start with: DEFAULT_POLICY unless a Node process
 * has loaded POLICY_FILE through `initPolicy()` in policy/load.ts (the worker
 * and the API do that at start-up).
 */
export function currentPolicy(): Policy {
  return active;
}

/** Makes a registered policy the current one (used by policy/load.ts). */
export function setCurrentPolicy(policy: Policy): Policy {
  active = registerPolicy(policy);
  return active;
}


function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as Record<string, unknown>)) deepFreeze(child);
  }
  return value;
}
