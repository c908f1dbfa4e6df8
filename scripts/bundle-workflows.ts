// Bundles the workflows once (webpack + swc, as the worker would at start-up)
// into a file that workers load with WORKFLOW_BUNDLE_PATH. The image builds it
// at build time; the production topology builds it when workflows/ changed.
// Every worker of one rollout then runs byte-identical workflow code.
// usage: tsx scripts/bundle-workflows.ts OUT_FILE [WORKFLOWS_PATH]
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { WORKFLOW_PRELOAD_MODULES } from '../worker/preload';
import { workflowBuildId } from '../worker/versioning';

async function main(): Promise<void> {
  const [out, workflowsPath = require.resolve('../workflows')] = process.argv.slice(2);
  if (!out) throw new Error('usage: tsx scripts/bundle-workflows.ts OUT_FILE [WORKFLOWS_PATH]');
  const { code } = await bundleWorkflowCode({
    workflowsPath: path.resolve(workflowsPath),
    preloadModules: WORKFLOW_PRELOAD_MODULES,
    logger: new DefaultLogger('WARN'),
  });
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  // Written beside and renamed: a worker starting meanwhile never reads half a bundle.
  const partial = `${out}.${process.pid}.partial`;
  fs.writeFileSync(partial, code);
  fs.renameSync(partial, out);
  console.log(`workflow bundle: ${out} (${Math.round(code.length / 1024)} KB)`);
  // The last line: scripts read the build id the workers will report.
  console.log(`build id: ${workflowBuildId(code)}`);
}

main().catch((err) => {
  console.error('bundling workflows failed:', err);
  process.exit(1);
});
