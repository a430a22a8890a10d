import Module from 'node:module';
import type {
  FunctionCallback,
  FunctionMetadata,
  HookCallback,
  HookData,
  ProgrammingModel,
  RpcLogCategory,
  RpcLogLevel,
} from './rpc.js';

/** The request name `@azure/functions` lazily `require`s to find the worker it runs in. */
export const CORE_MODULE_ID = '@azure/functions-core';

export interface Registration {
  metadata: FunctionMetadata;
  handler: FunctionCallback;
}

export type SystemLog = (level: RpcLogLevel, category: RpcLogCategory, message: string) => void;

/** What the app's `@azure/functions` told "the worker": its programming model, functions and hooks. */
export interface CoreRegistry {
  model: ProgrammingModel | undefined;
  readonly functions: Registration[];
  readonly hooks: Map<string, HookCallback[]>;
  /** Shared by every hook of the app, like the worker's `appHookData`. */
  readonly appHookData: HookData;
  /** Where logs the library sends through `coreApi.log` (and dev host system logs) go. */
  systemLog: SystemLog;
}

class Disposable {
  static from(...likes: { dispose: () => unknown }[]): Disposable {
    return new Disposable(() => {
      for (const like of likes) like.dispose();
    });
  }
  #callOnDispose: (() => unknown) | undefined;
  constructor(callOnDispose: () => unknown) {
    this.#callOnDispose = callOnDispose;
  }
  dispose(): unknown {
    const call = this.#callOnDispose;
    this.#callOnDispose = undefined;
    return call?.();
  }
}

const KNOWN_HOOKS = new Set(['preInvocation', 'postInvocation', 'appStart', 'appTerminate', 'log']);

let installed: CoreRegistry | undefined;

/**
 * Makes `require('@azure/functions-core')` return a stand-in for the worker's core API, so the app's
 * `app.http(...)`/`app.storageQueue(...)`/`app.timer(...)` calls register with the dev host instead
 * of falling into the library's "test mode". Must run before the app's first `app.*` call; process-wide
 * and idempotent.
 */
export function installCoreApi(systemLog: SystemLog): CoreRegistry {
  if (installed) {
    installed.systemLog = systemLog;
    return installed;
  }
  const registry: CoreRegistry = {
    model: undefined,
    functions: [],
    hooks: new Map(),
    appHookData: {},
    systemLog,
  };

  const coreApi = {
    version: '3.12.0-devhost',
    hostVersion: '4.1040.0-devhost',
    Disposable,
    setProgrammingModel(model: ProgrammingModel): void {
      registry.model = model;
      registry.systemLog('debug', 'system', `Programming model set: ${model.name}@${model.version}`);
    },
    getProgrammingModel(): ProgrammingModel | undefined {
      return registry.model;
    },
    registerFunction(metadata: FunctionMetadata, handler: FunctionCallback): Disposable {
      const clash = registry.functions.find(
        (f) => f.metadata.name.toLowerCase() === metadata.name.toLowerCase(),
      );
      if (clash) throw new Error(`A function with the name "${metadata.name}" has already been registered.`);
      const registration: Registration = { metadata, handler };
      registry.functions.push(registration);
      return new Disposable(() => {
        const at = registry.functions.indexOf(registration);
        if (at >= 0) registry.functions.splice(at, 1);
      });
    },
    registerHook(hookName: string, callback: HookCallback): Disposable {
      if (!KNOWN_HOOKS.has(hookName)) {
        // Same error type the library checks for when it asks for hooks an old worker lacks.
        const error = new RangeError(`"${hookName}" is not a valid hook name.`) as RangeError & {
          isAzureFunctionsSystemError?: boolean;
        };
        error.isAzureFunctionsSystemError = true;
        throw error;
      }
      const list = registry.hooks.get(hookName) ?? [];
      list.push(callback);
      registry.hooks.set(hookName, list);
      return new Disposable(() => {
        const at = list.indexOf(callback);
        if (at >= 0) list.splice(at, 1);
      });
    },
    log(level: RpcLogLevel, category: RpcLogCategory, message: string): void {
      registry.systemLog(level, category, message);
    },
  };

  const internals = Module as unknown as {
    _load: (request: string, parent: unknown, isMain: boolean) => unknown;
    _resolveFilename: (request: string, ...rest: unknown[]) => string;
  };
  const originalLoad = internals._load;
  internals._load = function (this: unknown, request: string, parent: unknown, isMain: boolean) {
    if (request === CORE_MODULE_ID) return coreApi;
    return originalLoad.call(this, request, parent, isMain);
  };
  const originalResolve = internals._resolveFilename;
  internals._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
    if (request === CORE_MODULE_ID) return CORE_MODULE_ID;
    return originalResolve.call(this, request, ...rest);
  };
  installed = registry;
  return registry;
}

/** Runs the app's hooks of one kind in registration order, like the worker: a throwing hook fails the step. */
export async function runHooks(
  registry: CoreRegistry,
  name: string,
  context: Record<string, unknown>,
): Promise<void> {
  for (const hook of [...(registry.hooks.get(name) ?? [])]) await hook(context);
}

/** Log hooks run synchronously and may rewrite level and message (the library's LogHookContext does). */
export function runLogHooks(
  registry: CoreRegistry,
  context: { level: RpcLogLevel; message: string; category: RpcLogCategory; invocationContext?: unknown },
): void {
  const hooks = registry.hooks.get('log');
  if (!hooks?.length) return;
  const hookContext = { ...context, hookData: {}, appHookData: registry.appHookData } as Record<
    string,
    unknown
  >;
  for (const hook of [...hooks]) {
    try {
      void hook(hookContext);
    } catch (error) {
      registry.systemLog('error', 'system', `A log hook failed: ${String(error)}`);
    }
  }
  context.level = hookContext.level as RpcLogLevel;
  context.message = hookContext.message as string;
}
