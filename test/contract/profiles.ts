// How much schemathesis does per run. The CI profile must fit a few minutes
// on 2 cores; the long one is the evidence behind the README's claim.
export interface ContractProfile {
  /** Cases per operation and phase (schemathesis --max-examples). */
  maxExamples: number;
  /** A fixed seed in CI, so a red run can be reproduced; the long run draws its own. */
  seed?: number;
  workers: number;
}

export type ContractProfileName = 'ci' | 'long';

// One worker: with two, hypothesis describes its filters by parsing their
// source with ast.parse from two threads at once, which CPython 3.11 before
// 3.11.8 can fail with "SystemError: AST constructor recursion depth
// mismatch" (a schemathesis runtime error, not a finding; seen in CI runs).
export const CONTRACT_PROFILES: Record<ContractProfileName, ContractProfile> = {
  ci: { maxExamples: 10, seed: 20261130, workers: 1 },
  long: { maxExamples: 120, workers: 1 },
};

export function schemathesisArguments(
  profile: ContractProfile,
  where: { schemaUrl: string; authFile: string; outDir: string; configFile: string },
): string[] {
  return [
    '--config-file',
    where.configFile,
    'run',
    where.schemaUrl,
    '--checks',
    'all',
    '--auth-wfc',
    where.authFile,
    '--max-examples',
    String(profile.maxExamples),
    '--workers',
    String(profile.workers),
    ...(profile.seed === undefined ? [] : ['--seed', String(profile.seed)]),
    '--generation-database',
    'none',
    '--report',
    'junit,ndjson',
    '--report-dir',
    where.outDir,
  ];
}
