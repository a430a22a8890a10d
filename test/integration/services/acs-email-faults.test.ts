import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { message, useEmailServer } from '../../support/acs-email.js';

const local = useEmailServer();
const { api, signedFetch, messages, stats, setFaults } = local;

describe('local ACS Email server: injected faults', () => {
  it('throttles with 429 + Retry-After and 5xx, and the SDK retries into a success', async () => {
    await setFaults({
      plan: [
        { status: 429, retryAfterSeconds: 1, times: 1 },
        { status: 500, times: 1 },
        { status: 503, times: 1 },
      ],
      then: 'succeed',
    });
    const operationId = randomUUID();
    const started = Date.now();
    const result = await (await local.client.beginSend(message(), { operationId })).pollUntilDone();
    expect(result).toMatchObject({ id: operationId, status: 'Succeeded' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900); // honoured Retry-After: 1

    const s = await stats();
    expect(s.byOperationId[operationId]).toBe(4);
    expect(s.faultedSends).toBe(3);
    expect(await messages()).toHaveLength(1);
    expect((await api<{ plan: unknown[] }>('/_faults')).body.plan).toEqual([]);
  });

  it('a 429 without Retry-After is not retried by the SDK', async () => {
    await setFaults({ plan: [{ status: 429, retryAfterSeconds: null }] });
    const operationId = randomUUID();
    const error = await local.client.beginSend(message(), { operationId }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ statusCode: 429, code: 'TooManyRequests' });
    expect((await stats()).byOperationId[operationId]).toBe(1);
    expect(await messages()).toEqual([]);
  });

  it('then: "fail" makes every send fail; the client gives up and nothing is stored', async () => {
    await setFaults({ plan: [{ status: 503, times: 1 }], then: 'fail' });
    const operationId = randomUUID();
    const error = await local.client.beginSend(message(), { operationId }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ statusCode: 500, code: 'InternalServerError' });
    const s = await stats();
    expect(s.byOperationId[operationId]).toBe(4); // first try + the SDK's 3 retries
    expect(s.faultedSends).toBe(4);
    expect(await messages()).toEqual([]);

    // Still failing until the faults are cleared.
    const again = await signedFetch('POST', '/emails:send?api-version=2025-09-01', {
      body: JSON.stringify(message()),
    });
    expect(again.status).toBe(500);
    await api('/_faults', { method: 'DELETE' });
    const result = await (await local.client.beginSend(message(), { operationId })).pollUntilDone();
    expect(result.status).toBe('Succeeded');
    expect(await messages()).toHaveLength(1);
  });

  it('operation-level failure surfaces as a Failed poll result', async () => {
    await setFaults({
      operationStatus: 'Failed',
      operationError: {
        code: 'EmailDroppedAllRecipientsSuppressed',
        message: 'All recipients are suppressed.',
      },
      runningPolls: 1,
    });
    const operationId = randomUUID();
    const poller = await local.client.beginSend(message(), { operationId });
    expect(poller.getOperationState().status).toBe('running');
    await expect(poller.pollUntilDone()).rejects.toThrow(/EmailDroppedAllRecipientsSuppressed/);
    expect(poller.getOperationState().status).toBe('failed');

    const raw = await signedFetch('GET', `/emails/operations/${operationId}?api-version=2025-09-01`);
    expect(raw.status).toBe(200);
    expect(raw.body).toEqual({
      id: operationId,
      status: 'Failed',
      error: { code: 'EmailDroppedAllRecipientsSuppressed', message: 'All recipients are suppressed.' },
    });
    expect(await messages()).toEqual([]);
  });
});
