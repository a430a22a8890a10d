import type { Registration } from './core.js';
import { isTimeSpan, resolveAppSettings } from './config.js';
import { compileRoute, type CompiledRoute } from './routes.js';
import type { RpcBindingInfo } from './rpc.js';

export type TriggerKind = 'http' | 'queue' | 'timer' | 'other';

export interface BindingInfo {
  name: string;
  type: string;
  direction: string;
  [option: string]: unknown;
}

/** What the dev host found for one registered function, as listed by `GET /admin/functions`. */
export interface FunctionInfo {
  name: string;
  kind: TriggerKind;
  /** Trigger binding type as registered, e.g. `httpTrigger`, `queueTrigger`, `timerTrigger`. */
  triggerType: string;
  /** `AzureWebJobs.<name>.Disabled` is true: the function is listed but never triggered. */
  disabled: boolean;
  /** Why the function cannot run (unresolved `%SETTING%`, bad route or schedule, unsupported trigger). */
  error?: string;
  http?: { route: string; methods: string[] | undefined; authLevel: string; url: string };
  queue?: { queueName: string; poisonQueueName: string; connection: string };
  timer?: { schedule: string; runOnStartup: boolean };
  bindings: BindingInfo[];
}

/** A function ready to run: its registration, trigger binding and description. */
export interface HostedFunction {
  info: FunctionInfo;
  registration: Registration;
  triggerName: string;
  trigger: RpcBindingInfo;
  route?: CompiledRoute;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function isTriggerType(type: string | null | undefined): boolean {
  return !!type && /trigger$/i.test(type);
}

export function isDisabled(name: string, env: NodeJS.ProcessEnv): boolean {
  const value = env[`AzureWebJobs.${name}.Disabled`] ?? env[`AzureWebJobs_${name}_Disabled`];
  return value !== undefined && /^(true|1)$/i.test(value.trim());
}

export function describeFunction(
  registration: Registration,
  context: { routePrefix: string; baseUrl: string; env: NodeJS.ProcessEnv },
): HostedFunction {
  const { metadata } = registration;
  const bindings: BindingInfo[] = Object.entries(metadata.bindings).map(([name, b]) => {
    const { properties: _properties, ...rest } = b;
    return { ...rest, name, type: String(b.type ?? ''), direction: String(b.direction ?? '') };
  });
  const triggerEntry = Object.entries(metadata.bindings).find(([, b]) => isTriggerType(b.type));
  if (!triggerEntry) throw new Error(`function "${metadata.name}" has no trigger binding`);
  const [triggerName, trigger] = triggerEntry;
  const triggerType = String(trigger.type);
  const lowered = triggerType.toLowerCase();
  const kind: TriggerKind =
    lowered === 'httptrigger'
      ? 'http'
      : lowered === 'queuetrigger'
        ? 'queue'
        : lowered === 'timertrigger'
          ? 'timer'
          : 'other';
  const info: FunctionInfo = {
    name: metadata.name,
    kind,
    triggerType,
    disabled: isDisabled(metadata.name, context.env),
    bindings,
  };
  const hosted: HostedFunction = { info, registration, triggerName, trigger };
  try {
    if (kind === 'http') {
      const route = (str(trigger.route) ?? '').trim() || metadata.name;
      const methods = Array.isArray(trigger.methods)
        ? trigger.methods.map((m) => String(m).toUpperCase())
        : undefined;
      const authLevel = (str(trigger.authLevel) ?? 'function').toLowerCase();
      const path = [context.routePrefix, route.replace(/^\/+/, '')].filter(Boolean).join('/');
      info.http = {
        route,
        methods: methods && methods.length > 0 ? methods : undefined,
        authLevel,
        url: `${context.baseUrl}/${path}`,
      };
      hosted.route = compileRoute(route);
    } else if (kind === 'queue') {
      const rawName = str(trigger.queueName);
      if (!rawName) throw new Error('queueTrigger has no queueName');
      const queueName = resolveAppSettings(rawName, context.env);
      const connection = str(trigger.connection) || 'AzureWebJobsStorage';
      info.queue = { queueName, poisonQueueName: `${queueName}-poison`, connection };
    } else if (kind === 'timer') {
      const rawSchedule = str(trigger.schedule);
      if (!rawSchedule) throw new Error('timerTrigger has no schedule');
      const schedule = resolveAppSettings(rawSchedule, context.env);
      info.timer = { schedule, runOnStartup: trigger.runOnStartup === true };
      if (!isTimeSpan(schedule) && !/^\s*\S+(\s+\S+){4,5}\s*$/.test(schedule)) {
        throw new Error(
          `the schedule "${schedule}" is not an NCRONTAB expression (sec min hour day month dow) or a TimeSpan`,
        );
      }
    } else {
      throw new Error(`${triggerType} is not supported by the dev host (http, queue and timer triggers are)`);
    }
  } catch (error) {
    info.error = (error as Error).message;
  }
  return hosted;
}

/** One line per function for the startup listing. */
export function summarize(info: FunctionInfo): string {
  const flags = [info.disabled ? 'DISABLED' : '', info.error ? `NOT RUNNING: ${info.error}` : '']
    .filter(Boolean)
    .join(' ');
  let detail: string;
  if (info.http) {
    const methods = info.http.methods?.join(',') ?? 'ANY';
    detail = `[${methods}] ${info.http.url}${info.http.authLevel === 'anonymous' ? '' : ` (authLevel ${info.http.authLevel})`}`;
  } else if (info.queue) {
    detail = `queueTrigger on "${info.queue.queueName}" (connection ${info.queue.connection})`;
  } else if (info.timer) {
    detail = `timerTrigger "${info.timer.schedule}"${info.timer.runOnStartup ? ' runOnStartup' : ''}`;
  } else {
    detail = info.triggerType;
  }
  return `  ${info.name}: ${detail}${flags ? ` ${flags}` : ''}`;
}
