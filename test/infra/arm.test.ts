/**
 * Builds infra/main.bicep with the pinned Bicep CLI (the same build as `npm run infra:check`) and checks
 * the compiled ARM template: identity-only access, no key or secret in any app setting, every role
 * assignment for the app's managed identity (storage data roles on each container and queue, not on the
 * account), every setting the app's configuration needs, each secret a Key Vault reference to its own
 * secret, and the secrets azd keeps stable across provisions.
 *
 * Modules compile to `Microsoft.Resources/deployments` resources with the module's template inside; the
 * checks walk them recursively and resolve each module's `parameters('x')` to the expression the parent
 * passed, so an expression deep in a module can be compared with the top-level one it came from.
 *
 * Each check is a function returning its problems. It must return none for the real template, and each
 * one is also run on a copy of the template broken on purpose, where it must report a problem: so every
 * assertion here can fail.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTemplate, ROOT, type BuildResult } from '../../scripts/infra-check.js';

type JsonObject = Record<string, unknown>;

interface ArmResource extends JsonObject {
  type: string;
  name: string;
  existing?: boolean;
  properties?: JsonObject;
  identity?: { type?: string; userAssignedIdentities?: JsonObject };
  tags?: unknown;
}

interface ArmTemplate extends JsonObject {
  parameters?: Record<string, { type: string; defaultValue?: unknown; allowedValues?: unknown[] }>;
  variables?: JsonObject;
  resources: ArmResource[] | Record<string, ArmResource>;
  outputs?: Record<string, { type: string; value: unknown }>;
}

/** A resource found anywhere in the tree, with what its template's parameters resolve to. */
interface Located {
  resource: ArmResource;
  /** Symbolic name (languageVersion 2.0) or index in the resources array. */
  symbol: string;
  /** Symbols of the enclosing module deployments, outermost first. */
  modulePath: string[];
  template: ArmTemplate;
  resolve: (value: unknown) => unknown;
}

interface Model {
  root: ArmTemplate;
  resources: Located[];
  /** Names of the top-level @secure() parameters. */
  secureParameters: string[];
}

const DEPLOYMENTS = 'Microsoft.Resources/deployments';

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A resource name built with guid(...) from stable inputs (no newGuid() or utcNow()). */
const isDeterministicGuidName = (name: string): boolean =>
  /^\[.*(?<![A-Za-z])guid\(/.test(name) && !/newGuid\(|utcNow\(/i.test(name);

/** `format('{0}', x)` (how Bicep compiles an interpolated key such as '${identityId}') is x. */
const unwrapFormat = (value: unknown): unknown =>
  typeof value === 'string' ? value.replace(/^\[format\('\{0\}', (.*)\)\]$/, '[$1]') : value;

const isExpression = (value: unknown): value is string =>
  typeof value === 'string' && value.startsWith('[') && !value.startsWith('[[') && value.endsWith(']');

function entries(resources: ArmTemplate['resources']): [string, ArmResource][] {
  return Array.isArray(resources)
    ? resources.map((resource, index) => [String(index), resource])
    : Object.entries(resources);
}

/** An ARM value as it would appear inside an expression. */
function asExpressionText(value: unknown): string {
  if (isExpression(value)) return value.slice(1, -1);
  if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`;
  return `json('${JSON.stringify(value).replace(/'/g, "''")}')`;
}

/**
 * Resolves `parameters('x')` in every expression of `value` to what the enclosing module was passed
 * (recursively up to the top level, where top-level parameters stay as they are), and `variables('x')`
 * of literal string variables to the literal.
 */
function makeResolver(
  template: ArmTemplate,
  bindings: Map<string, unknown> | undefined,
): (value: unknown) => unknown {
  // Variables first: a substituted parameter is text of the parent template, whose variables are not ours.
  const resolveText = (text: string, depth: number): string =>
    text
      .replace(/variables\('([^']+)'\)/g, (whole, name: string) => {
        const value = template.variables?.[name];
        return typeof value === 'string' && !isExpression(value) ? asExpressionText(value) : whole;
      })
      .replace(/parameters\('([^']+)'\)/g, (whole, name: string) => {
        if (!bindings || depth > 20) return whole;
        if (bindings.has(name)) return asExpressionText(bindings.get(name));
        const fallback = template.parameters?.[name]?.defaultValue;
        return fallback === undefined ? whole : asExpressionText(resolveValue(fallback, depth + 1));
      });
  const resolveValue = (value: unknown, depth: number): unknown => {
    if (isExpression(value)) return `[${resolveText(value.slice(1, -1), depth)}]`;
    if (Array.isArray(value)) return value.map((item) => resolveValue(item, depth));
    if (isObject(value))
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveValue(v, depth)]));
    return value;
  };
  return (value) => resolveValue(value, 0);
}

function walk(
  template: ArmTemplate,
  bindings: Map<string, unknown> | undefined,
  modulePath: string[],
  out: Located[],
): Located[] {
  const resolve = makeResolver(template, bindings);
  for (const [symbol, resource] of entries(template.resources)) {
    out.push({ resource, symbol, modulePath, template, resolve });
    const inner = resource.properties?.template;
    if (resource.type === DEPLOYMENTS && isObject(inner)) {
      const innerBindings = new Map<string, unknown>();
      const passed = resource.properties?.parameters;
      for (const [name, binding] of Object.entries(isObject(passed) ? passed : {})) {
        innerBindings.set(name, resolve(isObject(binding) && 'value' in binding ? binding.value : binding));
      }
      walk(inner as ArmTemplate, innerBindings, [...modulePath, symbol], out);
    }
  }
  return out;
}

function buildModel(root: ArmTemplate): Model {
  const secureParameters = Object.entries(root.parameters ?? {})
    .filter(([, p]) => /^secure/i.test(p.type))
    .map(([name]) => name);
  return { root, resources: walk(root, undefined, [], []), secureParameters };
}

const ofType = (model: Model, type: string): Located[] =>
  model.resources.filter(
    (r) => r.resource.type.toLowerCase() === type.toLowerCase() && r.resource.existing !== true,
  );

/** Every string in a value, with its path. */
function strings(value: unknown, path = ''): [string, string][] {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((item, i) => strings(item, `${path}[${i}]`));
  if (isObject(value))
    return Object.entries(value).flatMap(([k, v]) => strings(v, path ? `${path}.${k}` : k));
  return [];
}

// ---------------------------------------------------------------------------------------------------
// The app identity: the one user-assigned identity, declared in a module whose outputs carry its
// principal ID, client ID and resource ID to the top level.

interface AppIdentity {
  /** Top-level expressions of the identity module's outputs. */
  principalId: string;
  clientId: string;
  resourceId: string;
}

function appIdentity(model: Model): AppIdentity | string {
  const identities = ofType(model, 'Microsoft.ManagedIdentity/userAssignedIdentities');
  if (identities.length !== 1) return `expected one user-assigned identity, found ${identities.length}`;
  const identity = identities[0]!;
  if (identity.modulePath.length !== 1) return 'the identity should be declared in a module of main.bicep';
  const moduleSymbol = identity.modulePath[0]!;
  const outputs = Object.entries(identity.template.outputs ?? {});
  const output = (test: RegExp) =>
    outputs.find(([, o]) => typeof o.value === 'string' && test.test(o.value))?.[0];
  const target = `(?:'${identity.symbol}'|resourceId\\('Microsoft\\.ManagedIdentity/userAssignedIdentities'[^)]*\\))`;
  const principal = output(new RegExp(`^\\[reference\\(${target}[^\\]]*\\)\\.principalId\\]$`));
  const client = output(new RegExp(`^\\[reference\\(${target}[^\\]]*\\)\\.clientId\\]$`));
  const id = output(/^\[resourceId\('Microsoft\.ManagedIdentity\/userAssignedIdentities', [^\]]*\)\]$/);
  if (!principal || !client || !id)
    return 'the identity module must output the principalId, clientId and resource ID';
  const at = (name: string) => `[reference('${moduleSymbol}').outputs.${name}.value]`;
  return { principalId: at(principal), clientId: at(client), resourceId: at(id) };
}

function functionApps(model: Model): Located[] {
  return ofType(model, 'Microsoft.Web/sites').filter((r) =>
    String(r.resource.kind ?? '').includes('functionapp'),
  );
}

/** The function app's settings (config/appsettings resources and siteConfig.appSettings), resolved. */
function appSettings(model: Model): Map<string, unknown> {
  const settings = new Map<string, unknown>();
  for (const config of ofType(model, 'Microsoft.Web/sites/config')) {
    if (!/appsettings/i.test(config.resource.name)) continue;
    const properties = config.resolve(config.resource.properties);
    if (isExpression(properties)) settings.set('(whole settings object is an expression)', properties);
    else
      for (const [name, value] of Object.entries(isObject(properties) ? properties : {}))
        settings.set(name, value);
  }
  for (const site of functionApps(model)) {
    const siteConfig = site.resource.properties?.siteConfig;
    const list = isObject(siteConfig) ? siteConfig.appSettings : undefined;
    for (const item of Array.isArray(list) ? list : []) {
      if (isObject(item) && typeof item.name === 'string') settings.set(item.name, site.resolve(item.value));
    }
  }
  return settings;
}

// ---------------------------------------------------------------------------------------------------
// The checks.

const sample = JSON.parse(readFileSync(join(ROOT, 'local.settings.sample.json'), 'utf8')) as {
  Values: Record<string, string>;
};
/** Settings that exist only locally (emulator keys, dev tooling) or may be absent in Azure. */
const LOCAL_ONLY = new Set([
  'COSMOS_KEY',
  'EMAIL_ACCESS_KEY',
  'NODE_EXTRA_CA_CERTS',
  'AzureWebJobsStorage',
  'FUNCTIONS_WORKER_RUNTIME',
  'HEALTH_TIMEOUT_MS',
  'AUTH_ADDITIONAL_ISSUERS',
  // Optional in Azure: the app's defaults apply (access_as_user; the keys the issuer's discovery names).
  'AUTH_SCOPE',
  'AUTH_JWKS_URI',
]);
const REQUIRED_SETTINGS = [
  ...Object.keys(sample.Values).filter((name) => !LOCAL_ONLY.has(name)),
  // Identity-based AzureWebJobsStorage instead of the local connection string.
  'AzureWebJobsStorage__queueServiceUri',
  'AzureWebJobsStorage__blobServiceUri',
  'AzureWebJobsStorage__credential',
  'AzureWebJobsStorage__clientId',
  'AZURE_CLIENT_ID',
];
/** Must not be set in Azure: keys, a connection string, and what Flex Consumption rejects. */
const FORBIDDEN_SETTINGS = [
  'COSMOS_KEY',
  'EMAIL_ACCESS_KEY',
  'AzureWebJobsStorage',
  'FUNCTIONS_WORKER_RUNTIME',
];
/** The literal secrets of the local sample, which must never reach Azure. */
const SAMPLE_SECRETS = [
  'COSMOS_KEY',
  'EMAIL_ACCESS_KEY',
  'AUTH_CLIENT_SECRET',
  'SESSION_SECRET',
  'INVITATION_SECRET',
]
  .map((name) => sample.Values[name])
  .filter((value): value is string => typeof value === 'string' && value.length > 0);
const CREDENTIAL_PATTERNS = [
  /AccountKey=/i,
  /accesskey=/i,
  /SharedAccessSignature/i,
  /SharedAccessKey/i,
  /Password/i,
  /[?&]sig=/i,
  /\blist[A-Za-z]*\(/i,
];
const KEY_VAULT_REFERENCE = /^\[format\('@Microsoft\.KeyVault\(SecretUri=\{0\}\)', (.+)\)\]$/;
/** Built-in roles the identity needs, by the GUID each role definition ID ends with. */
const REQUIRED_ROLES: Record<string, string> = {
  'b7e6dc6d-f1e8-4753-8033-0f276bb0955b': 'Storage Blob Data Owner',
  'ba92f5b4-2d11-453d-a403-e96b0029c9fe': 'Storage Blob Data Contributor',
  '974c5e8b-45b9-4653-ba55-5f855dd0fb88': 'Storage Queue Data Contributor',
  '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3': 'Storage Table Data Contributor',
  '3913510d-42f4-4e42-8a64-420c390055eb': 'Monitoring Metrics Publisher',
  '4633458b-17de-408a-b874-0445c86b69e6': 'Key Vault Secrets User',
};
const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
const COSMOS_DATA_CONTRIBUTOR = '00000000-0000-0000-0000-000000000002';

const ROLE_ASSIGNMENTS = 'Microsoft.Authorization/roleAssignments';
const STORAGE_ACCOUNT = 'Microsoft.Storage/storageAccounts';
const CONTAINER = 'Microsoft.Storage/storageAccounts/blobServices/containers';
const QUEUE = 'Microsoft.Storage/storageAccounts/queueServices/queues';
const BLOB_DATA_OWNER = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b';
const BLOB_DATA_CONTRIBUTOR = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe';
const QUEUE_DATA_CONTRIBUTOR = '974c5e8b-45b9-4653-ba55-5f855dd0fb88';
const TABLE_DATA_CONTRIBUTOR = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3';
/** Built-in roles that reach storage data (or, for Storage Account Contributor, the keys to it). */
const STORAGE_ROLES: Record<string, string> = {
  [BLOB_DATA_OWNER]: 'Storage Blob Data Owner',
  [BLOB_DATA_CONTRIBUTOR]: 'Storage Blob Data Contributor',
  '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1': 'Storage Blob Data Reader',
  [QUEUE_DATA_CONTRIBUTOR]: 'Storage Queue Data Contributor',
  '19e7f393-937e-4f77-808e-94535e297925': 'Storage Queue Data Reader',
  '8a0f0c08-91a1-4084-bc3d-661d67233fed': 'Storage Queue Data Message Processor',
  'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a': 'Storage Queue Data Message Sender',
  [TABLE_DATA_CONTRIBUTOR]: 'Storage Table Data Contributor',
  '76199698-9eea-4c19-bc75-cec21354c6b6': 'Storage Table Data Reader',
  '17d1049b-9a84-46fb-8f53-869881c3d3ab': 'Storage Account Contributor',
};
/** The one action the Functions host's List Containers health check needs on the account. */
const LIST_CONTAINERS_ACTION = 'Microsoft.Storage/storageAccounts/blobServices/containers/read';
/** The Functions host's own blob containers (AzureWebJobsStorage locks and keys). */
const HOST_CONTAINERS = ['azure-webjobs-hosts', 'azure-webjobs-secrets'];
/** Each secret setting and the Key Vault secret its reference must name. */
const VAULT_SECRETS: Record<string, string> = {
  AUTH_CLIENT_SECRET: 'auth-client-secret',
  SESSION_SECRET: 'session-secret',
  INVITATION_SECRET: 'invitation-secret',
};
/** The app secrets azd must keep stable across provisions, with the variable that may override each. */
const STABLE_SECRETS: Record<string, string> = {
  sessionSecret: 'SESSION_SECRET',
  invitationSecret: 'INVITATION_SECRET',
};
/** environment().authentication.loginEndpoint in public Azure. */
const PUBLIC_LOGIN_ENDPOINT = 'https://login.microsoftonline.com/';

/** The queue and container names the app's storage adapters declare (`export const X_QUEUE = '…'`). */
/** Every queue is defined in its own home in shared/app/queues (imported, not parsed). */
const QUEUE_HOMES = join(ROOT, 'shared', 'app', 'queues');
const queueNames: string[] = (
  await Promise.all(
    readdirSync(QUEUE_HOMES)
      .filter((file) => file.endsWith('.ts'))
      .map(async (file) => Object.values(await import(pathToFileURL(join(QUEUE_HOMES, file)).href))),
  )
)
  .flat()
  .filter(
    (value): value is { name: string } =>
      isObject(value) && typeof value.name === 'string' && 'schema' in value && 'maxDeferrals' in value,
  )
  .map((queue) => queue.name);

/** The queues the app defines and the blob containers its storage adapters name. */
function appStorageNames(): { queues: string[]; containers: string[] } {
  const dir = join(ROOT, 'shared', 'adapters', 'storage');
  const source = readdirSync(dir)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => readFileSync(join(dir, file), 'utf8'))
    .join('\n');
  const containers = [...source.matchAll(/export const \w+_CONTAINER = '([^']+)'/g)].map((m) => m[1]!);
  return { queues: queueNames, containers };
}

/** The top-level arguments of a function call's argument text, split at commas outside quotes and brackets. */
function splitArguments(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === "'" && text[i + 1] === "'") {
        current += "''";
        i++;
        continue;
      }
      if (c === "'") quoted = false;
    } else if (c === "'") quoted = true;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
      continue;
    }
    current += c;
  }
  if (current.trim() !== '') parts.push(current.trim());
  return parts;
}

/**
 * An expression with the template's literal variables written in: `variables('roles').x` becomes the
 * string it names, so a role GUID kept in a variable object can be found in a roleDefinitionId.
 */
function expandVariables(template: ArmTemplate, value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  return text.replace(/variables\('([^']+)'\)((?:\.\w+)*)/g, (whole, name: string, path: string) => {
    let current: unknown = template.variables?.[name];
    for (const key of path.split('.').filter(Boolean)) current = isObject(current) ? current[key] : undefined;
    if (typeof current === 'string' && !isExpression(current)) return asExpressionText(current);
    if (Array.isArray(current)) return JSON.stringify(current);
    return whole;
  });
}

/** A value, or the template variable it is when it is exactly `[variables('x')]`. */
function variableValue(template: ArmTemplate, value: unknown): unknown {
  const name = typeof value === 'string' ? /^\[variables\('([^']+)'\)\]$/.exec(value)?.[1] : undefined;
  return name === undefined ? value : template.variables?.[name];
}

/** The resource type a role assignment is scoped to (`scope: resourceId('<type>', …)`), or undefined. */
function scopeType(resource: ArmResource): string | undefined {
  return /^\[resourceId\('([^']+)'/.exec(String(resource.scope ?? ''))?.[1];
}

/** The role definition a custom-role assignment in the same template refers to, if any. */
function customRoleOf(assignment: Located, model: Model): ArmResource | undefined {
  const role = expandVariables(assignment.template, assignment.resource.properties?.roleDefinitionId);
  return model.resources
    .filter(
      (r) =>
        r.template === assignment.template && r.resource.type === 'Microsoft.Authorization/roleDefinitions',
    )
    .map((r) => r.resource)
    .find((definition) => isExpression(definition.name) && role.includes(definition.name.slice(1, -1)));
}

/** Evaluates the few expression forms the Entra endpoints are built from (format, loginEndpoint, literals). */
function evaluateEndpoint(model: Model, value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (!isExpression(value)) return value;
  const inner = value.slice(1, -1);
  const argument = (text: string): string | undefined => {
    const literal = /^'((?:[^']|'')*)'$/.exec(text);
    if (literal) return literal[1]!.replace(/''/g, "'");
    if (text === 'environment().authentication.loginEndpoint') return PUBLIC_LOGIN_ENDPOINT;
    const variable = /^variables\('([^']+)'\)$/.exec(text)?.[1];
    const resolved = variable === undefined ? undefined : model.root.variables?.[variable];
    return resolved === undefined ? undefined : evaluateEndpoint(model, resolved);
  };
  const call = /^format\((.*)\)$/.exec(inner);
  if (!call) return argument(inner);
  const [pattern, ...rest] = splitArguments(call[1]!).map(argument);
  if (pattern === undefined || rest.some((a) => a === undefined)) return undefined;
  return pattern
    .replace(/\{(\d+)\}/g, (_, index: string) => rest[Number(index)]!)
    .replace(/\{\{/g, '{')
    .replace(/\}\}/g, '}');
}

type Check = (model: Model) => string[];

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

  roleAssignmentsTargetIdentity: (model) => {
    const identity = appIdentity(model);
    if (typeof identity === 'string') return [identity];
    const assignments = ofType(model, 'Microsoft.Authorization/roleAssignments');
    if (assignments.length === 0) return ['no role assignments'];
    const problems = assignments.flatMap(({ resource, resolve }) => {
      const p = resource.properties ?? {};
      const principal = resolve(p.principalId);
      return [
        ...(principal === identity.principalId
          ? []
          : [`${resource.name}: principalId ${String(principal)} is not ${identity.principalId}`]),
        ...(p.principalType === 'ServicePrincipal'
          ? []
          : [`${resource.name}: principalType is not ServicePrincipal`]),
        ...(isDeterministicGuidName(resource.name)
          ? []
          : [`${resource.name}: the name is not a deterministic guid(...)`]),
      ];
    });
    // Role definition IDs may come from a variable or a loop: look for each role's GUID in the
    // templates that assign roles.
    const assigningTemplates = [
      ...new Set(
        assignments.map((a) => JSON.stringify(a.template.variables ?? {}) + JSON.stringify(a.resource)),
      ),
    ].join('\n');
    for (const [guid, role] of Object.entries(REQUIRED_ROLES)) {
      if (!assigningTemplates.includes(guid)) problems.push(`no ${role} (${guid}) assignment`);
    }
    // Email: Contributor on the Communication Service, or a custom role with its Read and Write actions.
    const emailRoles = ofType(model, 'Microsoft.Authorization/roleDefinitions').filter((r) => {
      const text = JSON.stringify(r.resource.properties ?? {}) + JSON.stringify(r.template.variables ?? {});
      return /CommunicationServices\/Read/i.test(text) && /CommunicationServices\/Write/i.test(text);
    });
    if (!assigningTemplates.includes(CONTRIBUTOR) && emailRoles.length === 0) {
      problems.push('no role that lets the identity send email through Communication Services');
    }
    return problems;
  },

  cosmosRoleAssignmentsTargetIdentity: (model) => {
    const identity = appIdentity(model);
    if (typeof identity === 'string') return [identity];
    const assignments = ofType(model, 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments');
    if (assignments.length === 0) return ['no Cosmos DB data-plane role assignment'];
    return assignments.flatMap(({ resource, resolve }) => {
      const principal = resolve(resource.properties?.principalId);
      const role = String(resolve(resource.properties?.roleDefinitionId));
      return [
        ...(principal === identity.principalId
          ? []
          : [`${resource.name}: principalId ${String(principal)} is not ${identity.principalId}`]),
        ...(role.includes(COSMOS_DATA_CONTRIBUTOR)
          ? []
          : [`${resource.name}: not Cosmos DB Built-in Data Contributor`]),
        ...(isDeterministicGuidName(resource.name)
          ? []
          : [`${resource.name}: the name is not a deterministic guid(...)`]),
      ];
    });
  },

  settingsHoldNoSecret: (model) => {
    const settings = appSettings(model);
    if (settings.size === 0) return ['no app settings'];
    const problems: string[] = [];
    for (const [name, value] of settings) {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      for (const pattern of CREDENTIAL_PATTERNS) {
        if (pattern.test(text)) problems.push(`${name}: ${text} matches ${pattern}`);
      }
      for (const secret of SAMPLE_SECRETS)
        if (text.includes(secret)) problems.push(`${name}: holds a sample secret`);
      for (const param of model.secureParameters) {
        if (text.includes(`parameters('${param}')`))
          problems.push(`${name}: holds the secure parameter ${param}`);
      }
      if (!isExpression(text) && /^[A-Za-z0-9+/]{40,}={0,2}$/.test(text))
        problems.push(`${name}: looks like a key`);
    }
    for (const name of FORBIDDEN_SETTINGS) if (settings.has(name)) problems.push(`${name} is set`);
    return problems;
  },

  secretSettingsAreKeyVaultReferences: (model) => {
    const settings = appSettings(model);
    const secretNames = [...settings.keys()].filter((name) => /SECRET/i.test(name));
    if (secretNames.length === 0) return ['no *SECRET* setting'];
    const problems: string[] = [];
    for (const name of secretNames) {
      const value = settings.get(name);
      if (typeof value === 'string' && value.startsWith('@Microsoft.KeyVault(SecretUri=https://')) continue;
      const match = typeof value === 'string' ? KEY_VAULT_REFERENCE.exec(value) : null;
      const uri = match?.[1] ?? '';
      const output = /^reference\('([^']+)'\)\.outputs\.([^.]+)\.value$/.exec(uri);
      const module =
        output && model.resources.find((r) => r.modulePath.length === 0 && r.symbol === output[1]);
      const inner = module?.resource.properties?.template as ArmTemplate | undefined;
      const source = output ? inner?.outputs?.[output[2]!]?.value : undefined;
      const fromSecret =
        typeof source === 'string' &&
        source.includes('Microsoft.KeyVault/vaults/secrets') &&
        /\.secretUri(WithVersion)?\]$/.test(source);
      if (!fromSecret)
        problems.push(`${name} is not a Key Vault reference to a secret's URI: ${String(value)}`);
    }
    return problems;
  },

  requiredSettingsPresent: (model) => {
    const identity = appIdentity(model);
    const settings = appSettings(model);
    const problems = REQUIRED_SETTINGS.filter((name) => !settings.has(name)).map(
      (name) => `${name} is missing`,
    );
    if (settings.get('AzureWebJobsStorage__credential') !== 'managedidentity') {
      problems.push('AzureWebJobsStorage__credential is not managedidentity');
    }
    if (settings.get('COSMOS_CREATE_IF_MISSING') !== 'false')
      problems.push('COSMOS_CREATE_IF_MISSING is not false');
    if (settings.get('AUTH_PROTOCOL_MODE') !== 'AAD') problems.push('AUTH_PROTOCOL_MODE is not AAD');
    for (const name of ['AzureWebJobsStorage__clientId', 'AZURE_CLIENT_ID']) {
      if (typeof identity !== 'string' && settings.get(name) !== identity.clientId) {
        problems.push(`${name} is not the app identity's client ID`);
      }
    }
    return problems;
  },

  noListFunctions: (model) => {
    const text = JSON.stringify(model.root);
    const found = text.match(/\blist(Keys|ConnectionStrings|Secrets|AccountSas|ServiceSas|Credentials?)\(/gi);
    return found ? [`the template calls ${[...new Set(found)].join(', ')}`] : [];
  },

  secureParametersOnlyInKeyVault: (model) => {
    const problems: string[] = [];
    const leaks = (text: string) => model.secureParameters.filter((p) => text.includes(`parameters('${p}')`));
    for (const located of model.resources) {
      if (located.resource.type === DEPLOYMENTS) continue;
      const isSecret = located.resource.type === 'Microsoft.KeyVault/vaults/secrets';
      for (const [path, text] of strings(located.resolve(located.resource))) {
        for (const param of leaks(text)) {
          if (!(isSecret && path === 'properties.value'))
            problems.push(`${located.resource.type} ${path} holds ${param}`);
        }
      }
    }
    for (const [name, output] of Object.entries(model.root.outputs ?? {})) {
      const text = JSON.stringify(output.value);
      for (const param of leaks(text)) problems.push(`output ${name} holds ${param}`);
      if (/^secure/i.test(output.type)) problems.push(`output ${name} is secure`);
    }
    return problems;
  },

  storageDataRolesOffTheAccount: (model) => {
    // Every role assignment of the storage module, and every storage data role anywhere, is scoped to a
    // container or a queue. On the account itself only the Functions host's two needs are allowed, each
    // with its one role: the monthly diagnostic-events tables, and List Containers (its health check).
    const allowedOnAccount: Record<string, (assignment: Located) => boolean> = {
      hostTableRole: (a) =>
        expandVariables(a.template, a.resource.properties?.roleDefinitionId).includes(TABLE_DATA_CONTRIBUTOR),
      hostContainerListerRole: (a) => {
        const permissions = customRoleOf(a, model)?.properties?.permissions;
        const only = Array.isArray(permissions) && permissions.length === 1 ? permissions[0] : undefined;
        return (
          isObject(only) &&
          JSON.stringify(variableValue(a.template, only.actions)) ===
            JSON.stringify([LIST_CONTAINERS_ACTION]) &&
          JSON.stringify(only.dataActions ?? []) === '[]'
        );
      },
    };
    const problems: string[] = [];
    for (const assignment of ofType(model, ROLE_ASSIGNMENTS)) {
      const role = expandVariables(assignment.template, assignment.resource.properties?.roleDefinitionId);
      const storageRole = Object.entries(STORAGE_ROLES).find(([guid]) => role.includes(guid))?.[1];
      const inStorageModule = entries(assignment.template.resources).some(
        ([, r]) => r.type === STORAGE_ACCOUNT,
      );
      if (!storageRole && !inStorageModule) continue;
      const scope = scopeType(assignment.resource);
      if (scope === CONTAINER || scope === QUEUE) continue;
      if (scope === STORAGE_ACCOUNT && allowedOnAccount[assignment.symbol]?.(assignment)) continue;
      problems.push(
        `${assignment.symbol}: ${storageRole ?? 'a role'} is assigned on ${scope ?? 'the whole resource group'}, not on a container or queue`,
      );
    }
    return problems;
  },

  everyQueueAndContainerHasItsRole: (model) => {
    // Each container and queue (each one of a loop) has a role assignment scoped to exactly it, with the
    // role it needs; and the ones the app, the Functions host and Flex Consumption use are all declared.
    const problems: string[] = [];
    const declared: Record<string, string[]> = { [CONTAINER]: [], [QUEUE]: [] };
    const expectedRoles: Record<string, string[]> = {
      [CONTAINER]: [BLOB_DATA_OWNER, BLOB_DATA_CONTRIBUTOR],
      [QUEUE]: [QUEUE_DATA_CONTRIBUTOR],
    };
    const assignments = ofType(model, ROLE_ASSIGNMENTS);
    for (const target of [...ofType(model, CONTAINER), ...ofType(model, QUEUE)]) {
      const { resource, template } = target;
      const call = /^\[format\('[^']*', (.*)\)\]$/.exec(resource.name);
      const nameParts = call ? splitArguments(call[1]!) : [];
      const count = isObject(resource.copy) ? resource.copy.count : undefined;
      const scope = `[resourceId('${resource.type}', ${nameParts.join(', ')})]`;
      const assigned = assignments.some(
        (a) =>
          a.template === template &&
          a.resource.scope === scope &&
          (isObject(a.resource.copy) ? a.resource.copy.count : undefined) === count &&
          expectedRoles[resource.type]!.some((guid) =>
            expandVariables(template, a.resource.properties?.roleDefinitionId).includes(guid),
          ),
      );
      if (!call || !assigned)
        problems.push(`${target.symbol}: no role assignment scoped to it with its role`);
      // The names it declares: a loop over a literal array variable, or one name (a literal or a parameter).
      const looped = /^\[length\(variables\('([^']+)'\)\)\]$/.exec(String(count ?? ''))?.[1];
      const list = looped === undefined ? undefined : template.variables?.[looped];
      const last = nameParts.at(-1) ?? '';
      declared[resource.type]!.push(
        ...(Array.isArray(list) ? list.map(String) : [/^'([^']*)'$/.exec(last)?.[1] ?? `[${last}]`]),
      );
    }
    const app = appStorageNames();
    if (app.queues.length === 0 || app.containers.length === 0)
      problems.push('found no queue in shared/app/queues or no container in shared/adapters/storage');
    const expected: [string, string][] = [
      ...app.queues.flatMap((queue): [string, string][] => [
        [QUEUE, queue],
        [QUEUE, `${queue}-poison`],
      ]),
      ...[...app.containers, ...HOST_CONTAINERS].map((name): [string, string] => [CONTAINER, name]),
      // The Flex Consumption deployment container, named by the module's parameter.
      [CONTAINER, "[parameters('deploymentContainerName')]"],
    ];
    for (const [type, name] of expected) {
      if (!declared[type]!.includes(name)) problems.push(`${type} ${name} is not declared`);
    }
    return problems;
  },

  homeTenantSetting: (model) => {
    const value = appSettings(model).get('AUTH_HOME_TENANT_ID');
    const parameter = /^\[parameters\('([^']+)'\)\]$/.exec(String(value))?.[1];
    const declared = parameter ? model.root.parameters?.[parameter] : undefined;
    if (!declared) return [`AUTH_HOME_TENANT_ID is ${String(value)}, not a parameter of main.bicep`];
    return declared.defaultValue === '[tenant().tenantId]'
      ? []
      : [`${parameter} defaults to ${JSON.stringify(declared.defaultValue)}, not the deploying tenant`];
  },

  entraEndpoints: (model) => {
    const settings = appSettings(model);
    const expected: Record<string, string> = {
      AUTH_ISSUER: `${PUBLIC_LOGIN_ENDPOINT}{tenantid}/v2.0`,
      AUTH_AUTHORITY: `${PUBLIC_LOGIN_ENDPOINT}organizations`,
    };
    return Object.entries(expected).flatMap(([name, want]) => {
      const got = evaluateEndpoint(model, settings.get(name));
      return got === want ? [] : [`${name} is ${String(got ?? settings.get(name))}, not ${want}`];
    });
  },

  secretSettingsNameTheirSecrets: (model) => {
    // Each secret setting is a Key Vault reference to the URI of its own secret (not merely some secret).
    const settings = appSettings(model);
    return Object.entries(VAULT_SECRETS).flatMap(([name, secret]) => {
      const value = settings.get(name);
      const uri = typeof value === 'string' ? KEY_VAULT_REFERENCE.exec(value)?.[1] : undefined;
      const output = uri ? /^reference\('([^']+)'\)\.outputs\.([^.]+)\.value$/.exec(uri) : null;
      const module =
        output && model.resources.find((r) => r.modulePath.length === 0 && r.symbol === output[1]);
      const inner = module?.resource.properties?.template as ArmTemplate | undefined;
      const source = output ? inner?.outputs?.[output[2]!]?.value : undefined;
      return typeof source === 'string' &&
        source.includes(`resourceId('Microsoft.KeyVault/vaults/secrets', parameters('name'), '${secret}')`) &&
        /\.secretUri\]$/.test(source)
        ? []
        : [`${name} does not reference the Key Vault secret ${secret}: ${String(value)}`];
    });
  },

  invitationSecretInVault: (model) => {
    const secrets = ofType(model, 'Microsoft.KeyVault/vaults/secrets').filter((r) =>
      /, 'invitation-secret'\)\]$/.test(r.resource.name),
    );
    if (secrets.length !== 1) return [`expected one invitation-secret in the vault, found ${secrets.length}`];
    const value = secrets[0]!.resolve(secrets[0]!.resource.properties?.value);
    return value === "[parameters('invitationSecret')]" && model.secureParameters.includes('invitationSecret')
      ? []
      : [`invitation-secret holds ${String(value)}, not the secure parameter invitationSecret`];
  },

  appSecretsStable: (model) => {
    // No default (a default would be evaluated anew, e.g. newGuid(), on every provision): azd generates
    // each once, long enough for the app's 32-character minimum, and passes it again every time.
    return Object.keys(STABLE_SECRETS).flatMap((name) => {
      const p = model.root.parameters?.[name] as
        { type: string; defaultValue?: unknown; minLength?: number; metadata?: JsonObject } | undefined;
      if (!p) return [`no parameter ${name}`];
      const azd = isObject(p.metadata?.azd) ? p.metadata.azd : {};
      const length = isObject(azd.config) ? Number(azd.config.length) : 0;
      return [
        ...(/^secure/i.test(p.type) ? [] : [`${name} is not @secure()`]),
        ...(p.defaultValue === undefined ? [] : [`${name} has a default: ${JSON.stringify(p.defaultValue)}`]),
        ...((p.minLength ?? 0) >= 32 ? [] : [`${name} allows fewer than 32 characters`]),
        ...(azd.type === 'generate' && length >= Math.max(32, p.minLength ?? 0)
          ? []
          : [`${name} is not generated by azd with at least its minimum length`]),
      ];
    });
  },

  keyVaultNameOutput: (model) => {
    const value = model.root.outputs?.AZURE_KEY_VAULT_NAME?.value;
    const symbol = /^\[reference\('([^']+)'\)\.outputs\.name\.value\]$/.exec(String(value))?.[1];
    const module = model.resources.find((r) => r.modulePath.length === 0 && r.symbol === symbol);
    const template = module?.resource.properties?.template as ArmTemplate | undefined;
    return template && entries(template.resources).some(([, r]) => r.type === 'Microsoft.KeyVault/vaults')
      ? []
      : [`AZURE_KEY_VAULT_NAME is ${String(value)}, not the key vault module's name`];
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

// ---------------------------------------------------------------------------------------------------
// Breaking the template on purpose, one way per check.

function find(template: ArmTemplate, type: string): Located[] {
  return ofType(buildModel(template), type);
}

function settingsOf(template: ArmTemplate): JsonObject {
  const config = find(template, 'Microsoft.Web/sites/config').find((c) =>
    /appsettings/i.test(c.resource.name),
  );
  if (!config?.resource.properties) throw new Error('no appsettings resource to break');
  return config.resource.properties;
}

/** The storage module's resources by symbolic name. */
function storageResources(template: ArmTemplate): Record<string, ArmResource> {
  const resources = find(template, STORAGE_ACCOUNT)[0]!.template.resources;
  if (Array.isArray(resources)) throw new Error('the storage module is expected to use symbolic names');
  return resources;
}

function rootModule(template: ArmTemplate, containing: string): ArmResource {
  const located = find(template, containing)[0];
  const symbol = located?.modulePath[0];
  const module = entries(template.resources).find(([s]) => s === symbol)?.[1];
  if (!module) throw new Error(`no module containing ${containing}`);
  return module;
}

/** The big, never-queried paths are kept out of the index, so a write costs what its size costs. */
function excludedFromIndexing(spec: JsonObject): string[] {
  const policy = isObject(spec.indexingPolicy) ? spec.indexingPolicy : {};
  const excluded = Array.isArray(policy.excludedPaths)
    ? policy.excludedPaths.map((p) => (isObject(p) ? String(p.path) : ''))
    : [];
  return ['/seatLedger/*', '/rows/*', '/plan/*', '/response/*', '/details/*']
    .filter((path) => !excluded.includes(path))
    .map((path) => `the container indexes ${path}`);
}

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
  functionAppIdentity: (t) => {
    functionApps(buildModel(t))[0]!.resource.identity = { type: 'SystemAssigned' };
  },
  functionAppRuntime: (t) => {
    t.parameters!.nodeVersion!.defaultValue = '18';
  },
  roleAssignmentsTargetIdentity: (t) => {
    const assignment = find(t, 'Microsoft.Authorization/roleAssignments').at(-1)!;
    assignment.resource.properties!.principalId = '[deployer().objectId]';
  },
  cosmosRoleAssignmentsTargetIdentity: (t) => {
    const assignment = find(t, 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments')[0]!;
    assignment.resource.properties!.principalId = "[parameters('someoneElse')]";
  },
  settingsHoldNoSecret: (t) => {
    settingsOf(t).STORAGE_CONNECTION = 'DefaultEndpointsProtocol=https;AccountName=st;AccountKey=abc==';
  },
  secretSettingsAreKeyVaultReferences: (t) => {
    settingsOf(t).AUTH_CLIENT_SECRET = 'a-literal-client-secret';
  },
  requiredSettingsPresent: (t) => {
    delete settingsOf(t).COSMOS_DATABASE;
  },
  noListFunctions: (t) => {
    t.outputs = { ...t.outputs, KEYS: { type: 'object', value: "[listKeys('x', '2025-01-01')]" } };
  },
  secureParametersOnlyInKeyVault: (t) => {
    // Route the client secret (not its Key Vault URI) into the function app module.
    const api = rootModule(t, 'Microsoft.Web/sites');
    (api.properties!.parameters as JsonObject).authClientSecretUri = {
      value: "[parameters('authClientSecret')]",
    };
  },
  tags: (t) => {
    find(t, 'Microsoft.Resources/resourceGroups')[0]!.resource.tags = {};
  },
  storageDataRolesOffTheAccount: (t) => {
    // Give the bulk-uploads container's role to the whole account instead.
    storageResources(t).appContainerRoles!.scope = `[resourceId('${STORAGE_ACCOUNT}', parameters('name'))]`;
  },
  everyQueueAndContainerHasItsRole: (t) => {
    delete storageResources(t).hostContainerRoles;
  },
  homeTenantSetting: (t) => {
    delete settingsOf(t).AUTH_HOME_TENANT_ID;
  },
  entraEndpoints: (t) => {
    settingsOf(t).AUTH_AUTHORITY = `${PUBLIC_LOGIN_ENDPOINT}common`;
  },
  secretSettingsNameTheirSecrets: (t) => {
    // Still a Key Vault reference, but to the session secret.
    settingsOf(t).INVITATION_SECRET =
      "[format('@Microsoft.KeyVault(SecretUri={0})', parameters('sessionSecretUri'))]";
  },
  invitationSecretInVault: (t) => {
    const vault = rootModule(t, 'Microsoft.KeyVault/vaults').properties!.template as ArmTemplate;
    const resources = vault.resources as ArmResource[];
    vault.resources = resources.filter((r) => !/'invitation-secret'\)\]$/.test(r.name));
  },
  appSecretsStable: (t) => {
    t.parameters!.invitationSecret!.defaultValue = "[format('{0}{1}', newGuid(), newGuid())]";
  },
  keyVaultNameOutput: (t) => {
    delete t.outputs!.AZURE_KEY_VAULT_NAME;
  },
};

// ---------------------------------------------------------------------------------------------------
// infra/main.parameters.json: what azd passes to main.bicep.

interface ParametersFile {
  parameters: Record<string, { value?: unknown }>;
}

/** azd's generator makes 15 characters ($(secretOrRandomPassword …)); fewer than these secrets need. */
const SECRET_OR_RANDOM_PASSWORD_LENGTH = 15;

function checkParametersFile(file: ParametersFile, template: ArmTemplate): string[] {
  const problems: string[] = [];
  const expected: Record<string, string> = { ...STABLE_SECRETS, authHomeTenantId: 'AUTH_HOME_TENANT_ID' };
  for (const [name, variable] of Object.entries(expected)) {
    const value = file.parameters[name]?.value;
    if (value !== `\${${variable}}`)
      problems.push(`${name} is ${JSON.stringify(value)}, not \${${variable}}`);
  }
  for (const [name, { value }] of Object.entries(file.parameters)) {
    const declared = template.parameters?.[name] as { type: string; minLength?: number } | undefined;
    if (!declared) problems.push(`${name} is not a parameter of main.bicep`);
    else if (/^secure/i.test(declared.type)) {
      const text = String(value);
      const generated = /\$\(\s*secretOrRandomPassword\b/.test(text);
      if (generated && (declared.minLength ?? 0) > SECRET_OR_RANDOM_PASSWORD_LENGTH)
        problems.push(`${name} needs ${declared.minLength} characters; secretOrRandomPassword makes 15`);
      if (!generated && !/^\$\{[A-Z][A-Z0-9_]*\}$/.test(text))
        problems.push(`the secure parameter ${name} is not taken from one environment variable: ${text}`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------

describe('infra/main.bicep compiled to ARM', () => {
  let outDir: string;
  let build: BuildResult;
  let model: Model;

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'infra-arm-'));
    build = await buildTemplate(join(ROOT, 'infra', 'main.bicep'), outDir);
    if (build.template === undefined) {
      throw new Error(
        `bicep build failed:\n${build.diagnostics.map((d) => `${d.level} ${d.code}: ${d.message}`).join('\n')}\n${build.otherLines.join('\n')}`,
      );
    }
    model = buildModel(build.template as ArmTemplate);
  }, 180_000);

  afterAll(() => {
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('builds with no error and no warning', () => {
    expect(build.exitCode).toBe(0);
    expect(build.diagnostics.filter((d) => d.level !== 'Info')).toEqual([]);
  });

  it('walks the modules: every resource kind is found inside them', () => {
    const types = new Set(model.resources.map((r) => r.resource.type));
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
    const identity = appIdentity(model);
    expect(typeof identity, String(identity)).toBe('object');
    const settings = appSettings(model);
    expect(settings.get('COSMOS_CREATE_IF_MISSING')).toBe('false');
    expect(settings.get('COSMOS_CONNECTION__accountEndpoint')).toMatch(
      /^\[reference\('\w+'\)\.outputs\.\w+\.value\]$/,
    );
  });

  describe('main.parameters.json', () => {
    const file = JSON.parse(
      readFileSync(join(ROOT, 'infra', 'main.parameters.json'), 'utf8'),
    ) as ParametersFile;

    it('maps the secrets and the home tenant to azd environment variables', () => {
      expect(checkParametersFile(file, build.template as ArmTemplate)).toEqual([]);
    });

    it('reports a parameters file broken on purpose', () => {
      const broken = structuredClone(file);
      broken.parameters.invitationSecret = { value: 'a-literal-invitation-secret-of-32-characters' };
      expect(checkParametersFile(broken, build.template as ArmTemplate).length).toBeGreaterThan(0);
    });
  });

  for (const [name, check] of Object.entries(checks) as [keyof typeof checks, Check][]) {
    describe(name, () => {
      it('finds no problem in the template', () => {
        expect(check(model)).toEqual([]);
      });

      it('reports a template broken on purpose', () => {
        const broken = structuredClone(build.template) as ArmTemplate;
        breakages[name](broken);
        expect(check(buildModel(broken)).length).toBeGreaterThan(0);
      });
    });
  }
});
