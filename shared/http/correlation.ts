import { randomUUID } from 'node:crypto';

export const CORRELATION_HEADER = 'x-correlation-id';
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Echoes a caller's correlation id when it is safe to log and return; otherwise starts a new one. */
export function correlationIdFrom(headers: Headers): string {
  const given = headers.get(CORRELATION_HEADER)?.trim();
  return given && SAFE_ID.test(given) ? given : randomUUID();
}
