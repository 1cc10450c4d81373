import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import globals from 'globals';
import noImportCycle from './scripts/lint/no-import-cycle.js';

// Node built-ins, listed so shared/ and renderer/ can be kept away from them.
const nodeModules = [
  'assert',
  'buffer',
  'child_process',
  'cluster',
  'crypto',
  'dgram',
  'dns',
  'events',
  'fs',
  'fs/promises',
  'http',
  'https',
  'net',
  'os',
  'path',
  'process',
  'readline',
  'stream',
  'tls',
  'tty',
  'url',
  'util',
  'v8',
  'vm',
  'worker_threads',
  'zlib',
  'timers',
  'perf_hooks',
];
/** Main-process feature folders (and base/, which they share): none of them may import core/. */
const featureFolders = [
  'base',
  'connections',
  'console',
  'host',
  'migration',
  'newvm',
  'osinfo',
  'snapshots',
  'stats',
  'vms',
];

const nodeImportBan = {
  patterns: [
    { group: ['node:*'], message: 'Node built-ins are not allowed here.' },
    { group: ['electron', 'electron/*'], message: 'Electron is main-process only.' },
    { group: ['**/electron/**'], message: 'Main-process code is not importable here.' },
  ],
  paths: nodeModules.map((name) => ({ name, message: 'Node built-ins are not allowed here.' })),
};

/** Import-structure zones (import-x/no-restricted-paths): who may not import whom inside the main process. */
const layerZones = [
  // The wire client is the bottom layer: itself and node:* only (packages are banned below).
  {
    target: './electron/libvirt',
    from: './electron',
    except: ['./libvirt'],
    message: 'electron/libvirt is the bottom layer: it imports only itself and node:*.',
  },
  {
    target: './electron/libvirt',
    from: ['./shared', './renderer', './tests'],
    message: 'electron/libvirt is the bottom layer: it imports only itself and node:*.',
  },
  // The one libvirt-XML layer: itself, node:* and @xmldom/xmldom.
  {
    target: './electron/libvirt-xml',
    from: './electron',
    except: ['./libvirt-xml'],
    message: 'electron/libvirt-xml imports only itself, node:* and @xmldom/xmldom.',
  },
  {
    target: './electron/libvirt-xml',
    from: ['./shared', './renderer', './tests'],
    message: 'electron/libvirt-xml imports only itself, node:* and @xmldom/xmldom.',
  },
  // Feature folders and base/ do not reach into the core: the core composes them, not the reverse.
  {
    target: featureFolders.map((f) => `./electron/${f}`),
    from: './electron/core',
    message: 'A feature does not import core/: take what it needs from electron/base/ or its own interfaces.',
  },
  // The core does not know its transports.
  {
    target: './electron/core',
    from: ['./electron/web', './electron/main.ts', './electron/preload.cts'],
    message: 'core/ does not import its transports (web/, main.ts).',
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', '.cache/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['electron/**', 'tests/**', 'scripts/**', '*.config.*', '.ci/**'],
    languageOptions: { globals: { ...globals.node } },
  },
  // Type-aware rules: a promise is awaited, returned or explicitly `void`ed, and never handed to a
  // callback slot that ignores it. Each file is checked with the tsconfig.json nearest to it.
  {
    // Not shared/: it has no tsconfig of its own and no async code, and a separate program for it
    // would double the lint time.
    files: ['electron/**/*.ts', 'electron/**/*.cts', 'renderer/**/*.{ts,tsx}', 'tests/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  // Import structure (the layers of docs/ARCHITECTURE.md), resolved the way TypeScript resolves.
  {
    files: ['electron/**/*.{ts,cts}', 'renderer/**/*.{ts,tsx}', 'shared/**/*.ts', 'tests/**/*.ts'],
    plugins: { 'import-x': importX, local: { rules: { 'no-import-cycle': noImportCycle } } },
    settings: {
      'import-x/resolver-next': [
        createTypeScriptImportResolver({
          noWarnOnMultipleProjects: true,
          project: ['electron/tsconfig.json', 'renderer/tsconfig.json', 'tests/tsconfig.json'],
        }),
      ],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: layerZones }],
      // No import cycles, type-only and dynamic imports included (import-x/no-cycle skips type imports).
      'local/no-import-cycle': 'error',
    },
  },
  {
    files: ['electron/libvirt/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!node:|\\.)',
              message: 'electron/libvirt imports only itself and node:* (no packages).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/libvirt-xml/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!node:|\\.|@xmldom/xmldom$)',
              message: 'electron/libvirt-xml imports only itself, node:* and @xmldom/xmldom.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['shared/**'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': ['error', nodeImportBan],
      'no-restricted-globals': [
        'error',
        'window',
        'document',
        'navigator',
        'process',
        'Buffer',
        'require',
        '__dirname',
      ],
    },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', nodeImportBan],
      'no-restricted-globals': ['error', 'process', 'Buffer', 'require', '__dirname'],
    },
  },
  // ---- Exceptions: none. Add one only with its reason; this list only shrinks. ----
);
