// Lint holds the shape of the code: which folder may import which (the
// architecture in README.md), and that workflow code stays deterministic
// (Temporal replays workflows, so they must not reach Node, the database or
// providers). Everything else gets only a few bug-catching rules.
import { builtinModules } from 'node:module';
import importPlugin from 'eslint-plugin-import';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...new Set(builtinModules.map((name) => name.replace(/^node:/, '').split('/')[0]))];

/** Every top-level folder of ours. A zone names the ones a folder may NOT import. */
const FOLDERS = ['domain', 'workflows', 'activities', 'services', 'api', 'web', 'worker', 'lib', 'policy', 'scripts', 'bench', 'chaos', 'devsinks', 'test', 'generated'];
const except = (...allowed) => FOLDERS.filter((f) => !allowed.includes(f)).map((f) => `./${f}`);

/** Who may import what (README "Architecture"). */
const directions = [
  { target: './domain', from: except('domain'), message: 'domain/ depends on nothing of ours: move the shared rule into domain/ instead.' },
  { target: './workflows', from: except('domain', 'workflows'), message: 'Workflows import only domain/ and the Temporal workflow SDK (they are replayed in a sandbox).' },
  { target: './activities', from: except('domain', 'activities', 'lib', 'policy', 'generated'), message: 'Activities import domain/, lib/ and policy/; never workflows, services, the API or pages.' },
  { target: './lib', from: except('domain', 'lib', 'generated'), message: 'lib/ is shared infrastructure: it imports only domain/ and the generated Prisma client.' },
  { target: './policy', from: except('domain', 'lib', 'policy'), message: 'policy/ is data plus its registry: it imports only domain/ and lib/.' },
  { target: './services', from: except('domain', 'services', 'lib', 'policy', 'generated'), message: 'Services take their clients; they never import the API, pages, workflows or activities.' },
  { target: './api', from: except('domain', 'api', 'services', 'lib', 'policy', 'web', 'generated'), message: 'The API calls services; it never imports activities or workflows.' },
  { target: './web', from: except('domain', 'web', 'services', 'lib', 'policy'), message: 'Pages call services; they never import API routes, activities or workflows.' },
  { target: './worker', from: except('domain', 'worker', 'activities', 'workflows', 'lib', 'policy'), message: 'The worker wires activities and workflows; it serves no HTTP.' },
  { target: './devsinks', from: except('devsinks', 'lib'), message: 'The dev sinks stand in for SMTP and Twilio; they know nothing of the app.' },
];

const sandboxMessage =
  'Workflow code is replayed deterministically inside a sandbox: no Node built-ins, database, providers or other libraries. Use @temporalio/workflow and domain/.';

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'generated/**', '.data/**', 'coverage/**', '**/*.js', '!eslint.config.mjs', '!jest.config.js'],
  },
  {
    files: ['**/*.ts', '**/*.mjs', '**/*.js'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: 'module' },
    // Registered so that disable comments naming its rules resolve; its rules stay off unless listed.
    plugins: { '@typescript-eslint': tseslint.plugin, import: importPlugin },
    settings: {
      'import/resolver': { node: { extensions: ['.ts', '.js', '.json'] } },
      'import/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    rules: {
      'no-debugger': 'error',
      'no-dupe-keys': 'error',
      'no-duplicate-case': 'error',
      'no-unreachable': 'error',
      'no-self-assign': 'error',
      'no-unsafe-finally': 'error',
      'use-isnan': 'error',
      'valid-typeof': 'error',
      'import/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: directions }],
    },
  },
  {
    // Only a handful of packages may reach domain/ and workflows/: both end up in the workflow sandbox.
    files: ['domain/**/*.ts', 'workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: sandboxMessage })),
          patterns: [
            { group: ['node:*'], message: sandboxMessage },
            {
              // Anything that is not ours (relative), zod, or the Temporal workflow-side SDK.
              regex: '^(?!\\.|zod$|@temporalio/workflow$|@temporalio/common$)',
              message: sandboxMessage,
            },
          ],
        },
      ],
    },
  },
);
