import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { allEndpoints } from '../../shared/http/contract/index.js';
import { testApp } from '../support/app.js';

const { api } = testApp();

describe('health', () => {
  it('answers 200 with every dependency up', async () => {
    const response = await api.request<{ status: string; dependencies: Record<string, { status: string }> }>(
      'GET',
      '/health',
    );
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('healthy');
    expect(Object.keys(response.body.dependencies).sort()).toEqual([
      'cosmos',
      'email',
      'identity',
      'storage',
    ]);
    for (const state of Object.values(response.body.dependencies)) expect(state.status).toBe('up');
  });
});

describe('correlation ids', () => {
  it('echoes a given x-correlation-id, on success and on error', async () => {
    const ok = await api.request('GET', '/health', { headers: { 'x-correlation-id': 'portal-123' } });
    expect(ok.headers.get('x-correlation-id')).toBe('portal-123');
    const unauthenticated = await api.request<{ traceId: string }>('GET', '/partners/contoso', {
      headers: { 'x-correlation-id': 'portal-456' },
    });
    expect(unauthenticated.headers.get('x-correlation-id')).toBe('portal-456');
    expect(unauthenticated.body.traceId).toBe('portal-456');
  });

  it('makes one up when none (or an unsafe one) is given', async () => {
    const response = await api.request('GET', '/health', {
      headers: { 'x-correlation-id': 'bad value\twith tab' },
    });
    const id = response.headers.get('x-correlation-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('OpenAPI', () => {
  it('documents every endpoint and validates as OpenAPI 3.1', async () => {
    const response = await api.request<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(
      'GET',
      '/openapi.json',
    );
    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe('3.1.0');
    for (const endpoint of allEndpoints) {
      const path = `/api/${endpoint.route}`;
      expect(response.body.paths[path], path).toBeDefined();
      expect(
        response.body.paths[path]![endpoint.method.toLowerCase()],
        `${endpoint.method} ${path}`,
      ).toBeDefined();
    }
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(response.text));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });
});
