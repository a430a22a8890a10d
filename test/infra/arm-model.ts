/**
 * The compiled ARM template as a model the infra checks query. Modules compile to
 * `Microsoft.Resources/deployments` resources with the module's template inside; the model walks them
 * recursively and resolves each module's `parameters('x')` to the expression the parent passed, so an
 * expression deep in a module can be compared with the top-level one it came from.
 */

export type JsonObject = Record<string, unknown>;

export interface ArmResource extends JsonObject {
  type: string;
  name: string;
  existing?: boolean;
  properties?: JsonObject;
  identity?: { type?: string; userAssignedIdentities?: JsonObject };
  tags?: unknown;
}

export interface ArmTemplate extends JsonObject {
  parameters?: Record<string, { type: string; defaultValue?: unknown; allowedValues?: unknown[] }>;
  variables?: JsonObject;
  resources: ArmResource[] | Record<string, ArmResource>;
  outputs?: Record<string, { type: string; value: unknown }>;
}

/** A resource found anywhere in the tree, with what its template's parameters resolve to. */
export interface Located {
  resource: ArmResource;
  /** Symbolic name (languageVersion 2.0) or index in the resources array. */
  symbol: string;
  /** Symbols of the enclosing module deployments, outermost first. */
  modulePath: string[];
  template: ArmTemplate;
  resolve: (value: unknown) => unknown;
}

export interface Model {
  root: ArmTemplate;
  resources: Located[];
  /** Names of the top-level @secure() parameters. */
  secureParameters: string[];
}

export const DEPLOYMENTS = 'Microsoft.Resources/deployments';

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A resource name built with guid(...) from stable inputs (no newGuid() or utcNow()). */
export const isDeterministicGuidName = (name: string): boolean =>
  /^\[.*(?<![A-Za-z])guid\(/.test(name) && !/newGuid\(|utcNow\(/i.test(name);

/** `format('{0}', x)` (how Bicep compiles an interpolated key such as '${identityId}') is x. */
export const unwrapFormat = (value: unknown): unknown =>
  typeof value === 'string' ? value.replace(/^\[format\('\{0\}', (.*)\)\]$/, '[$1]') : value;

export const isExpression = (value: unknown): value is string =>
  typeof value === 'string' && value.startsWith('[') && !value.startsWith('[[') && value.endsWith(']');

export function entries(resources: ArmTemplate['resources']): [string, ArmResource][] {
  return Array.isArray(resources)
    ? resources.map((resource, index) => [String(index), resource])
    : Object.entries(resources);
}

/** An ARM value as it would appear inside an expression. */
export function asExpressionText(value: unknown): string {
  if (isExpression(value)) return value.slice(1, -1);
  if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`;
  return `json('${JSON.stringify(value).replace(/'/g, "''")}')`;
}

/**
 * Resolves `parameters('x')` in every expression of `value` to what the enclosing module was passed
 * (recursively up to the top level, where top-level parameters stay as they are), and `variables('x')`
 * of literal string variables to the literal.
 */
export function makeResolver(
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

export function walk(
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

export function buildModel(root: ArmTemplate): Model {
  const secureParameters = Object.entries(root.parameters ?? {})
    .filter(([, p]) => /^secure/i.test(p.type))
    .map(([name]) => name);
  return { root, resources: walk(root, undefined, [], []), secureParameters };
}

export const ofType = (model: Model, type: string): Located[] =>
  model.resources.filter(
    (r) => r.resource.type.toLowerCase() === type.toLowerCase() && r.resource.existing !== true,
  );

/** Every string in a value, with its path. */
export function strings(value: unknown, path = ''): [string, string][] {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((item, i) => strings(item, `${path}[${i}]`));
  if (isObject(value))
    return Object.entries(value).flatMap(([k, v]) => strings(v, path ? `${path}.${k}` : k));
  return [];
}

// ---------------------------------------------------------------------------------------------------
// The app identity: the one user-assigned identity, declared in a module whose outputs carry its
// principal ID, client ID and resource ID to the top level.

export interface AppIdentity {
  /** Top-level expressions of the identity module's outputs. */
  principalId: string;
  clientId: string;
  resourceId: string;
}

export function appIdentity(model: Model): AppIdentity | string {
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

export function functionApps(model: Model): Located[] {
  return ofType(model, 'Microsoft.Web/sites').filter((r) =>
    String(r.resource.kind ?? '').includes('functionapp'),
  );
}

/** The function app's settings (config/appsettings resources and siteConfig.appSettings), resolved. */
export function appSettings(model: Model): Map<string, unknown> {
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
