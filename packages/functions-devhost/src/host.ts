import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadHostConfig, readLocalSettings } from './config.js';
import { installCoreApi, runHooks } from './core.js';
import { describeFunction, summarize, type FunctionInfo, type HostedFunction } from './functions.js';
import { HttpFrontDoor, type AdminApi } from './http.js';
import { Invoker } from './invoke.js';
import { readPackageMain, resolveEntryFiles } from './loader.js';
import { describeError, HostLog, parseLogLevel } from './log.js';
import { QueueListener } from './queues.js';
import { StorageClients } from './storage.js';
import { TimerListener } from './timers.js';

export type { FunctionInfo } from './functions.js';

export interface DevHostOptions {
  /** Folder with the app's package.json (its `main` lists the files that register functions) and host.json. */
  scriptRoot: string;
  /** 0 picks a free port. */
  port: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Set in process.env before the app loads; wins over the environment and local.settings.json. */
  env?: Record<string, string>;
  /** Receives every log line; default console.log. */
  log?: (line: string) => void;
  /** Use instead of package.json `main` (e.g. `functions/*.ts` to run sources without a build). */
  main?: string;
  /** Read `<scriptRoot>/local.settings.json` Values into the environment (existing variables win); default true. */
  localSettings?: boolean;
  /** How long stop() lets running invocations finish; default 3000 ms. */
  shutdownGraceMs?: number;
}

export interface DevHost {
  url: string;
  functions: FunctionInfo[];
  stop(): Promise<void>;
}

let startedOnce = false;

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Loads the app in this process with a stand-in for the Functions worker, then serves its HTTP
 * functions, polls its queues and runs its timers. Process-wide (the app's modules and registrations
 * are), so it can run once per process; `main.ts` is the CLI around it.
 */
export async function startDevHost(options: DevHostOptions): Promise<DevHost> {
  if (startedOnce)
    throw new Error('startDevHost runs once per process: the app and its registrations are process-wide');
  startedOnce = true;
  const scriptRoot = resolve(options.scriptRoot);
  const listenHost = options.host ?? '127.0.0.1';
  const grace = options.shutdownGraceMs ?? 3000;
  const env = process.env;

  const lateSettings: string[] = [];
  if (options.localSettings !== false) {
    for (const [key, value] of Object.entries(readLocalSettings(scriptRoot))) {
      if (env[key] !== undefined) continue;
      env[key] = value;
      if (/^NODE_/i.test(key)) lateSettings.push(key);
    }
  }
  Object.assign(env, options.env ?? {});

  const hostConfig = loadHostConfig(scriptRoot);
  const userLevel = parseLogLevel(hostConfig.userLogLevel) ?? 'information';
  const log = new HostLog(
    options.log ?? ((line) => console.log(line)),
    userLevel,
    /^(1|true)$/i.test(env.DEVHOST_VERBOSE ?? ''),
  );
  if (lateSettings.length > 0) {
    log.warn(
      `local.settings.json sets ${lateSettings.join(', ')}, which Node.js reads only at startup: ` +
        'start the dev host through spawnDevHost (or export them) for them to apply',
    );
  }
  const registry = installCoreApi((level, category, message) => log.system(level, category, message));

  // Load the app's @azure/functions through the CommonJS loader first, so its lazy
  // require('@azure/functions-core') surely meets the hook whatever loader imports the app.
  try {
    createRequire(join(scriptRoot, 'package.json'))('@azure/functions');
  } catch (error) {
    log.debug(`@azure/functions not preloaded: ${(error as Error).message}`);
  }

  const main = options.main ?? readPackageMain(scriptRoot);
  const files = resolveEntryFiles(scriptRoot, main);
  log.info(`Loading ${files.length} file(s) of "${main}" from ${scriptRoot}`);
  for (const file of files) {
    try {
      await import(pathToFileURL(file).href);
    } catch (error) {
      throw new Error(
        `Worker was unable to load entry point "${relative(scriptRoot, file)}": ${describeError(error)}`,
        {
          cause: error,
        },
      );
    }
  }
  if (registry.model?.getCapabilities) {
    const capabilities = await registry.model.getCapabilities({});
    if (capabilities.HttpUri) {
      throw new Error(
        'HTTP streaming (app.setup({ enableHttpStream: true })) is not supported by the dev host',
      );
    }
  }

  let front: HttpFrontDoor | undefined;
  let draining = false;
  let activeRequests = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (!front || draining) {
      res.writeHead(503, { 'content-length': '0', connection: 'close' });
      res.end();
      return;
    }
    activeRequests++;
    res.once('close', () => activeRequests--);
    front.handle(req, res);
  });
  const requestsDone = async (timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (activeRequests > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  };
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port, listenHost, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${listenHost.includes(':') ? `[${listenHost}]` : listenHost}:${port}`;

  try {
    let hosted: HostedFunction[] = registry.functions.map((registration) =>
      describeFunction(registration, { routePrefix: hostConfig.routePrefix, baseUrl: url, env }),
    );
    if (hostConfig.functions) {
      const allowed = new Set(hostConfig.functions.map((n) => n.toLowerCase()));
      const skipped = hosted.filter((f) => !allowed.has(f.info.name.toLowerCase()));
      if (skipped.length > 0) {
        log.info(`host.json "functions" leaves out: ${skipped.map((f) => f.info.name).join(', ')}`);
      }
      hosted = hosted.filter((f) => allowed.has(f.info.name.toLowerCase()));
    }

    const storage = new StorageClients(env);
    const invoker = new Invoker(registry, log, storage, hostConfig.queues.messageEncoding, env);
    const timeZone = env.WEBSITE_TIME_ZONE?.trim() || 'UTC';
    if (!validTimeZone(timeZone)) throw new Error(`WEBSITE_TIME_ZONE "${timeZone}" is not an IANA time zone`);

    const queueListeners = new Map<HostedFunction, QueueListener>();
    const timerListeners = new Map<HostedFunction, TimerListener>();
    for (const fn of hosted) {
      if (fn.info.error) continue;
      if (fn.info.kind === 'queue')
        queueListeners.set(fn, new QueueListener(fn, hostConfig.queues, storage, invoker, log));
      if (fn.info.kind === 'timer') {
        try {
          timerListeners.set(fn, new TimerListener(fn, invoker, log, timeZone));
        } catch (error) {
          fn.info.error = (error as Error).message;
        }
      }
    }

    log.info(hosted.length > 0 ? 'Functions:' : 'No functions were registered.');
    for (const fn of hosted) log.info(summarize(fn.info));

    const admin: AdminApi = {
      functions: () => hosted,
      invoke(fn, input) {
        if (fn.info.error) return { accepted: false, reason: fn.info.error };
        const timer = timerListeners.get(fn);
        if (timer) {
          void timer.fireNow();
          return { accepted: true };
        }
        const queue = queueListeners.get(fn);
        if (queue) {
          void queue.invokeDirect(input ?? '');
          return { accepted: true };
        }
        return {
          accepted: false,
          reason: `${fn.info.name} is triggered by ${fn.info.triggerType}; call its route instead`,
        };
      },
    };
    const keys = {
      functionKeys: [env.DEVHOST_FUNCTION_KEY || 'dev-key'],
      masterKey: env.DEVHOST_MASTER_KEY || env.DEVHOST_FUNCTION_KEY || 'dev-key',
    };

    await runHooks(registry, 'appStart', {
      hookData: {},
      appHookData: registry.appHookData,
      functionAppDirectory: scriptRoot,
    });

    front = new HttpFrontDoor(hosted, hostConfig.routePrefix, invoker, keys, admin, log);
    for (const [fn, listener] of queueListeners) if (!fn.info.disabled) listener.start();
    for (const [fn, listener] of timerListeners) if (!fn.info.disabled) listener.start();

    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      stopping ??= (async () => {
        log.info('Stopping the dev host');
        draining = true;
        server.close();
        await Promise.all([
          ...[...queueListeners.values()].map((l) => l.stop(grace)),
          ...[...timerListeners.values()].map((l) => l.stop(grace)),
        ]);
        if (!(await invoker.drain(grace)))
          log.warn(`${invoker.inFlight} invocation(s) still running at shutdown`);
        await requestsDone(500);
        try {
          await runHooks(registry, 'appTerminate', { hookData: {}, appHookData: registry.appHookData });
        } catch (error) {
          log.error(`appTerminate hook failed: ${describeError(error)}`);
        }
        server.closeAllConnections();
        log.info('Dev host stopped');
      })();
      return stopping;
    };

    return { url, functions: hosted.map((f) => f.info), stop };
  } catch (error) {
    server.close();
    server.closeAllConnections();
    throw error;
  }
}
