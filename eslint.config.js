// @ts-check
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/**
 * The runtime boundaries of STYLE.md, enforced: common/ is pure TypeScript (no node, DOM or electron),
 * server/ never reaches into the desktop app, the renderer never into node or electron, and
 * electron/services/ never imports electron itself (so it runs and is tested in plain Node).
 */
const boundaries = [
  {
    files: ['common/**/*.ts'],
    message: 'common/ is shared by every runtime: no node, electron, server or UI imports here.',
    paths: [...nodeBuiltins, 'electron'],
    patterns: ['**/server/**', '**/electron/**', '**/renderer/**', 'react', 'react-dom'],
  },
  {
    files: ['server/**/*.ts'],
    message: 'server/ is the account API: it never imports the desktop app.',
    paths: ['electron'],
    patterns: ['**/electron/**', '**/renderer/**'],
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    message: 'The renderer talks to main only through src/lib/bridge.ts: no node, electron or server.',
    paths: [...nodeBuiltins, 'electron'],
    patterns: ['**/server/**', '**/electron/**'],
  },
  {
    files: ['electron/services/**/*.ts'],
    message: 'electron/services/ runs in plain Node: no `electron` import, no server or UI code.',
    paths: ['electron'],
    patterns: ['**/server/**', '**/renderer/**', '**/electron/main/**'],
  },
];

export default tseslint.config(
  {
    ignores: ['node_modules/', 'data/', 'dist/', 'out/', 'coverage/', 'bench/results/', '.scratch/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // Command-line entry points talk to a person on the terminal.
    files: ['scripts/**/*.ts', 'server/admin/cli.ts', 'server/delivery/outbox-cli.ts', 'bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  ...boundaries.map(({ files, message, paths, patterns }) => ({
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: paths.map((name) => ({ name, message })),
          patterns: [{ group: patterns, message }],
        },
      ],
    },
  })),
  prettier,
);
