/**
 * Checks the Bicep under infra/: restores the Bicep CLI from NuGet (infra/tools/bicep.csproj, into the
 * git-ignored infra/tools/packages), builds every entry file (infra/*.bicep) to ARM JSON in infra/.build/,
 * and lints every .bicep file with infra/bicepconfig.json. Fails on any error or warning.
 *
 *   npx tsx scripts/infra-check.ts        (npm run infra:check)
 *
 * The functions are exported so that test/infra/ can build the same template and inspect it.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const INFRA_DIR = join(ROOT, 'infra');
const TOOLS_DIR = join(INFRA_DIR, 'tools');
const TOOLS_PROJECT = join(TOOLS_DIR, 'bicep.csproj');
const PACKAGES_DIR = join(TOOLS_DIR, 'packages');
export const BUILD_DIR = join(INFRA_DIR, '.build');
const BICEP_PACKAGE = 'azure.bicep.commandline.linux-x64';

export type DiagnosticLevel = 'Error' | 'Warning' | 'Info';

export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  level: DiagnosticLevel;
  code: string;
  message: string;
}

export interface BicepRun {
  exitCode: number;
  diagnostics: Diagnostic[];
  /** Output lines that are not diagnostics (kept so that nothing unexpected passes silently). */
  otherLines: string[];
}

interface ProcessResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<ProcessResult> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      command,
      args,
      { cwd: ROOT, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(new Error(`could not run ${command}: ${error.message}`));
          return;
        }
        resolvePromise({ exitCode: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

/** The Bicep version pinned in infra/tools/bicep.csproj (the one place it is written). */
export function bicepVersion(): string {
  const project = readFileSync(TOOLS_PROJECT, 'utf8');
  const match = /<BicepVersion>\s*([^<\s]+)\s*<\/BicepVersion>/.exec(project);
  if (!match?.[1]) throw new Error(`${relative(ROOT, TOOLS_PROJECT)} has no <BicepVersion>`);
  return match[1];
}

function bicepBinary(version: string): string {
  return join(PACKAGES_DIR, BICEP_PACKAGE, version, 'tools', 'bicep');
}

/** Restores the pinned Bicep CLI package with the .NET SDK (once) and returns the path of the binary. */
export async function restoreBicep(): Promise<string> {
  const version = bicepVersion();
  const binary = bicepBinary(version);
  if (!existsSync(binary)) {
    const result = await run(
      'dotnet',
      ['restore', TOOLS_PROJECT, '--packages', PACKAGES_DIR, '--verbosity', 'quiet'],
      { DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1', DOTNET_SKIP_FIRST_TIME_EXPERIENCE: '1' },
    );
    if (result.exitCode !== 0 || !existsSync(binary)) {
      throw new Error(
        `dotnet restore of ${BICEP_PACKAGE} ${version} failed (exit ${result.exitCode}):\n${result.stdout}${result.stderr}`,
      );
    }
  }
  return binary;
}

const DIAGNOSTIC = /^(.+?)\((\d+),(\d+)\) : (Error|Warning|Info) ([^:\s]+): (.*)$/;

/** Parses Bicep's default diagnostics format: `file(line,col) : Warning rule-name: message [link]`. */
export function parseDiagnostics(output: string): { diagnostics: Diagnostic[]; otherLines: string[] } {
  const diagnostics: Diagnostic[] = [];
  const otherLines: string[] = [];
  for (const line of output.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const match = DIAGNOSTIC.exec(line);
    if (match) {
      const [, file, lineNumber, column, level, code, message] = match as unknown as [
        string,
        string,
        string,
        string,
        DiagnosticLevel,
        string,
        string,
      ];
      diagnostics.push({ file, line: Number(lineNumber), column: Number(column), level, code, message });
    } else {
      otherLines.push(line);
    }
  }
  return { diagnostics, otherLines };
}

async function runBicep(binary: string, args: string[]): Promise<BicepRun> {
  const result = await run(binary, args, { DOTNET_CLI_TELEMETRY_OPTOUT: '1' });
  const parsed = parseDiagnostics(`${result.stdout}\n${result.stderr}`);
  return { exitCode: result.exitCode, ...parsed };
}

/** The entry files: the .bicep files directly in infra/ (modules live in subfolders). */
export function entryFiles(): string[] {
  return readdirSync(INFRA_DIR)
    .filter((name) => name.endsWith('.bicep'))
    .sort()
    .map((name) => join(INFRA_DIR, name));
}

/** Every .bicep file under infra/, except the restored tools and the build output. */
export function bicepFiles(dir = INFRA_DIR): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (path === TOOLS_DIR || path === BUILD_DIR || name === 'node_modules') continue;
    if (statSync(path).isDirectory()) files.push(...bicepFiles(path));
    else if (name.endsWith('.bicep')) files.push(path);
  }
  return files;
}

export interface BuildResult extends BicepRun {
  outFile: string;
  /** The compiled ARM template (undefined when the build failed). */
  template: unknown;
}

/** Builds one entry file to `<outDir>/<name>.json` and returns the ARM template with the diagnostics. */
export async function buildTemplate(
  entry = join(INFRA_DIR, 'main.bicep'),
  outDir = BUILD_DIR,
): Promise<BuildResult> {
  const binary = await restoreBicep();
  mkdirSync(outDir, { recursive: true });
  const outFile = join(outDir, `${basename(entry, '.bicep')}.json`);
  const result = await runBicep(binary, ['build', entry, '--outfile', outFile, '--no-restore']);
  const template =
    result.exitCode === 0 && existsSync(outFile)
      ? (JSON.parse(readFileSync(outFile, 'utf8')) as unknown)
      : undefined;
  return { ...result, outFile, template };
}

export async function lintFile(file: string): Promise<BicepRun> {
  const binary = await restoreBicep();
  return runBicep(binary, ['lint', file, '--no-restore']);
}

export interface CheckReport {
  version: string;
  built: string[];
  linted: string[];
  diagnostics: Diagnostic[];
  problems: string[];
}

function diagnosticKey(d: Diagnostic): string {
  return `${d.file}|${d.line}|${d.column}|${d.code}|${d.message}`;
}

function unexpectedLines(what: string, lines: string[]): string[] {
  return lines.filter((line) => /\b(error|warning)\b/i.test(line)).map((line) => `${what}: ${line}`);
}

/** Builds every entry file and lints every .bicep file; `problems` is empty when all is clean. */
export async function runInfraCheck(outDir = BUILD_DIR): Promise<CheckReport> {
  const version = bicepVersion();
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  const problems: string[] = [];
  const collect = (what: string, result: BicepRun) => {
    for (const d of result.diagnostics) {
      if (seen.has(diagnosticKey(d))) continue;
      seen.add(diagnosticKey(d));
      diagnostics.push(d);
    }
    problems.push(...unexpectedLines(what, result.otherLines));
    if (result.exitCode !== 0) {
      problems.push(
        `${what} exited ${result.exitCode}${result.otherLines.length ? `: ${result.otherLines.join('\n')}` : ''}`,
      );
    }
  };

  const built: string[] = [];
  for (const entry of entryFiles()) {
    const result = await buildTemplate(entry, outDir);
    collect(`bicep build ${relative(ROOT, entry)}`, result);
    if (result.template === undefined)
      problems.push(`bicep build ${relative(ROOT, entry)} produced no template`);
    else built.push(relative(ROOT, result.outFile));
  }
  if (built.length === 0 && problems.length === 0) problems.push('no entry file (infra/*.bicep) was built');

  const linted: string[] = [];
  for (const file of bicepFiles()) {
    collect(`bicep lint ${relative(ROOT, file)}`, await lintFile(file));
    linted.push(relative(ROOT, file));
  }

  for (const d of diagnostics) {
    if (d.level === 'Error' || d.level === 'Warning') {
      problems.push(`${relative(ROOT, d.file)}(${d.line},${d.column}) : ${d.level} ${d.code}: ${d.message}`);
    }
  }
  return { version, built, linted, diagnostics, problems };
}

async function main(): Promise<number> {
  const report = await runInfraCheck();
  const count = (level: DiagnosticLevel) => report.diagnostics.filter((d) => d.level === level).length;
  for (const d of report.diagnostics) {
    console.log(`${relative(ROOT, d.file)}(${d.line},${d.column}) : ${d.level} ${d.code}: ${d.message}`);
  }
  for (const file of report.built) console.log(`built  ${file}`);
  for (const file of report.linted) console.log(`linted ${file}`);
  const summary = `infra-check: Bicep ${report.version}, ${report.built.length} built, ${report.linted.length} linted: ${count('Error')} errors, ${count('Warning')} warnings`;
  if (report.problems.length > 0) {
    console.error(`${summary}\nFAILED:\n${report.problems.map((p) => `  ${p}`).join('\n')}`);
    return 1;
  }
  console.log(summary);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`infra-check: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
