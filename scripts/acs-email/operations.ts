import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from '../local-stack/http.js';
import { HttpError } from './errors.js';
import { verifyAcsRequest } from './hmac.js';
import type { EmailState, Operation, OperationStatus } from './state.js';

/** Every /emails request is HMAC-signed with the access key, over the exact body bytes. */
export function authenticate(state: EmailState, req: IncomingMessage, body: Buffer): void {
  const verdict = verifyAcsRequest({
    method: req.method ?? 'GET',
    rawUrl: req.url ?? '/',
    headers: req.headers,
    body,
    accessKey: state.accessKey,
  });
  if (!verdict.ok) {
    state.stats.unauthorizedRequests += 1;
    throw new HttpError(401, 'Denied', `Denied by the resource provider: ${verdict.reason}.`);
  }
}

export function requireApiVersion(url: URL): string {
  const apiVersion = url.searchParams.get('api-version');
  if (!apiVersion) {
    throw new HttpError(
      400,
      'MissingApiVersionParameter',
      'The api-version query parameter (?api-version=) is required for all requests.',
    );
  }
  return apiVersion;
}

/** Where the SDK polls an operation, on the host the client reached us by. */
export function operationLocation(
  state: EmailState,
  req: IncomingMessage,
  id: string,
  apiVersion: string,
): string {
  const requestHost = req.headers.host ?? state.fallbackHost;
  return `http://${requestHost}/emails/operations/${encodeURIComponent(id)}?api-version=${encodeURIComponent(apiVersion)}`;
}

/** An operation answers Running for its first polls, then its final status. */
export function visibleStatus(op: Operation): OperationStatus {
  return op.runningPollsLeft > 0 ? 'Running' : op.finalStatus;
}

export function operationBody(op: Operation, status: OperationStatus) {
  return status === 'Failed' && op.error ? { id: op.id, status, error: op.error } : { id: op.id, status };
}

/** GET /emails/operations/{id}: the operation's status, as the SDK's poller reads it. */
export async function handlePoll(
  state: EmailState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  id: string,
): Promise<string> {
  const body = await readBody(req, 64 * 1024);
  authenticate(state, req, body);
  requireApiVersion(url);
  const op = state.operations.get(id);
  if (!op) throw new HttpError(404, 'NotFound', `Operation ${id} was not found.`);
  const status = visibleStatus(op);
  if (op.runningPollsLeft > 0) op.runningPollsLeft -= 1;
  sendJson(res, 200, operationBody(op, status), status === 'Running' ? { 'retry-after': '1' } : {});
  return `op=${id} ${status}`;
}
