import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { InvalidJsonError, parseJson, readBody, sendJson } from '../local-stack/http.js';
import { HttpError, sendError } from './errors.js';
import { takeInjectedFailure } from './faults.js';
import type { StoredEmail } from './inbox.js';
import {
  authenticate,
  operationBody,
  operationLocation,
  requireApiVersion,
  visibleStatus,
} from './operations.js';
import type { EmailState, Operation } from './state.js';
import { validateMessage, type ValidatedEmail } from './validate.js';

/** ACS caps a send request (content plus attachments) at 10 MB. */
const MAX_SEND_BYTES = 10 * 1024 * 1024;
const OPERATION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** The Operation-Id header (the SDK's idempotency key), or a new id when there is none. */
function operationIdOf(req: IncomingMessage): string {
  const header = req.headers['operation-id'];
  const givenId = Array.isArray(header) ? header[0] : header;
  if (givenId !== undefined && !OPERATION_ID.test(givenId)) {
    throw new HttpError(
      400,
      'InvalidOperationId',
      'Operation-Id must be a GUID (letters, digits, "-", "_", ".").',
    );
  }
  return givenId ?? randomUUID();
}

function validated(state: EmailState, body: Buffer): ValidatedEmail {
  try {
    return validateMessage(parseJson(body));
  } catch (error) {
    if (error instanceof HttpError || error instanceof InvalidJsonError) state.stats.invalidSends += 1;
    throw error;
  }
}

/** A new operation; its message lands in the inbox unless the faults say it fails. */
function accept(state: EmailState, operationId: string, email: ValidatedEmail): Operation {
  const { faults, stats } = state;
  const op: Operation = {
    id: operationId,
    finalStatus: faults.operationStatus,
    runningPollsLeft: faults.runningPolls,
    messageId: null,
    createdAt: new Date().toISOString(),
  };
  if (op.finalStatus === 'Failed') {
    op.error = { ...faults.operationError };
    stats.failedOperations += 1;
  } else {
    const message: StoredEmail = { id: randomUUID(), operationId, ...email, receivedAt: op.createdAt };
    state.messages.push(message);
    op.messageId = message.id;
    stats.acceptedMessages += 1;
  }
  state.operations.set(operationId, op);
  stats.acceptedOperations += 1;
  return op;
}

/** POST /emails:send: authenticated, maybe faulted, validated, then stored once per operation id. */
export async function handleSend(
  state: EmailState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<string> {
  const body = await readBody(req, MAX_SEND_BYTES);
  authenticate(state, req, body);
  const apiVersion = requireApiVersion(url);
  const operationId = operationIdOf(req);
  const { stats } = state;
  stats.sendAttempts += 1;
  stats.byOperationId[operationId] = (stats.byOperationId[operationId] ?? 0) + 1;

  const fault = takeInjectedFailure(state.faults);
  if (fault) {
    stats.faultedSends += 1;
    sendError(res, fault.status, fault.code, fault.message, fault.headers);
    return `injected ${fault.status} op=${operationId}`;
  }
  const email = validated(state, body);
  const headers = (op: Operation) => ({
    'operation-location': operationLocation(state, req, op.id, apiVersion),
    'retry-after': '1',
  });
  const existing = state.operations.get(operationId);
  if (existing) {
    stats.duplicateSends += 1;
    sendJson(res, 202, operationBody(existing, visibleStatus(existing)), headers(existing));
    return `duplicate op=${operationId} (not stored again)`;
  }
  const op = accept(state, operationId, email);
  sendJson(res, 202, { id: op.id, status: 'Running' }, headers(op));
  return `accepted op=${operationId} to=${email.to.join(',')} subject=${JSON.stringify(email.subject)}${
    op.finalStatus === 'Failed' ? ' (will fail)' : ''
  }`;
}
