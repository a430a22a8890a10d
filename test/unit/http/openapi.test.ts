import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../shared/domain/errors.js';
import type { EndpointSpec } from '../../../shared/http/endpoint.js';
import { allEndpoints } from '../../../shared/http/contract/index.js';
import { buildOpenApiDocument } from '../../../shared/http/openapi.js';

/*
 * Structural checks only: no OpenAPI 3.1 validator is installed (node_modules has ajv 6, draft-07 only,
 * and openapi3-ts, which is types and builders, not a validator).
 */

interface Operation {
  operationId?: string;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { required?: boolean; content: Record<string, { schema: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
  'x-error-codes'?: string[];
}

interface Document {
  openapi: string;
  info: { title: string; version: string };
  servers: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, { type?: string; properties?: Record<string, unknown>; required?: string[] }>;
    securitySchemes: Record<string, { type: string; scheme: string; bearerFormat?: string }>;
  };
}

const build = (): Document => buildOpenApiDocument(allEndpoints, 'http://x') as unknown as Document;

const openApiPath = (route: string) => `/api/${route}`;

function operationOf(document: Document, spec: EndpointSpec): Operation {
  const path = document.paths[openApiPath(spec.route)];
  expect(path, `path for ${spec.route}`).toBeDefined();
  const operation = path![spec.method.toLowerCase()];
  expect(operation, `${spec.method} ${spec.route}`).toBeDefined();
  return operation!;
}

/** Every method × path of api.md implemented so far (the assignment and subscriber endpoints are later issues). */
const EXPECTED_OPERATIONS = [
  ['get', '/api/health', 'health-get'],
  ['get', '/api/openapi.json', 'openapi-get'],
  ['post', '/api/partners', 'partners-create'],
  ['get', '/api/partners/{partnerId}', 'partners-get'],
  ['patch', '/api/partners/{partnerId}', 'partners-update'],
  ['post', '/api/partners/{partnerId}/people', 'people-create'],
  ['get', '/api/partners/{partnerId}/people', 'people-list'],
  ['get', '/api/partners/{partnerId}/people/{personId}', 'people-get'],
  ['patch', '/api/partners/{partnerId}/people/{personId}', 'people-update'],
  ['delete', '/api/partners/{partnerId}/people/{personId}', 'people-delete'],
  ['put', '/api/partners/{partnerId}/people/{personId}/roles', 'people-roles-put'],
  ['get', '/api/partners/{partnerId}/audit', 'audit-list'],
] as const;

describe('buildOpenApiDocument(allEndpoints)', () => {
  it('builds an OpenAPI 3.1.0 document with info and the given server', () => {
    const document = build();
    expect(document.openapi).toBe('3.1.0');
    expect(document.info).toMatchObject({ title: 'partner-subscriptions', version: '1.0.0' });
    expect(document.servers).toEqual([{ url: 'http://x' }]);
  });

  it('has a path with the right method and operationId for every endpoint', () => {
    const document = build();
    expect(allEndpoints.length).toBeGreaterThan(0);
    for (const spec of allEndpoints) {
      expect(operationOf(document, spec).operationId).toBe(spec.name);
    }
  });

  it.each(EXPECTED_OPERATIONS)('documents %s %s as %s', (method, path, operationId) => {
    expect(build().paths[path]?.[method]?.operationId).toBe(operationId);
  });

  it('documents nothing but the endpoints, with unique operationIds', () => {
    const document = build();
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => [method, path, op.operationId]),
    );
    expect(operations).toHaveLength(allEndpoints.length);
    const ids = operations.map(([, , id]) => id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('requires bearer authentication on authenticated endpoints only', () => {
    const document = build();
    expect(document.components.securitySchemes['bearer']).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
    for (const spec of allEndpoints) {
      const operation = operationOf(document, spec);
      if (spec.access === 'authenticated') {
        expect(operation.security, spec.name).toEqual([{ bearer: [] }]);
        expect(operation.responses['401'], spec.name).toBeDefined();
      } else if (spec.access === 'optional') {
        // A token is checked when sent, and anonymous callers are served too.
        expect(operation.security, spec.name).toEqual([{ bearer: [] }, {}]);
        expect(operation.responses['401'], spec.name).toBeDefined();
      } else {
        expect(operation.security, spec.name).toBeUndefined();
      }
    }
    // Health serves anyone; a token (an operator's) only adds details.
    expect(
      operationOf(
        document,
        allEndpoints.find((e) => e.name === 'health-get')!,
      ).security,
    ).toEqual([{ bearer: [] }, {}]);
  });

  it('declares every path template parameter as a required path parameter', () => {
    const document = build();
    for (const [path, item] of Object.entries(document.paths)) {
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [method, operation] of Object.entries(item)) {
        const declared = (operation.parameters ?? []).filter((p) => p.in === 'path');
        expect(declared.map((p) => p.name).sort(), `${method} ${path}`).toEqual([...names].sort());
        for (const parameter of declared)
          expect(parameter.required, `${method} ${path} ${parameter.name}`).toBe(true);
      }
    }
  });

  it('documents query parameters, with limit on the people list', () => {
    const operation = build().paths['/api/partners/{partnerId}/people']?.['get'];
    const query = (operation?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
    expect(query).toEqual(expect.arrayContaining(['q', 'role', 'limit', 'cursor']));
  });

  it('requires a body in the media types the endpoint reads, where it has one', () => {
    const document = build();
    const mediaTypes = {
      json: ['application/json'],
      form: ['application/x-www-form-urlencoded'],
      'csv-or-json': ['application/json', 'text/csv'],
    };
    for (const spec of allEndpoints) {
      const operation = operationOf(document, spec);
      if (spec.body) {
        expect(operation.requestBody?.required, spec.name).toBe(true);
        expect(Object.keys(operation.requestBody?.content ?? {}), spec.name).toEqual(
          mediaTypes[spec.bodyFormat ?? 'json'],
        );
      } else {
        expect(operation.requestBody, spec.name).toBeUndefined();
      }
    }
  });

  it('documents each endpoint’s responses, problems as application/problem+json', () => {
    const document = build();
    for (const spec of allEndpoints) {
      const operation = operationOf(document, spec);
      for (const status of Object.keys(spec.responses))
        expect(operation.responses[status], `${spec.name} ${status}`).toBeDefined();
      // Pages for people (HTML endpoints) answer a bad request with a page; everything else with problem+json.
      const page = spec.responses[400]?.contentType === 'text/html';
      expect(Object.keys(operation.responses['400']?.content ?? {}), spec.name).toEqual([
        page ? 'text/html' : 'application/problem+json',
      ]);
      expect(operation.responses['500'], spec.name).toBeDefined();
    }
    expect(
      document.paths['/api/partners']?.['post']?.responses['201']?.content?.['application/json']?.schema,
    ).toEqual({
      $ref: '#/components/schemas/Partner',
    });
  });

  it('lists each endpoint’s error codes in x-error-codes', () => {
    const document = build();
    for (const spec of allEndpoints) {
      if (spec.errors)
        expect(operationOf(document, spec)['x-error-codes'], spec.name).toEqual([...spec.errors]);
    }
  });

  it('has component schemas for Problem, Partner and Person', () => {
    const { schemas } = build().components;
    expect(Object.keys(schemas)).toEqual(
      expect.arrayContaining(['Problem', 'Partner', 'Person', 'CreatePartner', 'SetRoles']),
    );
    expect(schemas['Problem']?.required).toEqual(
      expect.arrayContaining(['type', 'title', 'status', 'detail', 'code', 'traceId']),
    );
    expect((schemas['Problem']?.properties?.['code'] as { enum?: string[] }).enum).toEqual([...ERROR_CODES]);
    expect(Object.keys(schemas['Partner']?.properties ?? {})).toEqual(
      expect.arrayContaining([
        'partnerId',
        'program',
        'verifiedDomains',
        'programAdministrators',
        'entitlements',
        'technicalContacts',
      ]),
    );
    expect(Object.keys(schemas['Person']?.properties ?? {})).toEqual(
      expect.arrayContaining(['personId', 'email', 'firstName', 'lastName', 'notificationEmail', 'roles']),
    );
  });
});
