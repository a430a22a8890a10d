import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnOwned } from './process/child.js';
import { readLocalSettings } from './config.js';

/** Printed by main.ts when the host is ready; kept in sync with READY_MARKER there. */
const READY_MARKER = 'Dev host ready on ';

export interface SpawnDevHostOptions {
  scriptRoot: string;
  /** 0 lets the host pick a free port; `url` is then read from its readiness line. */
  port: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Overrides package.json `main` (e.g. `functions/*.ts`). */
  main?: string;
  /** Added to this process's environment for the child. */
  env?: Record<string, string>;
  /** Every output line of the child (stdout and stderr). */
  onOutput?: (line: string) => void;
  /** How long to wait for readiness; default 60 s. */
  readyTimeoutMs?: number;
  /**
   * Put `<scriptRoot>/local.settings.json` Values into the child's environment, under this process's
   * environment and `env` (as Core Tools does, so NODE_* settings apply at startup); default true.
   */
  localSettings?: boolean;
}

/** A running dev host child, shaped like any other local service (an address and a stop). */
export interface DevHostService {
  /** The host's base URL, e.g. http://127.0.0.1:7071. */
  readonly url: string;
  /** Process id of the child (leader of its process group). */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

/**
 * Starts this package's `main.ts` (under tsx) as an owned child process and resolves once it prints
 * its readiness line or answers `GET /admin/host/status`; rejects with the child's last output when
 * it exits first or the timeout passes.
 */
export async function spawnDevHost(options: SpawnDevHostOptions): Promise<DevHostService> {
  const require = createRequire(import.meta.url);
  const tsxCli = require.resolve('tsx/cli');
  const mainScript = fileURLToPath(new URL('./main.ts', import.meta.url));
  const scriptRoot = resolve(options.scriptRoot);
  const host = options.host ?? '127.0.0.1';
  let url = `http://${host.includes(':') ? `[${host}]` : host}:${options.port}`;
  const args = [
    tsxCli,
    mainScript,
    '--script-root',
    scriptRoot,
    '--port',
    String(options.port),
    '--host',
    host,
  ];
  if (options.main) args.push('--main', options.main);
  const useLocalSettings = options.localSettings !== false;
  if (!useLocalSettings) args.push('--no-local-settings');
  // lets the readiness poll tell our child from anything else answering on the port
  const instanceId = randomUUID();
  const env = {
    ...(useLocalSettings ? readLocalSettings(scriptRoot) : {}),
    ...process.env,
    ...options.env,
    DEVHOST_INSTANCE_ID: instanceId,
  };

  const tail: string[] = [];
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolveReady) => {
    markReady = resolveReady;
  });
  const owned = spawnOwned(process.execPath, args, {
    name: 'devhost',
    cwd: scriptRoot,
    env,
    onOutput: (line) => {
      tail.push(line);
      if (tail.length > 60) tail.shift();
      options.onOutput?.(line);
      const at = line.indexOf(READY_MARKER);
      if (at >= 0) {
        url = line.slice(at + READY_MARKER.length).trim();
        markReady();
      }
    },
  });
  const exited = new Promise<string>((resolveExit) => {
    owned.child.once('exit', (code, signal) => resolveExit(`exited with ${signal ?? `code ${code}`}`));
    owned.child.once('error', (error) => resolveExit(`could not start: ${error.message}`));
  });

  let polling = true;
  const answered = (async () => {
    // with port 0 the address is unknown until the readiness line: only that line can tell
    while (polling && options.port !== 0) {
      await new Promise((r) => setTimeout(r, 250));
      try {
        const response = await fetch(`${url}/admin/host/status`, { signal: AbortSignal.timeout(1000) });
        const status = (await response.json()) as { state?: string; instanceId?: string };
        if (response.ok && status.instanceId === instanceId && status.state === 'Running') return;
      } catch {
        /* not up yet */
      }
    }
    await new Promise(() => {}); // polling stopped: never resolves
  })();

  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<string>((resolveTimeout) => {
    timer = setTimeout(() => resolveTimeout(`was not ready after ${timeoutMs} ms`), timeoutMs);
  });
  try {
    const result = await Promise.race([
      ready.then(() => undefined),
      answered.then(() => undefined),
      exited,
      timedOut,
    ]);
    if (result !== undefined) {
      await owned.stop();
      if (owned.child.pid !== undefined) signalGroup(owned.child.pid, 'SIGKILL');
      throw new Error(`dev host ${result}:\n${tail.join('\n')}`);
    }
  } finally {
    polling = false;
    clearTimeout(timer);
  }
  const pid = owned.child.pid;
  const closed = new Promise<void>((resolveClose) => owned.child.once('close', () => resolveClose()));
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await owned.stop();
      // tsx's own helpers (its esbuild service) share the process group and may outlive the leader
      // for a moment: wait until the whole group is gone, then for the last output to arrive.
      if (pid !== undefined && !(await groupGone(pid, 3000))) {
        signalGroup(pid, 'SIGKILL');
        await groupGone(pid, 2000);
      }
      await Promise.race([closed, new Promise((r) => setTimeout(r, 1000))]);
    })();
    return stopping;
  };
  return { url, pid, stop };
}

function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

async function groupGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (signalGroup(pid, 0)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}
