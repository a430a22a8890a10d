import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** host.json `extensions.queues`, with Azure's defaults. Durations in milliseconds. */
export interface QueuesOptions {
  batchSize: number;
  newBatchThreshold: number;
  maxPollingIntervalMs: number;
  visibilityTimeoutMs: number;
  maxDequeueCount: number;
  messageEncoding: 'base64' | 'none';
  /** How long a received message stays invisible while its function runs (renewed at half). */
  leaseSeconds: number;
  /**
   * Dev host only (`DEVHOST_AT_LEAST_ONCE=true`, for tests): every message is delivered twice, the
   * second time concurrently, and each batch in a shuffled order, as at-least-once delivery allows.
   */
  atLeastOnce: boolean;
}

export interface HostConfig {
  routePrefix: string;
  queues: QueuesOptions;
  /** host.json `functions`: when present, only these functions run. */
  functions: string[] | undefined;
  /** host.json `logging.logLevel.Function` or `.default`, as written (e.g. "Debug"). */
  userLogLevel: string | undefined;
}

/** Parses a .NET TimeSpan string: `hh:mm:ss`, `hh:mm:ss.fff`, `d.hh:mm:ss`, `d.hh:mm:ss.fff`. */
export function parseTimeSpan(text: string): number {
  const match = /^\s*(-)?(?:(\d+)\.)?(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,7}))?)?\s*$/.exec(text);
  if (!match) throw new Error(`"${text}" is not a TimeSpan (expected hh:mm:ss[.fff])`);
  const [, minus, days, hours, minutes, seconds, fraction] = match;
  const ms =
    ((Number(days ?? 0) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000 +
    Number(seconds ?? 0) * 1000 +
    (fraction ? Number(`0.${fraction}`) * 1000 : 0);
  return minus ? -ms : ms;
}

export function isTimeSpan(text: string): boolean {
  try {
    parseTimeSpan(text);
    return true;
  } catch {
    return false;
  }
}

/** host.json keys are case-insensitive in Azure (configuration binding). */
function getKey(object: unknown, key: string): unknown {
  if (typeof object !== 'object' || object === null) return undefined;
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(object)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

function intOption(value: unknown, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined || value === null) return fallback;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw new Error(`host.json extensions.queues.${name} must be an integer between ${min} and ${max}`);
  }
  return n;
}

function timeSpanOption(value: unknown, name: string, fallbackMs: number): number {
  if (value === undefined || value === null) return fallbackMs;
  if (typeof value !== 'string')
    throw new Error(`host.json extensions.queues.${name} must be a "hh:mm:ss" string`);
  const ms = parseTimeSpan(value);
  if (ms < 0) throw new Error(`host.json extensions.queues.${name} must not be negative`);
  return ms;
}

export function parseHostConfig(hostJson: unknown): HostConfig {
  const extensions = getKey(hostJson, 'extensions');
  const http = getKey(extensions, 'http');
  const queues = getKey(extensions, 'queues');

  const routePrefixRaw = getKey(http, 'routePrefix');
  const routePrefix = typeof routePrefixRaw === 'string' ? routePrefixRaw.replace(/^\/+|\/+$/g, '') : 'api';

  const batchSize = intOption(getKey(queues, 'batchSize'), 'batchSize', 16, 1, 32);
  const newBatchThreshold = intOption(
    getKey(queues, 'newBatchThreshold'),
    'newBatchThreshold',
    Math.floor(batchSize / 2),
    0,
    1000,
  );
  const maxPollingIntervalMs = Math.max(
    100,
    timeSpanOption(getKey(queues, 'maxPollingInterval'), 'maxPollingInterval', 60_000),
  );
  const visibilityTimeoutMs = timeSpanOption(getKey(queues, 'visibilityTimeout'), 'visibilityTimeout', 0);
  const maxDequeueCount = intOption(getKey(queues, 'maxDequeueCount'), 'maxDequeueCount', 5, 1, 1_000_000);
  const encodingRaw = getKey(queues, 'messageEncoding');
  let messageEncoding: 'base64' | 'none' = 'base64';
  if (encodingRaw !== undefined && encodingRaw !== null) {
    const lowered = String(encodingRaw).toLowerCase();
    if (lowered !== 'base64' && lowered !== 'none') {
      throw new Error('host.json extensions.queues.messageEncoding must be "base64" or "none"');
    }
    messageEncoding = lowered;
  }

  const functionsRaw = getKey(hostJson, 'functions');
  const functions = Array.isArray(functionsRaw) ? functionsRaw.map(String) : undefined;

  const logLevel = getKey(getKey(hostJson, 'logging'), 'logLevel');
  const levelText = getKey(logLevel, 'Function') ?? getKey(logLevel, 'default');
  const userLogLevel = typeof levelText === 'string' ? levelText : undefined;

  return {
    routePrefix,
    userLogLevel,
    queues: {
      batchSize,
      newBatchThreshold,
      maxPollingIntervalMs,
      visibilityTimeoutMs,
      maxDequeueCount,
      messageEncoding,
      leaseSeconds: 60,
      atLeastOnce: false,
    },
    functions,
  };
}

export function loadHostConfig(scriptRoot: string): HostConfig {
  const file = join(scriptRoot, 'host.json');
  if (!existsSync(file)) return withDevHostOptions(parseHostConfig({}), process.env);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`could not parse ${file}: ${(error as Error).message}`, { cause: error });
  }
  const config = parseHostConfig(applyHostOverrides(parsed, process.env));
  return withDevHostOptions(config, process.env);
}

/** The dev host's own switches for tests: a shorter message lease, and at-least-once delivery. */
export function withDevHostOptions(config: HostConfig, env: NodeJS.ProcessEnv): HostConfig {
  const lease = Number(env['DEVHOST_QUEUE_LEASE_SECONDS']);
  return {
    ...config,
    queues: {
      ...config.queues,
      leaseSeconds: Number.isInteger(lease) && lease >= 2 ? lease : config.queues.leaseSeconds,
      atLeastOnce: env['DEVHOST_AT_LEAST_ONCE'] === 'true',
    },
  };
}

const OVERRIDE_PREFIX = 'AzureFunctionsJobHost__';

/**
 * As in Azure, an app setting `AzureFunctionsJobHost__extensions__queues__visibilityTimeout` overrides
 * that host.json value (keys match case-insensitively; numbers and booleans are read as such).
 */
export function applyHostOverrides(hostJson: unknown, env: NodeJS.ProcessEnv): unknown {
  const root: Record<string, unknown> =
    typeof hostJson === 'object' && hostJson !== null
      ? structuredClone(hostJson as Record<string, unknown>)
      : {};
  for (const [name, raw] of Object.entries(env)) {
    if (raw === undefined || !name.toLowerCase().startsWith(OVERRIDE_PREFIX.toLowerCase())) continue;
    const path = name.slice(OVERRIDE_PREFIX.length).split('__').filter(Boolean);
    if (path.length === 0) continue;
    let node = root;
    for (const segment of path.slice(0, -1)) {
      const existing = Object.keys(node).find((k) => k.toLowerCase() === segment.toLowerCase()) ?? segment;
      if (typeof node[existing] !== 'object' || node[existing] === null) node[existing] = {};
      node = node[existing] as Record<string, unknown>;
    }
    const last = path[path.length - 1]!;
    const key = Object.keys(node).find((k) => k.toLowerCase() === last.toLowerCase()) ?? last;
    node[key] = /^-?\d+$/.test(raw) ? Number(raw) : raw === 'true' ? true : raw === 'false' ? false : raw;
  }
  return root;
}

/**
 * Resolves Azure app-setting references: every `%NAME%` in the value is replaced by the setting `NAME`
 * (an environment variable); a reference to a missing setting is an error, as in Azure.
 */
export function resolveAppSettings(value: string, env: NodeJS.ProcessEnv = process.env): string {
  return value.replace(/%([^%]+)%/g, (_, name: string) => {
    const resolved = env[name];
    if (resolved === undefined)
      throw new Error(`'%${name}%' does not resolve to a value (no app setting "${name}")`);
    return resolved;
  });
}

/**
 * Values of `<scriptRoot>/local.settings.json`, as Core Tools reads them. Variables already set in the
 * environment win.
 */
export function readLocalSettings(scriptRoot: string): Record<string, string> {
  const file = join(scriptRoot, 'local.settings.json');
  if (!existsSync(file)) return {};
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { Values?: Record<string, unknown> };
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed.Values ?? {})) {
    if (value !== null && value !== undefined) values[key] = String(value);
  }
  return values;
}
