import type { JsonObject, ArmTemplate } from './arm-model.js';
import { isObject, ofType } from './arm-model.js';
import { find, excludedFromIndexing } from './arm-queries.js';
import { checkSuite, type Check } from './arm-suite.js';

/** Cosmos DB and Storage: no local keys, and the containers as the app needs them. */

const checks = {
  cosmosLocalAuthOff: (model) => {
    const accounts = ofType(model, 'Microsoft.DocumentDB/databaseAccounts');
    if (accounts.length === 0) return ['no Cosmos DB account'];
    return accounts.flatMap(({ resource: { name, properties: p } }) => [
      ...(p?.disableLocalAuth === true ? [] : [`${name}: disableLocalAuth is not true`]),
      ...(p?.disableKeyBasedMetadataWriteAccess === true
        ? []
        : [`${name}: key-based metadata writes allowed`]),
      ...(JSON.stringify(p?.capabilities ?? []).includes('EnableServerless')
        ? []
        : [`${name}: not serverless`]),
    ]);
  },

  cosmosContainer: (model) => {
    const containers = ofType(model, 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers');
    if (containers.length !== 1) return [`expected one Cosmos container, found ${containers.length}`];
    const resource = containers[0]!.resource.properties?.resource;
    const spec = isObject(resource) ? resource : {};
    return [
      ...(JSON.stringify(isObject(spec.partitionKey) ? spec.partitionKey.paths : undefined) ===
      '["/partnerId"]'
        ? []
        : ['the container is not partitioned by /partnerId']),
      ...(spec.defaultTtl === -1
        ? []
        : ['the container does not have TTL on with no default (defaultTtl -1)']),
      ...excludedFromIndexing(spec),
    ];
  },

  storageSharedKeyOff: (model) => {
    const accounts = ofType(model, 'Microsoft.Storage/storageAccounts');
    if (accounts.length === 0) return ['no storage account'];
    return accounts.flatMap(({ resource: { name, properties: p } }) => [
      ...(p?.allowSharedKeyAccess === false ? [] : [`${name}: allowSharedKeyAccess is not false`]),
      ...(p?.allowBlobPublicAccess === false ? [] : [`${name}: allowBlobPublicAccess is not false`]),
      ...(p?.minimumTlsVersion === 'TLS1_2' ? [] : [`${name}: minimumTlsVersion is not TLS1_2`]),
      ...(p?.supportsHttpsTrafficOnly === true ? [] : [`${name}: not HTTPS only`]),
    ]);
  },
} satisfies Record<string, Check>;

const breakages: Record<keyof typeof checks, (template: ArmTemplate) => void> = {
  cosmosLocalAuthOff: (t) => {
    find(t, 'Microsoft.DocumentDB/databaseAccounts')[0]!.resource.properties!.disableLocalAuth = false;
  },
  cosmosContainer: (t) => {
    const spec = find(t, 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers')[0]!.resource
      .properties!;
    (spec.resource as JsonObject).defaultTtl = 3600;
    delete ((spec.resource as JsonObject).indexingPolicy as JsonObject).excludedPaths;
  },
  storageSharedKeyOff: (t) => {
    find(t, 'Microsoft.Storage/storageAccounts')[0]!.resource.properties!.allowSharedKeyAccess = true;
  },
};

checkSuite(checks, breakages);
