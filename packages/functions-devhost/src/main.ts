/**
 * Dev host CLI: runs a Functions app's real registrations without Azure Functions Core Tools.
 *
 *   tsx packages/functions-devhost/src/main.ts --script-root <dir> --port <n> [--host 127.0.0.1] [--main 'functions/*.ts']
 *
 * Prints `Dev host ready on http://<host>:<port>` once every function is registered and the server
 * listens. SIGTERM/SIGINT stop polling, let running invocations finish (3 s at most) and exit 0.
 */
import { parseArgs } from 'node:util';
import { startDevHost, type DevHost } from './host.js';
import { describeError } from './log.js';

export const READY_MARKER = 'Dev host ready on ';

function usage(message: string): never {
  process.stderr.write(
    `${message}\nusage: tsx packages/functions-devhost/src/main.ts --script-root <dir> [--port 7071] [--host 127.0.0.1] [--main <glob>] [--no-local-settings]\n`,
  );
  process.exit(2);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        'script-root': { type: 'string' },
        port: { type: 'string', default: '7071' },
        host: { type: 'string', default: '127.0.0.1' },
        main: { type: 'string' },
        'no-local-settings': { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    usage((error as Error).message);
  }
  const scriptRoot = values['script-root'] ?? process.cwd();
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    usage(`--port must be a port number, not "${values.port}"`);

  const write = (line: string) => process.stdout.write(`${line}\n`);
  process.on('unhandledRejection', (reason) =>
    write(`[devhost] ERROR unhandled promise rejection: ${describeError(reason)}`),
  );
  process.on('uncaughtException', (error) =>
    write(`[devhost] ERROR uncaught exception: ${describeError(error)}`),
  );

  let host: DevHost | undefined;
  let exiting = false;
  const shutdown = (signal: string) => {
    if (exiting) return;
    exiting = true;
    write(`[devhost] ${signal} received, shutting down`);
    const hard = setTimeout(() => process.exit(0), 4500);
    hard.unref();
    void (host?.stop() ?? Promise.resolve())
      .catch((error: unknown) => write(`[devhost] ERROR during shutdown: ${describeError(error)}`))
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  try {
    host = await startDevHost({
      scriptRoot,
      port,
      host: values.host,
      main: values.main,
      localSettings: !values['no-local-settings'],
      log: write,
    });
  } catch (error) {
    write(`[devhost] ERROR the dev host could not start: ${describeError(error)}`);
    process.exit(1);
  }
  if (exiting) return;
  write(`${READY_MARKER}${host.url}`);
}

void main();
