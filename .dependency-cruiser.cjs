/** The layering is checked, not hoped for: the domain is pure, use cases depend on ports, not SDKs. */
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
        'shared/app (use cases) may use the domain and zod, never an SDK, an adapter or the HTTP layer.',
      severity: 'error',
      from: { path: '^shared/app/' },
      to: {
        pathNot: ['^shared/(domain|app)/', '^node_modules/zod/', 'node:crypto', '^crypto$'],
      },
    },
    {
      name: 'shared-does-not-import-functions',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^functions/' },
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
