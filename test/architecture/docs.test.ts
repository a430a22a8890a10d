import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, normalize, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type ErrorCode } from '../../shared/domain/errors.js';
import { STATUS_BY_CODE } from '../../shared/http/problem.js';
import { allEndpoints } from '../../shared/http/contract/index.js';
import { definedQueueNames } from '../support/queue-homes.js';

/**
 * The docs are checked against the code, so they cannot quietly part: every repo path they name exists,
 * every route, error code, queue, timer and setting the code has is documented, and nothing points at the
 * design folder that used to live outside the repository. Each checker is a pure function over text, run
 * once on the real files and once on a planted case that must fail, the way layering.test.ts plants
 * violations.
 */
const root = resolve(import.meta.dirname, '../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
// Tracked files plus new ones not yet added (but not ignored ones), so a doc can be checked before a commit.
const tracked = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
  cwd: root,
  encoding: 'utf8',
})
  .split('\0')
  .filter((path) => path !== '' && existsSync(join(root, path)));
const docFiles = ['README.md', ...readdirSync(join(root, 'docs')).map((f) => `docs/${f}`)].filter((f) =>
  f.endsWith('.md'),
);
const apiDoc = read('docs/api.md');
const functionSources = tracked
  .filter((f) => /^functions\/[^/]+\.ts$/.test(f))
  .map((f) => ({ path: f, text: read(f) }));

/** Fenced blocks hold trees and commands, not references: they are left out. */
const withoutFences = (markdown: string) => markdown.replace(/^```[^\n]*\n[\s\S]*?^```[^\n]*$/gm, '');

/** Inline code spans that look like a path into the repo: a slash, no spaces, no URL or template parts. */
function pathSpans(markdown: string, topLevel: ReadonlySet<string>): string[] {
  const spans = [...withoutFences(markdown).matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);
  return spans.filter((span) => {
    if (!/^[\w.@*-]+(\/[\w.@*-]*)+$/.test(span)) return false;
    const first = span.split('/')[0]!;
    return first === '.' || first === '..' || topLevel.has(first);
  });
}

/** Relative Markdown link targets (not URLs, not pure anchors), without their anchor. */
const linkTargets = (markdown: string) =>
  [...withoutFences(markdown).matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!.split('#')[0]!)
    .filter((target) => target !== '' && !/^[a-z]+:/i.test(target));

const globToRegExp = (glob: string) =>
  new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}(/.*)?$`);

/** Problems with the paths a document names: each must be a tracked file or folder inside the repo. */
export function pathProblems(docPath: string, markdown: string, files: readonly string[]): string[] {
  const topLevel = new Set(files.map((f) => f.split('/')[0]!));
  const exists = (path: string) => {
    const clean = path.replace(/\/+$/, '');
    if (clean.includes('*')) return files.some((f) => globToRegExp(clean).test(f));
    return files.some((f) => f === clean || f.startsWith(`${clean}/`));
  };
  const problems: string[] = [];
  const check = (raw: string, relativeToDoc: boolean) => {
    const path = relativeToDoc ? normalize(join(dirname(docPath), raw)) : normalize(raw);
    if (path.startsWith('..')) problems.push(`${docPath}: ${raw} is outside the repository`);
    else if (!exists(path)) problems.push(`${docPath}: ${raw} does not exist`);
  };
  // A code span is written from the repo root, unless it says ./ or ../; a link from the document.
  for (const span of pathSpans(markdown, topLevel)) check(span, /^\.\.?\//.test(span));
  for (const target of linkTargets(markdown)) check(target, true);
  return problems;
}

interface Route {
  method: string;
  path: string;
}

/** The endpoint table of api.md: rows whose first cell is a method list and second an /api path. */
export function documentedRoutes(markdown: string): Route[] {
  const routes: Route[] = [];
  for (const line of markdown.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    if (cells.length < 4 || !/^\/api\//.test(cells[2] ?? '')) continue;
    const path = cells[2]!.split('?')[0]!;
    for (const method of cells[1]!.split(',')) routes.push({ method: method.trim(), path });
  }
  return routes;
}

/** Routes registered without a contract spec (a literal `route:` in a function file), path only. */
export const literalRoutes = (sources: readonly { text: string }[]) =>
  sources.flatMap(({ text }) =>
    [...text.matchAll(/route:\s*['"`]([^'"`]+)['"`]/g)].map((m) => `/api/${m[1]}`),
  );

/** Both ways: every route the code has is in the table, and every row of the table is a route. */
export function routeProblems(
  markdown: string,
  code: readonly Route[],
  literal: readonly string[],
): string[] {
  const key = (r: Route) => `${r.method} ${r.path}`;
  const documented = documentedRoutes(markdown);
  const documentedKeys = new Set(documented.map(key));
  const codeKeys = new Set(code.map(key));
  return [
    ...code.filter((r) => !documentedKeys.has(key(r))).map((r) => `undocumented route: ${key(r)}`),
    ...literal
      .filter((path) => !documented.some((r) => r.path === path))
      .map((path) => `undocumented route: ${path}`),
    ...documented
      .filter((r) => !codeKeys.has(key(r)) && !literal.includes(r.path))
      .map((r) => `documented route the code does not have: ${key(r)}`),
  ];
}

/** Every stable code is listed with its status, as `code` status. */
export function codeProblems(markdown: string, statuses: Readonly<Record<string, number>>): string[] {
  return Object.entries(statuses)
    .filter(([code, status]) => !markdown.includes(`\`${code}\` ${status}`))
    .map(([code, status]) => `error code not documented as \`${code}\` ${status}`);
}

/** The names of the settings the environment schema of shared/config.ts declares. */
export function settingNames(configSource: string): string[] {
  const start = configSource.indexOf('const environmentSchema = z.object({');
  const end = configSource.indexOf('\n});', start);
  if (start < 0 || end < 0) return ['(environmentSchema not found in shared/config.ts)'];
  return [...configSource.slice(start, end).matchAll(/^ {2}([A-Za-z][A-Za-z0-9_]*):/gm)].map((m) => m[1]!);
}

/** Names that must appear as code spans in at least one of the texts. */
export const unnamed = (names: readonly string[], texts: readonly string[]) =>
  names.filter((name) => !texts.some((text) => text.includes(`\`${name}\``)));

/** Tracked files that still point at the old design folder outside the repository. */
export function designReferences(files: readonly { path: string; text: string }[]): string[] {
  // Spelled in pieces, so a search of the repo for the old folder finds only real references.
  const folder = ['shared', 'design'].join('/');
  const bare = new RegExp('(^|[^\\w/-])design/(domain|api|local-stack|style)\\.md', 'm');
  return files.filter(({ text }) => text.includes(folder) || bare.test(text)).map(({ path }) => path);
}

const OLD_FOLDER = ['..', 'shared', 'design'].join('/');
const routes: Route[] = allEndpoints.map((e) => ({ method: e.method, path: `/api/${e.route}` }));

describe('the docs name only paths that exist', () => {
  it.each(docFiles)('%s', (doc) => {
    expect(pathProblems(doc, read(doc), tracked)).toEqual([]);
  });

  it('a missing file, a folder outside the repo and a broken link are found', () => {
    const text = [
      'See `shared/domain/gone.ts`, `shared/domain/errors.ts` and `functions/*.ts`.',
      `The rules were in \`${OLD_FOLDER}/domain.md\`; a media type \`text/csv\` is no path.`,
      '```',
      'shared/not-checked-in-a-tree.ts',
      '```',
      'Read [the API](docs/api.md), [a gone doc](docs/nope.md#top) and [the web](https://example.com).',
    ].join('\n');
    expect(pathProblems('README.md', text, tracked)).toEqual([
      'README.md: shared/domain/gone.ts does not exist',
      `README.md: ${OLD_FOLDER}/domain.md is outside the repository`,
      'README.md: docs/nope.md does not exist',
    ]);
    // From docs/, links and ./ or ../ spans are relative to the document.
    expect(
      pathProblems('docs/x.md', '[ok](api.md), `../shared/root.ts`, [out](../../x.md)', tracked),
    ).toEqual(['docs/x.md: ../../x.md is outside the repository']);
  });
});

describe('docs/api.md lists every route, both ways', () => {
  it('the contract and the function files match the endpoint table', () => {
    expect(routes.length).toBeGreaterThan(20);
    expect(routeProblems(apiDoc, routes, literalRoutes(functionSources))).toEqual([]);
  });

  it('a route missing from the table, a literal route and a row with no route are found', () => {
    const table = [
      '| method | path | who |',
      '| GET, POST | /api/profile | subscriber |',
      '| GET | /api/partners?q= | operator |',
    ].join('\n');
    const code: Route[] = [
      { method: 'GET', path: '/api/profile' },
      { method: 'POST', path: '/api/profile' },
      { method: 'DELETE', path: '/api/partners/{partnerId}' },
    ];
    const literal = literalRoutes([{ text: "app.http('x', { route: 'extra/{id}', handler })" }]);
    expect(routeProblems(table, code, literal)).toEqual([
      'undocumented route: DELETE /api/partners/{partnerId}',
      'undocumented route: /api/extra/{id}',
      'documented route the code does not have: GET /api/partners',
    ]);
  });
});

describe('docs/api.md lists every error code with its status', () => {
  it('every code of shared/domain/errors.ts', () => {
    expect(Object.keys(STATUS_BY_CODE).sort()).toEqual([...ERROR_CODES].sort());
    expect(codeProblems(apiDoc, STATUS_BY_CODE)).toEqual([]);
  });

  it('a missing code and a wrong status are found', () => {
    const statuses: Partial<Record<ErrorCode, number>> = { 'not-found': 404, 'slot-taken': 409 };
    expect(codeProblems('`not-found` 404 · `slot-taken` 422', statuses as Record<string, number>)).toEqual([
      'error code not documented as `slot-taken` 409',
    ]);
    expect(codeProblems('', { 'brand-new-code': 418 })).toEqual([
      'error code not documented as `brand-new-code` 418',
    ]);
  });
});

/** Every queue definition exported by its home in shared/app/queues (imported, as the infra test does). */
const queues = await definedQueueNames();

describe('docs/api.md names every queue and timer', () => {
  const timers = functionSources.flatMap(({ text }) =>
    [...text.matchAll(/app\.timer\(\s*['"`]([^'"`]+)['"`]/g)].map((m) => m[1]!),
  );

  it('every queue home in shared/app/queues and every app.timer in functions/', () => {
    expect(queues).toContain('email-dispatch');
    expect(timers.length).toBeGreaterThan(0);
    expect(unnamed([...queues, ...timers], [apiDoc])).toEqual([]);
  });

  it('a queue or timer the doc does not name is found', () => {
    expect(unnamed(['email-dispatch', 'new-queue'], ['`email-dispatch`: one message per email'])).toEqual([
      'new-queue',
    ]);
  });
});

describe('every setting shared/config.ts reads is documented', () => {
  const names = settingNames(read('shared/config.ts'));

  it('in docs/local-stack.md or README.md', () => {
    expect(names).toContain('COSMOS_CONNECTION__accountEndpoint');
    expect(names).toContain('EMAIL_STALE_MINUTES');
    expect(unnamed(names, [read('docs/local-stack.md'), read('README.md')])).toEqual([]);
  });

  it('a new setting nobody documented is found', () => {
    const source = [
      'const environmentSchema = z.object({',
      '  AUTH_SCOPE: z.string(),',
      '  /** A comment line is not a setting. */',
      '  BRAND_NEW_SETTING: z.string().optional(),',
      '});',
    ].join('\n');
    expect(settingNames(source)).toEqual(['AUTH_SCOPE', 'BRAND_NEW_SETTING']);
    expect(unnamed(settingNames(source), ['| `AUTH_SCOPE` | the scope |'])).toEqual(['BRAND_NEW_SETTING']);
    expect(settingNames('export const nothing = 1;')).toEqual([
      '(environmentSchema not found in shared/config.ts)',
    ]);
  });
});

describe('nothing points at the old design folder', () => {
  it('no tracked file', () => {
    // This file names the old folder in its planted cases; the lock file is not documentation.
    const files = tracked
      .filter((path) => path !== 'test/architecture/docs.test.ts' && !path.endsWith('package-lock.json'))
      .map((path) => ({ path, text: read(path) }));
    expect(designReferences(files)).toEqual([]);
  });

  it('a reference to it, with or without the folder, is found', () => {
    expect(
      designReferences([
        { path: 'README.md', text: `The rules are in \`${OLD_FOLDER}/domain.md\`.` },
        { path: 'shared/domain/program.ts', text: '/** see design/api.md */' },
        { path: 'docs/api.md', text: 'See [domain.md](domain.md) and docs/api.md.' },
      ]),
    ).toEqual(['README.md', 'shared/domain/program.ts']);
  });
});
