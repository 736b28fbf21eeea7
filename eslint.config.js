// Lint rules: recommended JS + type-aware TypeScript checks; formatting is Prettier's job.
// Also the layer rule (kith/layers) that keeps docs/ARCHITECTURE.md's layer table true.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const SRC = path.join(path.dirname(fileURLToPath(import.meta.url)), 'src');

/**
 * The layers of src/, bottom first (docs/ARCHITECTURE.md, "Layers"). A folder (or a file at the root
 * of src/, named without its extension) may import only the folders listed before it, so the folder
 * graph cannot have a cycle. A new folder must be placed here before it can import or be imported.
 */
export const LAYERS = [
  { layer: 'domain', units: ['domain'] },
  { layer: 'platform', units: ['store', 'jobs', 'history', 'notifications'] },
  {
    layer: 'capabilities',
    units: [
      'auth',
      'customization',
      'contacts',
      'segments',
      'exports',
      'conversations',
      'sync',
      'imports',
      'orders',
      'dedupe',
      'automation',
    ],
  },
  { layer: 'composition', units: ['config', 'services'] },
  { layer: 'entry points', units: ['server', 'cli'] },
];
const ORDER = LAYERS.flatMap(({ layer, units }) => units.map((unit) => ({ unit, layer })));
const rankOf = (unit) => ORDER.findIndex((entry) => entry.unit === unit);
const layerOf = (unit) => ORDER[rankOf(unit)]?.layer;

/** The folder (or root file) of src/ that an absolute path is in; null outside src/. */
function unitOf(file) {
  const relative = path.relative(SRC, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return null;
  const parts = relative.split(path.sep);
  return parts.length === 1 ? parts[0].replace(/\.[cm]?[jt]sx?$/, '') : parts[0];
}

/** ESLint visitors that hand every import's and re-export's module name to `check`. */
const importVisitors = (check) => ({
  ImportDeclaration: (node) => check(node, node.source.value),
  ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
  ExportAllDeclaration: (node) => check(node, node.source.value),
  ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
});

const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'src/ folders import only the layers below them (docs/ARCHITECTURE.md, Layers)' },
    schema: [],
  },
  create(context) {
    const file = context.physicalFilename ?? context.filename;
    const from = unitOf(file);
    if (from === null) return {};
    const check = (node, source) => {
      if (typeof source !== 'string') return;
      if (rankOf(from) < 0) {
        context.report({
          node,
          message: `src/${from} has no place in the layer order: add it to LAYERS in eslint.config.js`,
        });
        return;
      }
      const entryPoint = layerOf(from) === 'entry points';
      if (!source.startsWith('.')) {
        if (entryPoint && (source === 'kysely' || source.startsWith('kysely/')))
          context.report({
            node,
            message: `src/${from} is an entry point: no SQL here (no kysely); go through src/services.ts`,
          });
        return;
      }
      const to = unitOf(path.resolve(path.dirname(file), source));
      if (to === null || to === from) return;
      if (rankOf(to) < 0) {
        context.report({
          node,
          message: `src/${to} has no place in the layer order: add it to LAYERS in eslint.config.js`,
        });
      } else if (rankOf(to) > rankOf(from)) {
        context.report({
          node,
          message: `src/${from} (${layerOf(from)}) may not import src/${to} (${layerOf(to)}): a folder uses only the layers and folders below it (docs/ARCHITECTURE.md, Layers); pass what it needs in from src/services.ts instead`,
        });
      } else if (entryPoint && layerOf(to) === 'platform') {
        context.report({
          node,
          message: `src/${from} is an entry point and may not import src/${to} (platform: SQL, jobs, history); go through the services of src/services.ts`,
        });
      }
    };
    return importVisitors(check);
  },
};

/**
 * The web app's folders, bottom first (web/README.md, docs/ARCHITECTURE.md): the typed API client,
 * the strings, what every screen shares, the session, the screens of each area, and the frame that
 * routes to them. As in src/, a folder imports only the folders listed before it.
 */
export const WEB_LAYERS = ['api', 'i18n', 'ui', 'session', 'features', 'app', 'main'];
const WEB_SRC = path.join(path.dirname(SRC), 'web', 'src');

const webLayersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'web/src folders import only the folders below them (web/README.md)' },
    schema: [],
  },
  create(context) {
    const file = context.physicalFilename ?? context.filename;
    const unitIn = (absolute) => {
      const relative = path.relative(WEB_SRC, absolute);
      if (relative.startsWith('..') || path.isAbsolute(relative)) return null;
      const parts = relative.split(path.sep);
      return parts.length === 1 ? parts[0].replace(/\.[cm]?[jt]sx?$/, '') : parts[0];
    };
    const from = unitIn(file);
    if (from === null) return {};
    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const to = unitIn(path.resolve(path.dirname(file), source));
      if (to === null || to === from) return;
      const [rankFrom, rankTo] = [WEB_LAYERS.indexOf(from), WEB_LAYERS.indexOf(to)];
      if (rankFrom < 0 || rankTo < 0) {
        context.report({
          node,
          message: `web/src/${rankFrom < 0 ? from : to} has no place in the web app's layer order: add it to WEB_LAYERS in eslint.config.js`,
        });
      } else if (rankTo > rankFrom) {
        context.report({
          node,
          message: `web/src/${from} may not import web/src/${to}: a folder uses only the folders below it (${WEB_LAYERS.join(' < ')}); move what both need down`,
        });
      }
    };
    return importVisitors(check);
  },
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { kith: { rules: { layers: layersRule } } },
    rules: {
      'kith/layers': 'error',
      // Settings come from the environment in one place, src/config.ts, and are passed down from there.
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'read environment variables in src/config.ts only, and pass the value down',
        },
      ],
      'no-restricted-imports': [
        'error',
        {
          paths: ['process', 'node:process'].map((name) => ({
            name,
            importNames: ['env'],
            message: 'read environment variables in src/config.ts only, and pass the value down',
          })),
        },
      ],
    },
  },
  {
    files: ['src/config.ts'],
    rules: { 'no-restricted-properties': 'off', 'no-restricted-imports': 'off' },
  },
  {
    // Entry points reach the database through services only.
    files: ['src/server/**/*.ts', 'src/cli/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[property.name='db'][object.property.name='store']",
          message: 'entry points do not run SQL: add what you need to a service (src/services.ts)',
        },
      ],
    },
  },
  {
    // A hook called conditionally or out of order breaks a screen only at run time (one did, caught late by
    // a browser test); the rules of hooks catch it at lint.
    files: ['web/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks, 'kith-web': { rules: { layers: webLayersRule } } },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      'kith-web/layers': 'error',
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', 'no-console': 'off' },
  },
  {
    // Playwright fixtures must destructure their dependencies, even when they need none.
    files: ['web/e2e/**/*.ts'],
    rules: { 'no-empty-pattern': 'off', 'no-console': 'off' },
  },
  {
    files: ['bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  prettier,
);
