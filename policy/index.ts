// Node-side entry to the communications policy: the pure schema and lookups
// (from domain/policy), the adopted default plan, the registry of versions, and
// the names the catalogues give the policy's codes.
// Workflows import domain/policy directly and never this file.
export * from '../domain/policy/schema';
export * from '../domain/policy/lookups';
export { ROLES, ROLE_TITLES, type Role } from '../domain/roles';
export * from '../domain/policy/approvalChain';
export * from '../domain/policy/translations';
export { DEFAULT_POLICY, POLICY_2026_1, POLICY_2026_2, POLICY_2026_3, POLICY_2026_4 } from './defaultPolicy';
export { currentPolicy, getPolicy, registerPolicy, registeredPolicies, setCurrentPolicy } from './registry';
export { holdCategoryKey, holdCategoryName } from './words';
