/**
 * Azure Functions (ASP.NET Core) route templates: literal segments, `{name}`, optional `{name?}`,
 * defaults `{name=value}`, inline constraints `{id:int}` / `{x:length(3):alpha}`, catch-all `{*rest}`,
 * and complex segments such as `{name}.{ext}`. Matching is case-insensitive; when several templates
 * match, the most specific wins (ASP.NET's inbound route precedence).
 */

export interface RouteParameter {
  kind: 'parameter';
  name: string;
  optional: boolean;
  catchAll: boolean;
  defaultValue: string | undefined;
  constraints: Constraint[];
}

export interface RouteLiteral {
  kind: 'literal';
  text: string;
}

export type RoutePart = RouteParameter | RouteLiteral;

export interface Constraint {
  name: string;
  args: string[];
  /** False when the dev host does not know this constraint (it then accepts any value). */
  known: boolean;
  test(value: string): boolean;
}

export interface CompiledRoute {
  template: string;
  segments: RoutePart[][];
  /** One digit per segment, lower is more specific (ASP.NET RoutePrecedence.ComputeInbound). */
  precedence: number[];
  parameters: RouteParameter[];
  match(pathSegments: string[]): Record<string, string> | undefined;
}

const INT32 = [-(2n ** 31n), 2n ** 31n - 1n] as const;
const INT64 = [-(2n ** 63n), 2n ** 63n - 1n] as const;

function parseInteger(value: string, range: readonly [bigint, bigint]): bigint | undefined {
  const trimmed = value.trim();
  if (!/^[+-]?\d+$/.test(trimmed)) return undefined;
  const n = BigInt(trimmed);
  return n >= range[0] && n <= range[1] ? n : undefined;
}

const GUID =
  /^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}|\([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\))$/i;
const FLOAT = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;
const DECIMAL = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)\s*$/;

function makeConstraint(name: string, args: string[]): Constraint {
  const lower = name.toLowerCase();
  const num = (i: number) => Number(args[i]);
  const tests: Record<string, (v: string) => boolean> = {
    int: (v) => parseInteger(v, INT32) !== undefined,
    long: (v) => parseInteger(v, INT64) !== undefined,
    bool: (v) => /^\s*(true|false)\s*$/i.test(v),
    guid: (v) => GUID.test(v.trim()),
    alpha: (v) => /^[a-z]*$/i.test(v),
    double: (v) => FLOAT.test(v),
    float: (v) => FLOAT.test(v),
    decimal: (v) => DECIMAL.test(v),
    datetime: (v) => !Number.isNaN(Date.parse(v)),
    required: (v) => v !== '',
    min: (v) => {
      const n = parseInteger(v, INT64);
      return n !== undefined && n >= BigInt(args[0] ?? '0');
    },
    max: (v) => {
      const n = parseInteger(v, INT64);
      return n !== undefined && n <= BigInt(args[0] ?? '0');
    },
    range: (v) => {
      const n = parseInteger(v, INT64);
      return n !== undefined && n >= BigInt(args[0] ?? '0') && n <= BigInt(args[1] ?? '0');
    },
    length: (v) => (args.length >= 2 ? v.length >= num(0) && v.length <= num(1) : v.length === num(0)),
    minlength: (v) => v.length >= num(0),
    maxlength: (v) => v.length <= num(0),
    regex: (() => {
      let pattern: RegExp | undefined;
      try {
        pattern = new RegExp(args.join(','), 'i');
      } catch {
        pattern = undefined;
      }
      return (v: string) => pattern?.test(v) ?? false;
    })(),
  };
  const test = tests[lower];
  return { name: lower, args, known: test !== undefined, test: test ?? (() => true) };
}

function parseParameter(content: string, template: string): RouteParameter {
  let rest = content.trim();
  let catchAll = false;
  if (rest.startsWith('**')) {
    catchAll = true;
    rest = rest.slice(2);
  } else if (rest.startsWith('*')) {
    catchAll = true;
    rest = rest.slice(1);
  }
  const nameMatch = /^[^:=?]+/.exec(rest);
  if (!nameMatch) throw new Error(`route "${template}": a parameter has no name`);
  const name = nameMatch[0].trim();
  rest = rest.slice(nameMatch[0].length);
  const constraints: Constraint[] = [];
  while (rest.startsWith(':')) {
    rest = rest.slice(1);
    const constraintName = /^[A-Za-z]+/.exec(rest)?.[0];
    if (!constraintName) throw new Error(`route "${template}": bad constraint in {${content}}`);
    rest = rest.slice(constraintName.length);
    let argText: string | undefined;
    if (rest.startsWith('(')) {
      let depth = 0;
      let end = -1;
      for (let i = 0; i < rest.length; i++) {
        if (rest[i] === '(') depth++;
        else if (rest[i] === ')' && --depth === 0) {
          end = i;
          break;
        }
      }
      if (end < 0) throw new Error(`route "${template}": unbalanced parentheses in {${content}}`);
      argText = rest.slice(1, end);
      rest = rest.slice(end + 1);
    }
    const args =
      argText === undefined ? [] : constraintName.toLowerCase() === 'regex' ? [argText] : argText.split(',');
    constraints.push(
      makeConstraint(
        constraintName,
        args.map((a) => a.trim()),
      ),
    );
  }
  let optional = false;
  let defaultValue: string | undefined;
  if (rest.startsWith('=')) {
    defaultValue = rest.slice(1);
    if (defaultValue.endsWith('?'))
      throw new Error(`route "${template}": {${content}} cannot be optional and have a default`);
    rest = '';
  }
  if (rest === '?') {
    optional = true;
    rest = '';
  }
  if (rest !== '') throw new Error(`route "${template}": cannot parse {${content}}`);
  return { kind: 'parameter', name, optional, catchAll, defaultValue, constraints };
}

function parseSegment(segment: string, template: string): RoutePart[] {
  const parts: RoutePart[] = [];
  let literal = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === '{' && segment[i + 1] === '{') {
      literal += '{';
      i++;
    } else if (c === '}' && segment[i + 1] === '}') {
      literal += '}';
      i++;
    } else if (c === '{') {
      // find the matching close brace, allowing braces inside regex(...) arguments
      let depth = 0;
      let end = -1;
      for (let j = i; j < segment.length; j++) {
        if (segment[j] === '{') depth++;
        else if (segment[j] === '}' && --depth === 0) {
          end = j;
          break;
        }
      }
      if (end < 0) throw new Error(`route "${template}": unclosed "{"`);
      if (literal) parts.push({ kind: 'literal', text: literal });
      literal = '';
      parts.push(parseParameter(segment.slice(i + 1, end), template));
      i = end;
    } else {
      literal += c;
    }
  }
  if (literal) parts.push({ kind: 'literal', text: literal });
  return parts;
}

/** Splits a template on "/" outside of braces (a regex constraint may contain "/"). */
function splitTemplate(template: string): string[] {
  const segments: string[] = [];
  let current = '';
  let depth = 0;
  for (const c of template) {
    if (c === '{') depth++;
    else if (c === '}') depth = Math.max(0, depth - 1);
    if (c === '/' && depth === 0) {
      segments.push(current);
      current = '';
    } else current += c;
  }
  segments.push(current);
  return segments;
}

function precedenceDigit(parts: RoutePart[]): number {
  if (parts.length > 1) return 2;
  const part = parts[0];
  if (!part || part.kind === 'literal') return 1;
  const digit = part.catchAll ? 5 : 3;
  return part.constraints.length > 0 ? digit - 1 : digit;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function checkConstraints(parameter: RouteParameter, value: string): boolean {
  return parameter.constraints.every((c) => c.test(value));
}

export function compileRoute(rawTemplate: string): CompiledRoute {
  const template = rawTemplate.replace(/^~?\/+/, '').replace(/\/+$/, '');
  const segments = template === '' ? [] : splitTemplate(template).map((s) => parseSegment(s, rawTemplate));
  segments.forEach((parts, index) => {
    if (parts.length === 0) throw new Error(`route "${rawTemplate}": empty segment`);
    for (const part of parts) {
      if (part.kind === 'parameter' && part.catchAll && (index !== segments.length - 1 || parts.length > 1)) {
        throw new Error(`route "${rawTemplate}": a catch-all parameter must be the whole last segment`);
      }
    }
  });
  const parameters = segments.flat().filter((p): p is RouteParameter => p.kind === 'parameter');
  const seen = new Set<string>();
  for (const p of parameters) {
    const key = p.name.toLowerCase();
    if (seen.has(key)) throw new Error(`route "${rawTemplate}": parameter "${p.name}" appears twice`);
    seen.add(key);
  }

  // Complex segments (several parts) match through regexes; greedy captures reproduce ASP.NET's
  // right-to-left matching ("{a}-{b}" on "1-2-3" gives a=1-2, b=3). An optional last parameter
  // ("{name}.{ext?}") is tried present first, then absent with its leading literal.
  const complex = segments.map((parts) => {
    if (parts.length < 2) return undefined;
    const build = (use: RoutePart[]) => ({
      regex: new RegExp(
        `^${use.map((p) => (p.kind === 'literal' ? escapeRegex(p.text) : '(.+)')).join('')}$`,
        'i',
      ),
      params: use.filter((p): p is RouteParameter => p.kind === 'parameter'),
    });
    const attempts = [build(parts)];
    const last = parts[parts.length - 1];
    if (last?.kind === 'parameter' && last.optional) {
      const before = parts[parts.length - 2];
      attempts.push(build(parts.slice(0, before?.kind === 'literal' ? -2 : -1)));
    }
    return attempts;
  });

  const match = (pathSegments: string[]): Record<string, string> | undefined => {
    const values: Record<string, string> = {};
    for (let i = 0; i < segments.length; i++) {
      const parts = segments[i]!;
      const first = parts[0]!;
      if (first.kind === 'parameter' && first.catchAll) {
        const value = pathSegments.slice(i).join('/');
        if (value !== '') {
          if (!checkConstraints(first, value)) return undefined;
          values[first.name] = value;
        } else if (first.defaultValue !== undefined) values[first.name] = first.defaultValue;
        return values;
      }
      const text = pathSegments[i];
      if (text === undefined) {
        // a missing trailing segment is fine when it is one optional or defaulted parameter
        if (
          parts.length === 1 &&
          first.kind === 'parameter' &&
          (first.optional || first.defaultValue !== undefined)
        ) {
          if (first.defaultValue !== undefined) values[first.name] = first.defaultValue;
          continue;
        }
        return undefined;
      }
      const attempts = complex[i];
      if (attempts) {
        const found = attempts.some((attempt) => {
          const m = attempt.regex.exec(text);
          if (!m) return false;
          const captured: Record<string, string> = {};
          for (let k = 0; k < attempt.params.length; k++) {
            const param = attempt.params[k]!;
            const value = m[k + 1] ?? '';
            if (!checkConstraints(param, value)) return false;
            captured[param.name] = value;
          }
          Object.assign(values, captured);
          return true;
        });
        if (!found) return undefined;
        continue;
      }
      if (first.kind === 'literal') {
        if (first.text.toLowerCase() !== text.toLowerCase()) return undefined;
      } else {
        if (text === '' || !checkConstraints(first, text)) return undefined;
        values[first.name] = text;
      }
    }
    if (pathSegments.length > segments.length) return undefined;
    return values;
  };

  return { template, segments, precedence: segments.map(precedenceDigit), parameters, match };
}

/** Orders routes most specific first; equal precedence keeps registration order (stable sort). */
export function compareRoutePrecedence(a: CompiledRoute, b: CompiledRoute): number {
  const length = Math.max(a.precedence.length, b.precedence.length);
  for (let i = 0; i < length; i++) {
    const diff = (a.precedence[i] ?? 0) - (b.precedence[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/**
 * Splits a request path (below the route prefix) into decoded segments; undefined when it cannot be
 * decoded. A trailing slash is ignored, as in ASP.NET routing.
 */
export function splitRequestPath(path: string): string[] | undefined {
  const trimmed = path.replace(/^\/+/, '').replace(/\/$/, '');
  if (trimmed === '') return [];
  try {
    return trimmed.split('/').map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}
