/**
 * The layering is checked, not hoped for: the domain is pure, use cases depend on ports, not SDKs, and
 * the dev host package depends on nothing of ours.
 */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment:
        'shared/domain may import only shared/domain: no SDK, no Node built-in (no I/O), no outer layer.',
      severity: 'error',
      from: { path: '^shared/domain/' },
      to: { pathNot: '^shared/domain/' },
    },
    {
      name: 'use-cases-use-ports-not-sdks',
      comment:
        'shared/app (use cases) may use the domain, zod and escape-html (pure functions), never an SDK, an adapter or the HTTP layer.',
      severity: 'error',
      from: { path: '^shared/app/' },
      to: {
        pathNot: [
          '^shared/(domain|app)/',
          '^node_modules/zod/',
          '^node_modules/escape-html/',
          'node:crypto',
          '^crypto$',
        ],
      },
    },
    {
      name: 'shared-does-not-import-functions',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^functions/' },
    },
    {
      name: 'http-layer-takes-its-dependencies',
      comment:
        'shared/http (the wrappers, contracts, pages) is handed its ports by the composition root: it never imports an adapter, the configuration or the root.',
      severity: 'error',
      from: { path: '^shared/http/' },
      to: { path: ['^shared/adapters/', '^shared/config\\.ts$', '^shared/root\\.ts$'] },
    },
    {
      name: 'functions-wire-through-the-root',
      comment:
        'functions/ take adapters and configuration only from shared/root.ts (the composition root), never directly.',
      severity: 'error',
      from: { path: '^functions/' },
      to: { path: ['^shared/adapters/', '^shared/config\\.ts$'] },
    },
    {
      name: 'configuration-is-read-by-the-root',
      comment:
        'Only the composition root reads the configuration; adapters are handed their settings (their types may be imported).',
      severity: 'error',
      from: { path: '^shared/', pathNot: ['^shared/root\\.ts$', '^shared/config\\.ts$'] },
      to: { path: '^shared/config\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'only-functions-use-the-root',
      comment: 'The composition root is the outermost layer of shared/: nothing in shared/ imports it.',
      severity: 'error',
      from: { path: '^shared/', pathNot: '^shared/root\\.ts$' },
      to: { path: '^shared/root\\.ts$' },
    },
    {
      name: 'devhost-package-stands-alone',
      comment:
        'packages/functions-devhost knows only the host contract (an app folder, host.json, settings, a storage connection): it imports nothing of the app or the scripts, only itself, npm packages and Node built-ins.',
      severity: 'error',
      from: { path: '^packages/functions-devhost/' },
      to: {
        pathNot: ['^packages/functions-devhost/', '^node_modules/'],
        dependencyTypesNot: ['core'],
      },
    },
    {
      name: 'console-talks-to-the-api-only',
      comment:
        'web/ (the admin console) knows the app only through the HTTP contract (types generated from the served OpenAPI document); the app never imports the console.',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^(shared|functions|scripts|packages)/' },
    },
    {
      name: 'app-does-not-import-the-console',
      severity: 'error',
      from: { path: '^(shared|functions)/' },
      to: { path: '^web/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
