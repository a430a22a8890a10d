import { AppError } from '../domain/errors.js';
import type { CommitResult } from './ports.js';

/** Enough for hundreds of writers racing on one aggregate; each lost race costs one read and one commit. */
const MAX_ATTEMPTS = 200;

export type Attempt<T> = { done: T } | 'conflict';

/** The commit lost a race when a write found its document changed or gone since it was read. */
export const lostRace = (result: CommitResult): boolean =>
  !result.ok && (result.status === 412 || result.status === 404);

/**
 * Runs a read-decide-commit command until its commit lands: a commit that lost a race (someone wrote
 * in between) reads again and decides again, so every decision is made on what is really stored.
 */
export async function untilCommitted<T>(what: string, attempt: () => Promise<Attempt<T>>): Promise<T> {
  for (let n = 1; n <= MAX_ATTEMPTS; n++) {
    const result = await attempt();
    if (result !== 'conflict') return result.done;
    // Jittered, growing pause so racing writers spread out.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2 * n, 40)));
  }
  throw new AppError('dependency-unavailable', `${what} is changing too often to update it; try again.`);
}
