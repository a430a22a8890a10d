import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { cruise } from 'dependency-cruiser';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The layering rules of `.dependency-cruiser.cjs` (run by `npm run lint` in CI) catch what they are for:
 * each case plants one file in a scratch tree shaped like ours and checks the rule that must fire.
 */
const root = resolve(import.meta.dirname, '../..');
const { forbidden } = createRequire(import.meta.url)(join(root, '.dependency-cruiser.cjs')) as {
  forbidden: unknown[];
};
const scratch = mkdtempSync(join(tmpdir(), 'layering-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function violations(files: Record<string, string>): Promise<string[]> {
  const base = mkdtempSync(join(scratch, 'case-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(base, path)), { recursive: true });
    writeFileSync(join(base, path), text);
  }
  const result = await cruise(
    ['shared', 'functions', 'packages', 'scripts', 'web'].filter((dir) =>
      Object.keys(files).some((f) => f.startsWith(dir)),
    ),
    {
      ruleSet: { forbidden } as never,
      validate: true,
      baseDir: base,
      outputType: 'json',
      tsPreCompilationDeps: true,
    },
  );
  const output = (typeof result.output === 'string' ? JSON.parse(result.output) : result.output) as {
    summary: { violations: { rule: { name: string }; from: string; to: string }[] };
  };
  return output.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);
}

describe('layering rules', () => {
  it('a pure domain file passes', async () => {
    expect(
      await violations({
        'shared/domain/rules.ts': "import { other } from './other.js';\nexport const rule = other;\n",
        'shared/domain/other.ts': 'export const other = 1;\n',
      }),
    ).toEqual([]);
  });

  it('the domain doing I/O fails (a Node built-in)', async () => {
    expect(
      await violations({
        'shared/domain/io.ts': "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n",
      }),
    ).toEqual(['domain-is-pure: shared/domain/io.ts -> fs']);
  });

  it('the domain importing an SDK or an adapter fails', async () => {
    const found = await violations({
      'shared/domain/sdk.ts':
        "import { CosmosClient } from '@azure/cosmos';\nexport const client = CosmosClient;\n",
      'shared/domain/uses-adapter.ts':
        "import { adapter } from '../adapters/thing.js';\nexport const a = adapter;\n",
      'shared/adapters/thing.ts': 'export const adapter = 1;\n',
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^domain-is-pure: shared\/domain\/sdk\.ts -> /),
        'domain-is-pure: shared/domain/uses-adapter.ts -> shared/adapters/thing.ts',
      ]),
    );
  });

  it('a use case importing an adapter fails; one importing the domain passes', async () => {
    expect(
      await violations({
        'shared/app/use-case.ts':
          "import { adapter } from '../adapters/thing.js';\nexport const a = adapter;\n",
        'shared/app/fine.ts': "import { rule } from '../domain/rule.js';\nexport const b = rule;\n",
        'shared/domain/rule.ts': 'export const rule = 1;\n',
        'shared/adapters/thing.ts': 'export const adapter = 1;\n',
      }),
    ).toEqual(['use-cases-use-ports-not-sdks: shared/app/use-case.ts -> shared/adapters/thing.ts']);
  });

  it('shared importing a function file fails', async () => {
    expect(
      await violations({
        'shared/http/x.ts': "import { f } from '../../functions/f.js';\nexport const x = f;\n",
        'functions/f.ts': 'export const f = 1;\n',
      }),
    ).toEqual(['shared-does-not-import-functions: shared/http/x.ts -> functions/f.ts']);
  });

  it('the HTTP layer importing an adapter, the configuration or the root fails', async () => {
    expect(
      (
        await violations({
          'shared/http/endpoint.ts':
            "import { verifier } from '../adapters/identity/verifier.js';\nexport const v = verifier;\n",
          'shared/http/cookies.ts': "import { config } from '../config.js';\nexport const c = config;\n",
          'shared/http/idempotency.ts': "import { store } from '../root.js';\nexport const s = store;\n",
          'shared/adapters/identity/verifier.ts': 'export const verifier = 1;\n',
          'shared/config.ts': 'export const config = 1;\n',
          'shared/root.ts': 'export const store = 1;\n',
        })
      ).filter((v) => v.startsWith('http-layer')),
    ).toEqual([
      'http-layer-takes-its-dependencies: shared/http/cookies.ts -> shared/config.ts',
      'http-layer-takes-its-dependencies: shared/http/endpoint.ts -> shared/adapters/identity/verifier.ts',
      'http-layer-takes-its-dependencies: shared/http/idempotency.ts -> shared/root.ts',
    ]);
  });

  it('a function importing an adapter or the configuration fails; one using the root passes', async () => {
    expect(
      await violations({
        'functions/direct.ts': "import { repo } from '../shared/adapters/repo.js';\nexport const r = repo;\n",
        'functions/settings.ts': "import { config } from '../shared/config.js';\nexport const c = config;\n",
        'functions/wired.ts': "import { deps } from '../shared/root.js';\nexport const d = deps;\n",
        'shared/root.ts': "import { repo } from './adapters/repo.js';\nexport const deps = repo;\n",
        'shared/adapters/repo.ts': 'export const repo = 1;\n',
        'shared/config.ts': 'export const config = 1;\n',
      }),
    ).toEqual([
      'functions-wire-through-the-root: functions/direct.ts -> shared/adapters/repo.ts',
      'functions-wire-through-the-root: functions/settings.ts -> shared/config.ts',
    ]);
  });

  it('an adapter reading the configuration fails; importing its types or being handed it by the root passes', async () => {
    expect(
      await violations({
        'shared/adapters/reads.ts': "import { config } from '../config.js';\nexport const c = config();\n",
        'shared/adapters/typed.ts':
          "import type { AppConfig } from '../config.js';\nexport const f = (s: AppConfig) => s;\n",
        'shared/root.ts': "import { config } from './config.js';\nexport const c = config;\n",
        'shared/config.ts': 'export interface AppConfig { a: 1 }\nexport const config = () => 1;\n',
      }),
    ).toEqual(['configuration-is-read-by-the-root: shared/adapters/reads.ts -> shared/config.ts']);
  });

  it('anything in shared importing the composition root fails', async () => {
    expect(
      await violations({
        'shared/adapters/back.ts': "import { deps } from '../root.js';\nexport const d = deps;\n",
        'shared/root.ts': 'export const deps = 1;\n',
      }),
    ).toEqual(['only-functions-use-the-root: shared/adapters/back.ts -> shared/root.ts']);
  });
  it('the dev host package importing the scripts or the app fails; itself, an npm package or a Node built-in passes', async () => {
    expect(
      await violations({
        'packages/functions-devhost/src/host.ts':
          "import { a } from './a.js';\nimport { readFileSync } from 'node:fs';\nimport { sdk } from 'queue-sdk';\nexport const h = [a, readFileSync, sdk];\n",
        'packages/functions-devhost/src/a.ts': 'export const a = 1;\n',
        'packages/functions-devhost/src/spawn.ts':
          "import { spawnOwned } from '../../../scripts/local-stack/child.js';\nexport const s = spawnOwned;\n",
        'packages/functions-devhost/test/app.test.ts':
          "import { rule } from '../../../shared/domain/rule.js';\nexport const r = rule;\n",
        'node_modules/queue-sdk/package.json': '{ "name": "queue-sdk", "main": "index.js" }\n',
        'node_modules/queue-sdk/index.js': 'exports.sdk = 1;\n',
        // the other way round is how the local stack uses the package
        'scripts/local-stack/stack.ts':
          "import { a } from '../../packages/functions-devhost/src/a.js';\nexport const s = a;\n",
        'scripts/local-stack/child.ts': 'export const spawnOwned = 1;\n',
        'shared/domain/rule.ts': 'export const rule = 1;\n',
      }),
    ).toEqual([
      'devhost-package-stands-alone: packages/functions-devhost/src/spawn.ts -> scripts/local-stack/child.ts',
      'devhost-package-stands-alone: packages/functions-devhost/test/app.test.ts -> shared/domain/rule.ts',
    ]);
  });
  it('the console importing the app, or the app importing the console, fails; the console itself passes', async () => {
    expect(
      await violations({
        'web/src/main.ts': "import { a } from './a.js';\nexport const m = a;\n",
        'web/src/a.ts': 'export const a = 1;\n',
        'web/src/rules.ts': "import { rule } from '../../shared/domain/rule.js';\nexport const r = rule;\n",
        'shared/http/page.ts': "import { a } from '../../web/src/a.js';\nexport const p = a;\n",
        'shared/domain/rule.ts': 'export const rule = 1;\n',
      }),
    ).toEqual([
      'app-does-not-import-the-console: shared/http/page.ts -> web/src/a.ts',
      'console-talks-to-the-api-only: web/src/rules.ts -> shared/domain/rule.ts',
    ]);
  });
});
