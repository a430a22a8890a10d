import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { ArmBuild } from '../setup/arm-template.js';
import { buildModel, type ArmTemplate, type Model } from './arm-model.js';

/**
 * Each check is a function returning its problems. It must return none for the real template, and each
 * one is also run on a copy of the template broken on purpose, where it must report a problem: so every
 * assertion of the infra checks can fail.
 */
export type Check = (model: Model) => string[];

export interface Compiled {
  build: ArmBuild;
  template: ArmTemplate;
  model: Model;
}

/** The template the infra project's global setup compiled (test/setup/arm-template.ts), with its model. */
export function compiledMain(): Compiled {
  const build = inject('armBuild');
  if (build.template === undefined) {
    throw new Error(
      `bicep build failed:\n${build.diagnostics.map((d) => `${d.level} ${d.code}: ${d.message}`).join('\n')}\n${build.otherLines.join('\n')}`,
    );
  }
  const template = build.template as ArmTemplate;
  return { build, template, model: buildModel(template) };
}

/** Runs each check on the compiled template and on a copy broken by its breakage; `more` adds tests. */
export function checkSuite<Name extends string>(
  checks: Record<Name, Check>,
  breakages: Record<Name, (template: ArmTemplate) => void>,
  more?: (compiled: () => Compiled) => void,
): void {
  describe('infra/main.bicep compiled to ARM', () => {
    let compiled: Compiled;

    beforeAll(() => {
      compiled = compiledMain();
    });

    for (const [name, check] of Object.entries(checks) as [Name, Check][]) {
      describe(name, () => {
        it('finds no problem in the template', () => {
          expect(check(compiled.model)).toEqual([]);
        });

        it('reports a template broken on purpose', () => {
          const broken = structuredClone(compiled.template);
          breakages[name](broken);
          expect(check(buildModel(broken)).length).toBeGreaterThan(0);
        });
      });
    }

    more?.(() => compiled);
  });
}
