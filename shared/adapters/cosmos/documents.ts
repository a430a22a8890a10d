import type { Container, ItemDefinition } from '@azure/cosmos';
import { AppError } from '../../domain/errors.js';
import type { Page, PageRequest, Versioned } from '../../app/ports.js';

/** Cosmos system properties, stripped before a document becomes a domain value. */
const SYSTEM_KEYS = ['id', 'type', '_rid', '_self', '_etag', '_attachments', '_ts', 'ttl'];

export function fromDocument<T>(document: ItemDefinition): T {
  const value: Record<string, unknown> = { ...document };
  for (const key of SYSTEM_KEYS) delete value[key];
  return value as T;
}

export function statusOf(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null) {
    const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
    if (typeof code === 'number') return code;
    if (typeof statusCode === 'number') return statusCode;
  }
  return undefined;
}

/** Network-level failures: the request never got an answer from the database. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'REQUEST_SEND_ERROR',
]);

function retryAfterSecondsOf(error: unknown): number {
  const headers = (error as { headers?: Record<string, unknown> } | null)?.headers;
  const ms = Number(headers?.['x-ms-retry-after-ms']);
  return Number.isFinite(ms) && ms > 0 ? Math.max(1, Math.ceil(ms / 1000)) : 1;
}

/**
 * Throttling, timeouts and unavailability that outlived the SDK's own retries, and requests that never
 * reached the database, become a clear 503 `dependency-unavailable` with the delay to retry after.
 */
export async function cosmosCall<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    const status = statusOf(error);
    const code = (error as { code?: unknown } | null)?.code;
    const network = typeof code === 'string' && NETWORK_CODES.has(code);
    const aborted = (error as { name?: unknown } | null)?.name === 'AbortError';
    // The SDK's bulk() and batch() report a request that failed as a whole (throttled, unavailable, cut
    // off) as a plain Error without its status; their operations' own failures come back per operation.
    const bulkRequestFailed =
      error instanceof Error && /^(Bulk request errored with|Batch request error)/.test(error.message);
    if (
      status === 429 ||
      status === 503 ||
      status === 408 ||
      status === 449 ||
      network ||
      aborted ||
      bulkRequestFailed
    ) {
      throw new AppError('dependency-unavailable', 'The database is unavailable; try again shortly.', {
        retryAfterSeconds: retryAfterSecondsOf(error),
        cause: error instanceof Error ? error.message : String(error),
      });
    }
    throw error;
  }
}

export function encodeCursor(continuationToken: string | undefined): string | null {
  return continuationToken ? Buffer.from(continuationToken, 'utf8').toString('base64url') : null;
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const token = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!token || Buffer.from(token, 'utf8').toString('base64url') !== cursor) {
    throw new AppError('validation-failed', 'The cursor is not one this API returned.', {}, [
      { path: 'cursor', message: 'unknown cursor' },
    ]);
  }
  return token;
}

/** Runs a query one page at a time with a continuation token (the emulator has no OFFSET/LIMIT). */
export async function queryPage<T>(
  container: Container,
  /** The partition to query; undefined for a query across partners (operators' lists only). */
  partnerId: string | undefined,
  query: string,
  parameters: { name: string; value: unknown }[],
  page: PageRequest,
  map: (document: ItemDefinition) => T,
): Promise<Page<T>> {
  const iterator = container.items.query(
    { query, parameters: parameters as { name: string; value: never }[] },
    {
      ...(partnerId === undefined ? {} : { partitionKey: partnerId }),
      maxItemCount: page.limit,
      continuationToken: decodeCursor(page.cursor),
    },
  );
  const result = await cosmosCall(() => iterator.fetchNext());
  const nextCursor = result.hasMoreResults ? encodeCursor(result.continuationToken) : null;
  return { items: result.resources.map(map), nextCursor };
}

/**
 * Optimistic concurrency: read, apply `change` (a pure function that may throw), and replace only if
 * nobody wrote in between (If-Match on the ETag); a lost race reads again and re-applies. A change
 * that returns the value it was given writes nothing.
 */
export async function updateWithRetry<T>(options: {
  what: string;
  maxAttempts: number;
  read: () => Promise<Versioned<T> | null>;
  change: (value: T) => T;
  replace: (next: T, etag: string) => Promise<Versioned<T>>;
  precondition?: (current: Versioned<T>) => void;
}): Promise<Versioned<T>> {
  for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
    const current = await options.read();
    if (!current) throw new AppError('not-found', `${options.what} was not found.`);
    options.precondition?.(current);
    const next = options.change(current.value);
    if (next === current.value) return current;
    try {
      return await options.replace(next, current.etag);
    } catch (error) {
      if (statusOf(error) !== 412) throw error;
      // Jittered, growing pause so racing writers spread out.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2 * attempt, 40)));
    }
  }
  throw new AppError(
    'dependency-unavailable',
    `${options.what} is changing too often to update it; try again.`,
  );
}

/**
 * Point reads of several documents of one partition in one round trip: a bulk request of read
 * operations (independent: a missing document answers alone, with 404). At most 100 to a request.
 */
export async function readTogether(
  container: Container,
  partnerId: string,
  ids: string[],
): Promise<(ItemDefinition | undefined)[]> {
  const found: (ItemDefinition | undefined)[] = [];
  for (let start = 0; start < ids.length; start += 100) {
    const slice = ids.slice(start, start + 100);
    const results = await cosmosCall(() =>
      container.items.bulk(
        slice.map((id) => ({ operationType: 'Read' as const, id, partitionKey: partnerId })),
        { continueOnError: true },
      ),
    );
    results.forEach((result, i) => {
      if (result.statusCode === 200) found.push(result.resourceBody as ItemDefinition);
      else if (result.statusCode === 404) found.push(undefined);
      else
        throw Object.assign(new Error(`Reading ${slice[i]} answered ${result.statusCode}.`), {
          code: result.statusCode,
        });
    });
  }
  return found;
}
