// Lint exists here mainly to keep workflow code deterministic: Temporal replays
// workflows, so they must not reach Node, the database, providers or activity
// implementations. Everything else gets only a few bug-catching rules.
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...new Set(builtinModules.map((name) => name.replace(/^node:/, '').split('/')[0]))];
const workflowMessage =
  'Workflow code is replayed deterministically inside a sandbox: no Node built-ins, database, providers or activity implementations. Call activities through proxyActivities with types from activities/*contracts.';

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'generated/**', '.data/**', 'coverage/**', '**/*.js', '!eslint.config.mjs', '!jest.config.js'],
  },
  {
    files: ['**/*.ts', '**/*.mjs', '**/*.js'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: 'module' },
    // Registered so that disable comments naming its rules resolve; its rules stay off unless listed.
    plugins: { '@typescript-eslint': tseslint.plugin },
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
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins,
            // activities/index.ts (createActivities): a gitignore-style pattern for the bare
            // folder would also exclude everything under it, contracts included.
            ...['../activities', '../../activities', '../activities/index', '../../activities/index'],
          ].map((name) => ({ name, message: workflowMessage, allowTypeImports: true })),
          patterns: [
            { group: ['node:*'], message: workflowMessage, allowTypeImports: true },
            {
              group: ['pg', 'pg/*', '@prisma/*', '**/generated/prisma', '**/generated/prisma/**', 'nodemailer', 'nodemailer/*', 'twilio', 'twilio/*', 'express', 'smtp-server', 'bcryptjs'],
              message: workflowMessage,
              allowTypeImports: true,
            },
            {
              // The worker, client and activity SDKs are Node-side; workflows use @temporalio/workflow.
              group: ['@temporalio/worker', '@temporalio/client', '@temporalio/activity', '@temporalio/testing'],
              message: workflowMessage,
              allowTypeImports: true,
            },
            {
              // Activity implementations (types only); contracts files are plain data shapes.
              group: ['**/activities/**', '!**/activities/*contracts', '!**/activities/*Contracts'],
              message: workflowMessage,
              allowTypeImports: true,
            },
            {
              // Node-side helpers: config reads the environment, db/audit use Prisma, crypto uses node:crypto.
              group: ['**/lib/config', '**/lib/db', '**/lib/audit', '**/lib/crypto', '**/policy/load', '**/api/**', '**/devsinks/**', '**/web/**', '**/scripts/**'],
              message: workflowMessage,
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
);
