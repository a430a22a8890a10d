import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Where every queue has its home: one file per queue, made with defineQueue(). */
export const QUEUE_HOMES = fileURLToPath(new URL('../../shared/app/queues/', import.meta.url));

/**
 * The name of every queue defined in shared/app/queues, found by importing each home rather than
 * parsing it, so a new queue is seen by the checks that use this without touching them.
 */
export async function definedQueueNames(): Promise<string[]> {
  const exported = await Promise.all(
    readdirSync(QUEUE_HOMES)
      .filter((file) => file.endsWith('.ts'))
      .map(async (file) => Object.values(await import(pathToFileURL(join(QUEUE_HOMES, file)).href))),
  );
  return exported
    .flat()
    .filter(
      (value): value is { name: string } =>
        typeof value === 'object' &&
        value !== null &&
        typeof (value as { name?: unknown }).name === 'string' &&
        'schema' in value &&
        'maxDeferrals' in value,
    )
    .map((definition) => definition.name);
}
