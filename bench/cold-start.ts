/**
 * Cold start: in fresh `node` processes, the time to import the built app (every file of package.json's
 * `main` glob, as the host loads them) against the time to import the SDKs it depends on alone,
 * alternating runs, medians. The time is taken inside the child around its imports (node's own boot is
 * the same for both); the child's whole wall time is reported too.
 */
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { readPackageMain, resolveEntryFiles } from 'functions-devhost';
import { root } from './context.js';
import { median, round } from './stats.js';

export const COLD_START_RUNS = 10;

export const SDKS = [
  '@azure/functions',
  '@azure/cosmos',
  '@azure/storage-queue',
  '@azure/storage-blob',
  '@azure/communication-email',
  '@azure/msal-node',
  '@azure/identity',
  'zod',
  'jose',
  'csv-parse',
  'csv-stringify',
  'iron-webcrypto',
  'cookie',
];

export interface ColdStartResult {
  runs: number;
  appFiles: number;
  sdkCount: number;
  app: { importMs: number; processMs: number; samples: number[] };
  sdks: { importMs: number; processMs: number; samples: number[] };
  /** app import median / SDKs import median. */
  ratio: number;
  /** Whether importing the app needed the stack's environment (it should not: config is lazy). */
  neededAppEnv: boolean;
}

function childScript(specifiers: string[]): string {
  return [
    'const started = performance.now();',
    `for (const s of ${JSON.stringify(specifiers)}) await import(s);`,
    'process.stdout.write(JSON.stringify({ ms: performance.now() - started }));',
    'process.exit(0);',
  ].join('\n');
}

async function runChild(
  script: string,
  env: NodeJS.ProcessEnv,
): Promise<{ importMs: number; processMs: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  const processMs = performance.now() - started;
  if (code !== 0) throw new Error(`the import child exited with ${code}: ${err.trim().slice(-600)}`);
  const { ms } = JSON.parse(out) as { ms: number };
  return { importMs: ms, processMs };
}

export async function measureColdStart(appEnv: Record<string, string>): Promise<ColdStartResult> {
  const appFiles = resolveEntryFiles(root, readPackageMain(root)).map((f) => pathToFileURL(f).href);
  const app = childScript(appFiles);
  const sdks = childScript(SDKS);
  // A fresh process with a plain environment: nothing of the app's settings, nothing of tsx.
  const plain: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    NODE_ENV: 'production',
  };
  let appEnvironment = plain;
  let neededAppEnv = false;
  try {
    await runChild(app, plain);
  } catch {
    neededAppEnv = true;
    appEnvironment = { ...plain, ...appEnv };
    await runChild(app, appEnvironment);
  }
  await runChild(sdks, plain); // warm the file cache for both, untimed

  const appRuns: { importMs: number; processMs: number }[] = [];
  const sdkRuns: { importMs: number; processMs: number }[] = [];
  for (let i = 0; i < COLD_START_RUNS; i++) {
    // Alternate which goes first, so neither always follows the other.
    if (i % 2 === 0) {
      sdkRuns.push(await runChild(sdks, plain));
      appRuns.push(await runChild(app, appEnvironment));
    } else {
      appRuns.push(await runChild(app, appEnvironment));
      sdkRuns.push(await runChild(sdks, plain));
    }
  }
  const summary = (runs: { importMs: number; processMs: number }[]) => ({
    importMs: round(median(runs.map((r) => r.importMs)), 1),
    processMs: round(median(runs.map((r) => r.processMs)), 1),
    samples: runs.map((r) => round(r.importMs, 1)),
  });
  const appSummary = summary(appRuns);
  const sdkSummary = summary(sdkRuns);
  return {
    runs: COLD_START_RUNS,
    appFiles: appFiles.length,
    sdkCount: SDKS.length,
    app: appSummary,
    sdks: sdkSummary,
    ratio: round(appSummary.importMs / sdkSummary.importMs, 2),
    neededAppEnv,
  };
}
