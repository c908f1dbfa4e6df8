// How every workflow bundle is built (the worker, the test harness, the
// benchmarks and the replay tests use this one recipe), so no bundle runs
// without the actor-claim check or its key.
//
// The key is compiled into the bundle (webpack's DefinePlugin, reached through
// the compiler so we need no direct webpack dependency): the workflows read it
// as a constant. It stays in this process's memory and never enters workflow
// input, activity results or anything else Temporal stores. Do not write a
// bundle built with a real key to disk or into an image.
import { bundleWorkflowCode, type BundleOptions, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { WORKFLOW_PRELOAD_MODULES } from './preload';

/** The module of workflows/lib/actorClaims.ts that verifies every update's actor claim. */
export const ACTOR_CLAIM_INTERCEPTOR_MODULE = require.resolve('../workflows/lib/actorClaims');

const SECRET_CONSTANT = '__COMMON_GROUND_ACTOR_CLAIM_SECRET__';

interface Compiler {
  webpack: { DefinePlugin: new (definitions: Record<string, string>) => { apply(compiler: Compiler): void } };
}

type WebpackConfig = Parameters<NonNullable<BundleOptions['webpackConfigHook']>>[0];

function defineSecret(secret: string) {
  return (config: WebpackConfig): WebpackConfig => ({
    ...config,
    plugins: [
      ...(config.plugins ?? []),
      { apply: (compiler: Compiler) => new compiler.webpack.DefinePlugin({ [SECRET_CONSTANT]: JSON.stringify(secret) }).apply(compiler) },
    ] as WebpackConfig['plugins'],
  });
}

export function workflowBundleOptions(actorClaimSecret: string, extra: Pick<BundleOptions, 'logger'> = {}): BundleOptions {
  if (!actorClaimSecret) throw new Error('ACTOR_CLAIM_SECRET is required to bundle the workflows');
  return {
    workflowsPath: require.resolve('../workflows'),
    workflowInterceptorModules: [ACTOR_CLAIM_INTERCEPTOR_MODULE],
    preloadModules: WORKFLOW_PRELOAD_MODULES,
    webpackConfigHook: defineSecret(actorClaimSecret),
    ...extra,
  };
}

/** Every workflow, with the actor-claim check keyed by `actorClaimSecret`; in memory only. */
export function bundleWorkflows(actorClaimSecret: string, extra: Pick<BundleOptions, 'logger'> = {}): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode(workflowBundleOptions(actorClaimSecret, extra));
}
