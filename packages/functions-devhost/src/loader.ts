import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

function segmentPattern(segment: string): RegExp {
  const source = segment
    .split('')
    .map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

/**
 * Expands the `main` of the app's package.json like the worker does: a file, or a glob with `*`/`?` in
 * any path segment (no `**`). Files come back sorted, so load order is stable.
 */
export function resolveEntryFiles(scriptRoot: string, main: string): string[] {
  const normalized = main.replace(/\\/g, '/');
  if (normalized.includes('**'))
    throw new Error(`"main": "${main}" uses "**", which the dev host does not expand`);
  if (!/[*?]/.test(normalized)) {
    const file = isAbsolute(normalized) ? normalized : resolve(scriptRoot, normalized);
    if (!existsSync(file)) throw new Error(`"main": "${main}" does not exist (${file})`);
    return [file];
  }
  let candidates = [isAbsolute(normalized) ? '/' : resolve(scriptRoot)];
  const segments = normalized.split('/').filter((s) => s !== '' && s !== '.');
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    const next: string[] = [];
    for (const dir of candidates) {
      if (!/[*?]/.test(segment)) {
        const path = join(dir, segment);
        if (existsSync(path)) next.push(path);
        continue;
      }
      let entries: string[];
      try {
        entries = readdirSync(dir);
      } catch {
        continue;
      }
      const pattern = segmentPattern(segment);
      for (const entry of entries.sort()) {
        if (!pattern.test(entry)) continue;
        const path = join(dir, entry);
        const isDir = statSync(path).isDirectory();
        if (last ? !isDir : isDir) next.push(path);
      }
    }
    candidates = next;
  });
  const files = candidates.filter((f) => !/\.d\.[cm]?ts$/.test(f) && !/\.map$/.test(f)).sort();
  if (files.length === 0) throw new Error(`"main": "${main}" matches no file under ${scriptRoot}`);
  return files;
}

/** `main` of `<scriptRoot>/package.json`. */
export function readPackageMain(scriptRoot: string): string {
  const file = join(scriptRoot, 'package.json');
  if (!existsSync(file)) throw new Error(`no package.json in ${scriptRoot}`);
  const pkg = JSON.parse(readFileSync(file, 'utf8')) as { main?: unknown };
  if (typeof pkg.main !== 'string' || pkg.main.trim() === '') {
    throw new Error(`${file} has no "main" (the file or glob of files that register the functions)`);
  }
  return pkg.main;
}
