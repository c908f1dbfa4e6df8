// Pure, stateless modules that nearly every workflow imports. With the
// worker's reusable V8 context each workflow otherwise evaluates them again
// (zod and the policy schema alone cost a few ms of CPU and
// hundreds of KB per workflow); preloaded, they are evaluated once per worker
// and shared. Only modules with no per-workflow state belong here: nothing
// that calls proxyActivities, setHandler or reads workflowInfo at load time.
export const WORKFLOW_PRELOAD_MODULES: string[] = [
  'zod',
  require.resolve('../domain/policy/schema'),
  require.resolve('../domain/policy/lookups'),
  require.resolve('../domain/deadlines'),
  require.resolve('../domain/time/cityTime'),
  require.resolve('../domain/planLadder'),
  require.resolve('../domain/time/planCalendar'),
  require.resolve('../domain/contracts/plan'),
];
