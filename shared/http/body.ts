import type { HttpRequest } from '@azure/functions';
import { AppError } from '../domain/errors.js';
import { parseCsvRows } from './csv.js';

export type BodyFormat = 'json' | 'form' | 'csv-or-json';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

const describeBytes = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MB` : `${bytes} bytes`;

/**
 * Reads the body, counting bytes as they arrive: a declared Content-Length over the limit is refused
 * before reading, and a chunked body with no length is cut off as soon as it passes the limit, so an
 * endless upload never fills memory.
 */
export async function readBody(request: HttpRequest, maxBytes: number): Promise<Buffer> {
  const declaredLength = Number(request.headers.get('content-length') ?? '0');
  const tooLarge = () =>
    new AppError('payload-too-large', `The body is larger than the limit of ${describeBytes(maxBytes)}.`, {
      limitBytes: maxBytes,
    });
  if (declaredLength > maxBytes) throw tooLarge();
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

export function parseBody(format: BodyFormat, request: HttpRequest, bytes: Buffer): unknown {
  const contentType = request.headers.get('content-type') ?? '';
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  if (format === 'csv-or-json' && mediaType === 'text/csv') return { rows: parseCsvRows(bytes) };
  if (format === 'csv-or-json' && mediaType !== 'application/json') {
    throw new AppError(
      'unsupported-media-type',
      `Upload text/csv or application/json, not ${mediaType || 'missing'}.`,
    );
  }
  if (format === 'form') {
    if (mediaType !== 'application/x-www-form-urlencoded') {
      throw new AppError(
        'unsupported-media-type',
        `The form must be application/x-www-form-urlencoded, not ${mediaType || 'missing'}.`,
      );
    }
    return Object.fromEntries(new URLSearchParams(bytes.toString('utf8')).entries());
  }
  if (mediaType !== 'application/json' && !mediaType.endsWith('+json')) {
    throw new AppError(
      'unsupported-media-type',
      `The body must be application/json, not ${mediaType || 'missing'}.`,
    );
  }
  if (bytes.length === 0) throw new AppError('validation-failed', 'The request body is empty.');
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new AppError('validation-failed', 'The request body is not valid JSON.');
  }
}
