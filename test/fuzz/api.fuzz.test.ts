import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../shared/domain/errors.js';
import { createPartner, testApp } from '../support/app.js';
import {
  csvBody,
  fromSchema,
  nastyString,
  operationsOf,
  type JsonSchema,
  type Operation,
} from './arbitraries.js';

/**
 * Property-based fuzzing of the running app over every operation of its served OpenAPI document:
 * generated path ids, query strings, headers and bodies (from the schemas and off them, CSV that a parser
 * must survive). For every request: never a 500, and every error of an API route is problem+json with a
 * code from the list. FUZZ_RUNS sets how many requests (default 1,500).
 */
const { stack, api, operator } = testApp();
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 1_500);
const origin = new URL(stack.apiUrl).origin;

interface Fixture {
  ops: Operation[];
  components: Record<string, JsonSchema>;
  ids: string[];
  tokens: Record<string, string | null>;
}

async function fixture(): Promise<Fixture> {
  const document = (await (await fetch(`${stack.apiUrl}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, Record<string, unknown>>>;
    components: { schemas: Record<string, JsonSchema> };
  };
  const p = await createPartner({ program: 'competency' });
  const person = await p.associate('fuzzed');
  const grant = await p.grant(person.personId);
  const job = await api.request<{ jobId: string }>('POST', `${p.base}/bulk-assignments`, {
    as: p.admin,
    rawBody: `email,firstName,lastName\nbulk@${p.domain},B,U\n`,
    headers: { 'content-type': 'text/csv' },
  });
  return {
    ops: operationsOf(document),
    components: document.components.schemas,
    ids: [p.body.partnerId, person.personId, grant.body.assignmentId, job.body.jobId, 'contoso'],
    tokens: {
      none: null,
      admin: await api.token(p.admin),
      operator: await api.token(operator.email, true),
      stranger: await api.token(`someone@${p.domain}`),
      garbage: 'not.a.token',
    },
  };
}

const problemCodes = new Set<string>(ERROR_CODES);
/** A header value fetch can send: visible ASCII and spaces only. */
const headerSafe = (value: string) => [...value].filter((c) => c >= ' ' && c <= '~').join('');

describe('fuzzing the API from its OpenAPI document', () => {
  it(`${RUNS} generated requests: no 500, every API error problem+json with a known code`, async () => {
    const f = await fixture();
    expect(f.ops.length).toBeGreaterThan(25);
    const statuses: Record<string, number> = {};
    const perOperation: Record<string, number> = {};
    const request = fc.record({
      op: fc.constantFrom(...f.ops),
      pathValues: fc.array(
        fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...f.ids) }, { weight: 3, arbitrary: nastyString }),
        {
          minLength: 3,
          maxLength: 3,
        },
      ),
      extraQuery: fc.option(fc.dictionary(fc.string({ maxLength: 8 }), nastyString, { maxKeys: 3 }), {
        nil: undefined,
      }),
      auth: fc.constantFrom('none', 'admin', 'admin', 'operator', 'stranger', 'garbage'),
      contentType: fc.option(
        fc.constantFrom(
          'application/json',
          'text/csv',
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data',
          '',
        ),
        { nil: undefined },
      ),
      idempotencyKey: fc.option(fc.oneof(fc.uuid(), nastyString), { nil: undefined }),
      ifMatch: fc.option(fc.oneof(fc.constant('*'), nastyString), { nil: undefined }),
      bodyKind: fc.constantFrom('schema', 'schema', 'json', 'text', 'csv', 'none'),
      seed: fc.integer(),
    });

    await fc.assert(
      fc.asyncProperty(request, fc.context(), async (r, context) => {
        const { op } = r;
        let path = op.path;
        op.pathParams.forEach((name, i) => {
          path = path.replace(`{${name}}`, encodeURIComponent(r.pathValues[i] ?? ''));
        });
        const url = new URL(`${origin}${path}`);
        for (const q of op.query) {
          const value = fc.sample(fromSchema(q.schema, f.components), { numRuns: 1, seed: r.seed })[0];
          if (value !== undefined && r.seed % 3 !== 0)
            url.searchParams.set(q.name, typeof value === 'string' ? value : JSON.stringify(value));
        }
        for (const [k, v] of Object.entries(r.extraQuery ?? {})) url.searchParams.set(k, v);

        const headers: Record<string, string> = {};
        const token = f.tokens[r.auth];
        if (token) headers['authorization'] = `Bearer ${token}`;
        if (r.idempotencyKey !== undefined) headers['idempotency-key'] = headerSafe(r.idempotencyKey);
        if (r.ifMatch !== undefined) headers['if-match'] = headerSafe(r.ifMatch);
        let body: string | undefined;
        if (op.method !== 'GET' && r.bodyKind !== 'none') {
          const declared = op.body?.contentTypes[0] ?? 'application/json';
          headers['content-type'] = r.contentType ?? declared;
          body =
            r.bodyKind === 'schema'
              ? JSON.stringify(
                  fc.sample(fromSchema(op.body?.schema, f.components), { numRuns: 1, seed: r.seed })[0],
                )
              : r.bodyKind === 'json'
                ? JSON.stringify(fc.sample(fc.jsonValue(), { numRuns: 1, seed: r.seed })[0])
                : r.bodyKind === 'csv'
                  ? fc.sample(csvBody, { numRuns: 1, seed: r.seed })[0]
                  : fc.sample(nastyString, { numRuns: 1, seed: r.seed })[0];
          if (headers['content-type'] === 'text/csv' && r.bodyKind === 'schema')
            body = fc.sample(csvBody, { numRuns: 1, seed: r.seed })[0];
        }
        const response = await fetch(url, { method: op.method, headers, body, redirect: 'manual' });
        const text = await response.text();
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        perOperation[`${op.method} ${op.path}`] = (perOperation[`${op.method} ${op.path}`] ?? 0) + 1;
        context.log(`${op.method} ${url.pathname}${url.search} → ${response.status} ${text.slice(0, 200)}`);

        expect(response.status, 'no 500').not.toBe(500);
        if (response.status >= 500) {
          expect(response.status).toBe(503);
          expect(JSON.parse(text)).toMatchObject({ code: 'dependency-unavailable' });
        }
        if (response.status >= 400 && !op.page && text !== '') {
          expect(response.headers.get('content-type')).toContain('application/problem+json');
          const problem = JSON.parse(text) as { code: string; status: number; traceId: string };
          expect(problemCodes.has(problem.code), `code ${problem.code}`).toBe(true);
          expect(problem.status).toBe(response.status);
          expect(problem.traceId).toBeTruthy();
        }
        // An empty body is the host's own 404 for a path no route takes (an id with a slash, say).
        if (text === '' && response.status >= 400) expect(response.status).toBe(404);
      }),
      { numRuns: RUNS },
    );

    const report = join(dirname(stack.logFile), 'fuzz.json');
    mkdirSync(dirname(report), { recursive: true });
    writeFileSync(report, `${JSON.stringify({ requests: RUNS, statuses, perOperation }, null, 2)}\n`);
    expect(Object.keys(perOperation).length).toBeGreaterThanOrEqual(f.ops.length - 2); // every operation was hit
  });
});
