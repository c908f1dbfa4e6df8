// Pure, stateless libraries that nearly every workflow imports. With the
// worker's reusable V8 context each workflow otherwise evaluates them again
// (zod and the validated default policy cost a few ms of CPU and hundreds of
// KB per workflow); preloaded, they are evaluated once per worker and shared.
// Only modules with no per-workflow state belong here.
export const WORKFLOW_PRELOAD_MODULES: string[] = ['zod', require.resolve('../policy/index')];
