/**
 * The in-process Cosmos DB emulator (@vercel/cosmosdb-server) answers queries with @zeit/cosmosdb-query,
 * which compiles SQL to JavaScript that builds its working set with `reduce(($, c) => [...$, {c}], [])`:
 * it copies the array once per document, so every query costs O(n²) in the documents of the container.
 * Past ~10,000 documents V8 falls off a cliff (a query over 12,000 documents takes over a second, over
 * 20,000 about 14 s), which real Cosmos DB (indexed queries) never does, and a 10,000-row job writes
 * ~20,000 documents. For the benchmark only, in this process only, the generated code appends in place
 * instead (`($.push(x), $)`): the same results in O(n). Queries remain full scans of the container.
 */
import { createRequire } from 'node:module';

interface QueryLike {
  code: string;
}

let patched = false;

/** Rewrites every `[...$, X]` of generated query code into `($.push(X), $)`. */
export function linearize(code: string): string {
  let out = '';
  let i = 0;
  for (;;) {
    const at = code.indexOf('[...$,', i);
    if (at < 0) return out + code.slice(i);
    const end = matchingBracket(code, at);
    out += `${code.slice(i, at)}($.push(${code.slice(at + '[...$,'.length, end)}), $)`;
    i = end + 1;
  }
}

/** The index of the `]` closing the `[` at `open`, skipping string literals. */
function matchingBracket(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    const c = code[i]!;
    if (c === '"' || c === "'" || c === '`') {
      for (i++; i < code.length && code[i] !== c; i++) if (code[i] === '\\') i++;
      continue;
    }
    if (c === '[' || c === '(' || c === '{') depth++;
    else if (c === ']' || c === ')' || c === '}') {
      depth--;
      if (depth === 0) {
        if (c !== ']') break;
        return i;
      }
    }
  }
  throw new Error('emulator patch: unbalanced generated query code');
}

/** Installs the rewrite into the query engine instance the emulator uses; idempotent. */
export function patchEmulatorQueries(): void {
  if (patched) return;
  const fromEmulator = createRequire(createRequire(import.meta.url).resolve('@vercel/cosmosdb-server'));
  const engine = fromEmulator('@zeit/cosmosdb-query') as { default: (sql: string) => QueryLike };
  const prototype = Object.getPrototypeOf(engine.default('SELECT * FROM c')) as object;
  const original = Object.getOwnPropertyDescriptor(prototype, 'code');
  if (!original?.get) throw new Error('emulator patch: the query engine has no `code` getter');
  const generated = original.get;
  const cache = new WeakMap<object, string>();
  Object.defineProperty(prototype, 'code', {
    configurable: true,
    get(this: QueryLike) {
      let code = cache.get(this);
      if (code === undefined) {
        code = linearize(generated.call(this) as string);
        cache.set(this, code);
      }
      return code;
    },
  });
  patched = true;
}
