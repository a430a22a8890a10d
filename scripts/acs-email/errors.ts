import type { ServerResponse } from 'node:http';
import { BodyTooLargeError, InvalidJsonError, sendJson } from '../local-stack/http.js';

/** An answer in ACS's error shape, thrown from a route and sent by the server's one error handler. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly target?: string,
  ) {
    super(message);
  }
}

/** Any failure as the ACS error to answer with: the shared body readers' errors keep ACS's codes. */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof BodyTooLargeError) return new HttpError(413, 'RequestEntityTooLarge', error.message);
  if (error instanceof InvalidJsonError) return new HttpError(400, 'BadRequest', error.message);
  return new HttpError(500, 'InternalServerError', error instanceof Error ? error.message : String(error));
}

/** ACS-style error: `{error: {code, message, target?}}` plus the x-ms-error-code header. */
export function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
  target?: string,
): void {
  sendJson(
    res,
    status,
    { error: target ? { code, message, target } : { code, message } },
    { 'x-ms-error-code': code, ...headers },
  );
}
