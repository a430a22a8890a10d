/**
 * Builds infra/main.bicep with the pinned Bicep CLI (once, in the infra project's global setup) and checks
 * the compiled ARM template. This file checks the build and the model the checks query (test/infra/arm-model.ts);
 * the checks themselves are in arm-*.test.ts by concern: the data services, the function app, its role
 * assignments, its settings and its secrets.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { appIdentity, appSettings } from './arm-model.js';
import { compiledMain, type Compiled } from './arm-suite.js';

describe('infra/main.bicep compiled to ARM', () => {
  let compiled: Compiled;

  beforeAll(() => {
    compiled = compiledMain();
  });

  it('builds with no error and no warning', () => {
    expect(compiled.build.exitCode).toBe(0);
    expect(compiled.build.diagnostics.filter((d) => d.level !== 'Info')).toEqual([]);
  });

  it('walks the modules: every resource kind is found inside them', () => {
    const types = new Set(compiled.model.resources.map((r) => r.resource.type));
    for (const type of [
      'Microsoft.Resources/resourceGroups',
      'Microsoft.Web/sites',
      'Microsoft.Web/serverfarms',
      'Microsoft.Storage/storageAccounts',
      'Microsoft.Storage/storageAccounts/queueServices/queues',
      'Microsoft.DocumentDB/databaseAccounts',
      'Microsoft.Communication/communicationServices',
      'Microsoft.Communication/emailServices/domains',
      'Microsoft.KeyVault/vaults',
      'Microsoft.KeyVault/vaults/secrets',
      'Microsoft.Insights/components',
      'Microsoft.OperationalInsights/workspaces',
    ]) {
      expect(types, type).toContain(type);
    }
  });

  it('resolves module parameters to the expressions passed from main.bicep', () => {
    const identity = appIdentity(compiled.model);
    expect(typeof identity, String(identity)).toBe('object');
    const settings = appSettings(compiled.model);
    expect(settings.get('COSMOS_CREATE_IF_MISSING')).toBe('false');
    expect(settings.get('COSMOS_CONNECTION__accountEndpoint')).toMatch(
      /^\[reference\('\w+'\)\.outputs\.\w+\.value\]$/,
    );
  });
});
