import {
  buildModel,
  type ArmResource,
  type ArmTemplate,
  type JsonObject,
  type Located,
  type Model,
  asExpressionText,
  entries,
  isExpression,
  isObject,
  ofType,
} from './arm-model.js';

/** Questions the checks ask of the model, and the helpers that break a template on purpose. */

/** environment().authentication.loginEndpoint in public Azure. */
export const PUBLIC_LOGIN_ENDPOINT = 'https://login.microsoftonline.com/';

/** The top-level arguments of a function call's argument text, split at commas outside quotes and brackets. */
export function splitArguments(text: string): string[] {
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
export function expandVariables(template: ArmTemplate, value: unknown): string {
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
export function variableValue(template: ArmTemplate, value: unknown): unknown {
  const name = typeof value === 'string' ? /^\[variables\('([^']+)'\)\]$/.exec(value)?.[1] : undefined;
  return name === undefined ? value : template.variables?.[name];
}

/** The resource type a role assignment is scoped to (`scope: resourceId('<type>', …)`), or undefined. */
export function scopeType(resource: ArmResource): string | undefined {
  return /^\[resourceId\('([^']+)'/.exec(String(resource.scope ?? ''))?.[1];
}

/** The role definition a custom-role assignment in the same template refers to, if any. */
export function customRoleOf(assignment: Located, model: Model): ArmResource | undefined {
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
export function evaluateEndpoint(model: Model, value: unknown): string | undefined {
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

export function find(template: ArmTemplate, type: string): Located[] {
  return ofType(buildModel(template), type);
}

export function settingsOf(template: ArmTemplate): JsonObject {
  const config = find(template, 'Microsoft.Web/sites/config').find((c) =>
    /appsettings/i.test(c.resource.name),
  );
  if (!config?.resource.properties) throw new Error('no appsettings resource to break');
  return config.resource.properties;
}

/** The storage module's resources by symbolic name. */
export function storageResources(template: ArmTemplate): Record<string, ArmResource> {
  const resources = find(template, 'Microsoft.Storage/storageAccounts')[0]!.template.resources;
  if (Array.isArray(resources)) throw new Error('the storage module is expected to use symbolic names');
  return resources;
}

export function rootModule(template: ArmTemplate, containing: string): ArmResource {
  const located = find(template, containing)[0];
  const symbol = located?.modulePath[0];
  const module = entries(template.resources).find(([s]) => s === symbol)?.[1];
  if (!module) throw new Error(`no module containing ${containing}`);
  return module;
}

/** The big, never-queried paths are kept out of the index, so a write costs what its size costs. */
export function excludedFromIndexing(spec: JsonObject): string[] {
  const policy = isObject(spec.indexingPolicy) ? spec.indexingPolicy : {};
  const excluded = Array.isArray(policy.excludedPaths)
    ? policy.excludedPaths.map((p) => (isObject(p) ? String(p.path) : ''))
    : [];
  return ['/seatLedger/*', '/rows/*', '/plan/*', '/response/*', '/details/*']
    .filter((path) => !excluded.includes(path))
    .map((path) => `the container indexes ${path}`);
}
