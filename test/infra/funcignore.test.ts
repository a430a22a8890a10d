/**
 * .funcignore decides what goes into the deployment package (azd deploy, func azure functionapp publish).
 * It follows gitignore semantics, so it is read here with `ignore`, a gitignore matcher: every local,
 * test, tooling and source path stays out, and what the app runs from (dist/, host.json, package.json,
 * package-lock.json, node_modules) stays in. Each expectation is also run against a deliberately broken
 * copy of the file, so that it is shown to fail.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ignore from 'ignore';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/infra-check.js';

const funcignore = readFileSync(join(ROOT, '.funcignore'), 'utf8');

/** Paths (as they appear in the package, relative to the project root) that must not be deployed. */
const EXCLUDED = [
  '.local/idp/ca.pem',
  'local.settings.json',
  'local.settings.sample.json',
  'test/unit/config.test.ts',
  'test-results/vitest.json',
  'scripts/seed.ts',
  'bench/bulk.ts',
  'packages/functions-devhost/package.json',
  'packages/functions-devhost/src/host.ts',
  'packages/functions-devhost/test/fixtures/devhost-app/host.json',
  'node_modules/functions-devhost',
  'node_modules/functions-devhost/package.json',
  'infra/main.bicep',
  'infra/tools/packages/azure.bicep.commandline.linux-x64/0.49.2/tools/bicep',
  '.ci/run',
  '.git/HEAD',
  '.gitignore',
  '.github/workflows/ci.yml',
  'functions/health.ts',
  'shared/config.ts',
  'tsconfig.json',
  'tsconfig.check.json',
  'node_modules/.cache/prettier/.prettier-cache',
  '.vscode/settings.json',
  '.idea/workspace.xml',
  'shared/config.ts.swp',
];

/** Paths the deployed app needs. */
const KEPT = [
  'dist/functions/health.js',
  'dist/functions/index.js',
  'dist/shared/config.js',
  'host.json',
  'package.json',
  'package-lock.json',
  'node_modules/@azure/functions/package.json',
  'node_modules/zod/package.json',
];

/** Every TypeScript source the app is compiled from (functions/, shared/): none is deployed. */
function sources(dir = join(ROOT, 'functions'), out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (name.endsWith('.ts')) out.push(relative(ROOT, path).split('\\').join('/'));
  }
  return out;
}
const SOURCES = [...sources(), ...sources(join(ROOT, 'shared'))];

function problems(rules: string): string[] {
  const matcher = ignore().add(rules);
  return [
    ...[...EXCLUDED, ...SOURCES]
      .filter((path) => !matcher.ignores(path))
      .map((path) => `${path} is deployed`),
    ...KEPT.filter((path) => matcher.ignores(path)).map((path) => `${path} is left out`),
  ];
}

describe('.funcignore', () => {
  it('finds TypeScript sources to check', () => {
    expect(SOURCES.length).toBeGreaterThan(10);
  });

  it('leaves out local, test, tooling and source files and keeps what the app runs from', () => {
    expect(problems(funcignore)).toEqual([]);
  });

  it('reports a copy that deploys the local settings', () => {
    expect(problems(funcignore.replace(/^local\.settings\.json$/m, ''))).toContain(
      'local.settings.json is deployed',
    );
  });

  it('reports a copy that leaves out the compiled app', () => {
    expect(problems(`${funcignore}\ndist/\n`)).toContain('dist/functions/health.js is left out');
  });

  it('reports a copy that leaves out node_modules', () => {
    expect(problems(`${funcignore}\nnode_modules/\n`)).toContain(
      'node_modules/@azure/functions/package.json is left out',
    );
  });

  // azd deploys node_modules as packaged (no remote build) only when .funcignore keeps it; azure.yaml
  // says so with remoteBuild: false, and azd refuses a .funcignore that excludes node_modules then.
  it('matches azure.yaml: node_modules is packaged and remote build is off', () => {
    const azureYaml = readFileSync(join(ROOT, 'azure.yaml'), 'utf8');
    expect(azureYaml).toMatch(/^ {4}remoteBuild: false$/m);
    expect(ignore().add(funcignore).ignores('node_modules/')).toBe(false);
  });
});
