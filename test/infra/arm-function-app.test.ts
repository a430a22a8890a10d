import type { ArmTemplate } from './arm-model.js';
import {
  isObject,
  unwrapFormat,
  isExpression,
  buildModel,
  ofType,
  appIdentity,
  functionApps,
} from './arm-model.js';
import { find } from './arm-queries.js';
import { checkSuite, type Check } from './arm-suite.js';

/** The function app: its one managed identity, its runtime, and the resource group's azd tag. */

const checks = {
  functionAppIdentity: (model) => {
    const identity = appIdentity(model);
    if (typeof identity === 'string') return [identity];
    const apps = functionApps(model);
    if (apps.length !== 1) return [`expected one function app, found ${apps.length}`];
    const app = apps[0]!;
    const problems: string[] = [];
    const declared = app.resource.identity;
    if (!declared?.type?.includes('UserAssigned'))
      problems.push('the function app has no user-assigned identity');
    const keys = Object.keys(declared?.userAssignedIdentities ?? {}).map((key) =>
      unwrapFormat(app.resolve(key)),
    );
    if (keys.length !== 1 || keys[0] !== identity.resourceId) {
      problems.push(`the function app's identity ${JSON.stringify(keys)} is not ${identity.resourceId}`);
    }
    const config = app.resource.properties?.functionAppConfig;
    const storage = app.resolve(config);
    const auth =
      isObject(storage) && isObject(storage.deployment) && isObject(storage.deployment.storage)
        ? storage.deployment.storage.authentication
        : undefined;
    if (
      !isObject(auth) ||
      auth.type !== 'UserAssignedIdentity' ||
      auth.userAssignedIdentityResourceId !== identity.resourceId
    ) {
      problems.push('the Flex deployment storage is not reached with the app identity');
    }
    if (app.resolve(app.resource.properties?.keyVaultReferenceIdentity) !== identity.resourceId) {
      problems.push('keyVaultReferenceIdentity is not the app identity');
    }
    return problems;
  },

  functionAppRuntime: (model) => {
    const apps = functionApps(model);
    if (apps.length !== 1) return [`expected one function app, found ${apps.length}`];
    const app = apps[0]!;
    const config = app.resource.properties?.functionAppConfig;
    const problems: string[] = [];
    const runtime = isObject(config) && isObject(config.runtime) ? config.runtime : {};
    if (runtime.name !== 'node') problems.push('the runtime is not node');
    // The version, or every value the top-level parameter it comes from may take, is Node 20 or later.
    const version = app.resolve(runtime.version);
    const fromParameter = /^\[parameters\('([^']+)'\)\]$/.exec(String(version))?.[1];
    const declared = fromParameter ? model.root.parameters?.[fromParameter] : undefined;
    const versions = declared ? [declared.defaultValue, ...(declared.allowedValues ?? [])] : [version];
    if (versions.some((v) => !(Number.parseInt(String(v), 10) >= 20))) {
      problems.push(`the Node version ${JSON.stringify(versions)} is not 20 or later`);
    }
    if (!JSON.stringify(app.resource.tags ?? '').includes('azd-service-name')) {
      problems.push('the function app has no azd-service-name tag');
    }
    const plans = ofType(model, 'Microsoft.Web/serverfarms');
    if (
      !plans.some(
        (p) => JSON.stringify(p.resource.sku) === JSON.stringify({ name: 'FC1', tier: 'FlexConsumption' }),
      )
    ) {
      problems.push('no Flex Consumption (FC1) plan');
    }
    return problems;
  },

  tags: (model) => {
    const groups = ofType(model, 'Microsoft.Resources/resourceGroups');
    if (groups.length !== 1) return [`expected one resource group, found ${groups.length}`];
    const group = groups[0]!;
    const tags = group.resource.tags;
    const resolved = isExpression(tags)
      ? model.root.variables?.[/^\[variables\('([^']+)'\)\]$/.exec(tags)?.[1] ?? '']
      : tags;
    return isObject(resolved) && 'azd-env-name' in resolved
      ? []
      : ['the resource group has no azd-env-name tag'];
  },
} satisfies Record<string, Check>;

const breakages: Record<keyof typeof checks, (template: ArmTemplate) => void> = {
  functionAppIdentity: (t) => {
    functionApps(buildModel(t))[0]!.resource.identity = { type: 'SystemAssigned' };
  },
  functionAppRuntime: (t) => {
    t.parameters!.nodeVersion!.defaultValue = '18';
  },
  tags: (t) => {
    find(t, 'Microsoft.Resources/resourceGroups')[0]!.resource.tags = {};
  },
};

checkSuite(checks, breakages);
