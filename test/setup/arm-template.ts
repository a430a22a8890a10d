import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildTemplate, ROOT, type BicepRun } from '../../scripts/infra-check.js';

/** The Bicep build of infra/main.bicep, as the infra tests receive it (the template undefined if it failed). */
export interface ArmBuild extends BicepRun {
  template: unknown;
}

declare module 'vitest' {
  export interface ProvidedContext {
    armBuild: ArmBuild;
  }
}

/**
 * Builds infra/main.bicep once for the whole infra project (the same build as `npm run infra:check`), so
 * each test file checks one concern of the same compiled template without compiling it again. A failed
 * build is handed on, not thrown: the tests that need the template report it.
 */
export default async function setup(project: TestProject) {
  const outDir = mkdtempSync(join(tmpdir(), 'infra-arm-'));
  try {
    const { exitCode, diagnostics, otherLines, template } = await buildTemplate(
      join(ROOT, 'infra', 'main.bicep'),
      outDir,
    );
    project.provide('armBuild', { exitCode, diagnostics, otherLines, template });
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
