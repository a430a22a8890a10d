import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/domain/errors.js';
import {
  OTHER_ADMIN_TOKEN,
  STRANGER_TOKEN,
  aRequest,
  aWrapper,
  bodyOf,
  invoke,
  noteSpec,
} from './endpoint-support.js';

/** A keyed POST endpoint whose handler counts its runs and answers what `answer` says. */
function keyedEndpoint(
  answer: (run: number) => Promise<{ status: number; body?: string }> = async (run) => ({
    status: 201,
    body: JSON.stringify({ run }),
  }),
) {
  const wrapper = aWrapper();
  let runs = 0;
  const options = wrapper.endpoint(noteSpec, async () => answer(++runs));
  const post = (key: string, text = 'hello', extra: Parameters<typeof aRequest>[0] = {}) =>
    invoke(
      options,
      aRequest({
        json: { text },
        ...extra,
        headers: { 'idempotency-key': key, ...(extra.headers as object) },
      }),
    );
  return { ...wrapper, post, runs: () => runs };
}

const header = (response: { headers?: unknown }, name: string) =>
  new Headers(response.headers as Record<string, string>).get(name);

describe('Idempotency-Key on a POST', () => {
  it('runs the request once and replays its response for the same request', async () => {
    const { post, runs } = keyedEndpoint();
    const first = await post('key-1');
    const again = await post('key-1');
    expect(runs()).toBe(1);
    expect(first.status).toBe(201);
    expect(again).toMatchObject({ status: 201, body: first.body });
    expect(header(again, 'idempotent-replayed')).toBe('true');
    expect(header(first, 'idempotent-replayed')).toBeNull();
  });

  it('refuses the key on a different body, or on the same body with another query string', async () => {
    const { post, runs } = keyedEndpoint();
    await post('key-1', 'hello');
    const otherBody = await post('key-1', 'goodbye');
    expect(otherBody.status).toBe(422);
    expect(await bodyOf(otherBody)).toMatchObject({ code: 'idempotency-key-reused' });
    const otherQuery = await post('key-1', 'hello', { query: { dryRun: 'true' } });
    expect(await bodyOf(otherQuery)).toMatchObject({ code: 'idempotency-key-reused' });
    expect(runs()).toBe(1);
  });

  it('keeps a 4xx answer (the same request would be refused again) but not a 5xx, so a retry runs', async () => {
    const refused = keyedEndpoint(async () => {
      throw new AppError('no-seats-available', 'No seat is free.');
    });
    await refused.post('key-1');
    const replayed = await refused.post('key-1');
    expect(replayed.status).toBe(409);
    expect(header(replayed, 'idempotent-replayed')).toBe('true');
    expect(refused.runs()).toBe(1);

    const failing = keyedEndpoint(async (run) =>
      run === 1 ? { status: 503, body: '{}' } : { status: 201, body: JSON.stringify({ run }) },
    );
    expect((await failing.post('key-2')).status).toBe(503);
    expect((await failing.post('key-2')).status).toBe(201);
    expect(failing.runs()).toBe(2);
  });

  it('releases the key when the handler throws something unknown, so the retry runs', async () => {
    const { post, runs, idempotency } = keyedEndpoint(async (run) => {
      if (run === 1) throw new Error('boom');
      return { status: 201, body: '{}' };
    });
    expect((await post('key-1')).status).toBe(500);
    expect(idempotency.entries.size).toBe(0);
    expect((await post('key-1')).status).toBe(201);
    expect(runs()).toBe(2);
  });

  it('keys are per caller: another caller with the same key gets their own run', async () => {
    const { post, runs } = keyedEndpoint();
    await post('shared-key');
    const other = await post('shared-key', 'hello', { token: OTHER_ADMIN_TOKEN });
    expect(other.status).toBe(201);
    expect(header(other, 'idempotent-replayed')).toBeNull();
    expect(runs()).toBe(2);
  });

  it('writes nothing for a caller who may not act on the partner', async () => {
    const { post, runs, idempotency } = keyedEndpoint();
    const response = await post('key-1', 'hello', { token: STRANGER_TOKEN });
    expect([403, 404]).toContain(response.status);
    expect(idempotency.entries.size).toBe(0);
    expect(runs()).toBe(0);
  });

  it('refuses a key that is not 1 to 255 visible ASCII characters', async () => {
    const { post, runs } = keyedEndpoint();
    for (const key of ['has space', 'x'.repeat(256), 'ünïcode']) {
      const response = await post(key);
      expect(response.status, key).toBe(400);
    }
    expect(runs()).toBe(0);
  });

  it('a second request while the first is still running waits for it and replays its answer', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { post, runs, idempotency } = keyedEndpoint(async (run) => {
      await gate;
      return { status: 201, body: JSON.stringify({ run }) };
    });
    // The first run is held until the second request has found the claim pending.
    const claim = idempotency.claim.bind(idempotency);
    idempotency.claim = async (...args) => {
      const result = await claim(...args);
      if (result.state === 'pending') release();
      return result;
    };
    const first = post('key-1');
    const second = post('key-1');
    const [a, b] = await Promise.all([first, second]);
    expect(runs()).toBe(1);
    expect(b.body).toBe(a.body);
    expect(header(b, 'idempotent-replayed')).toBe('true');
  });

  it('a request without a key runs every time', async () => {
    const wrapper = aWrapper();
    let runs = 0;
    const options = wrapper.endpoint(noteSpec, async () => ({ status: 201, body: String(++runs) }));
    await invoke(options, aRequest({ json: { text: 'a' } }));
    await invoke(options, aRequest({ json: { text: 'a' } }));
    expect(runs).toBe(2);
    expect(wrapper.idempotency.entries.size).toBe(0);
  });
});
