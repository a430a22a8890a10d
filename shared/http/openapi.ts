import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ERROR_CODES } from '../domain/errors.js';
import type { EndpointSpec } from './endpoint.js';
import { PROBLEM_CONTENT_TYPE } from './problem.js';

const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.enum(ERROR_CODES),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    instance: z.string().optional(),
    traceId: z.string(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details with a stable `code`.' });

/** Functions route templates allow constraints (`{id:int}`); OpenAPI paths only names. */
const toOpenApiPath = (route: string) =>
  `/api/${route.replace(/\{\*?([A-Za-z0-9_]+)(?::[^}]*)?\??\}/g, '{$1}')}`;

function requestContent(spec: EndpointSpec) {
  if (spec.bodyFormat === 'form') return { 'application/x-www-form-urlencoded': { schema: spec.body! } };
  if (spec.bodyFormat === 'csv-or-json') {
    return { 'application/json': { schema: spec.body! }, 'text/csv': { schema: z.string() } };
  }
  return { 'application/json': { schema: spec.body! } };
}

export function buildOpenApiDocument(endpoints: EndpointSpec[], serverUrl: string): Record<string, unknown> {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'An access token from Microsoft Entra ID (the local identity provider in development).',
  });

  for (const spec of endpoints) {
    const responses: RouteConfig['responses'] = {};
    for (const [status, response] of Object.entries(spec.responses)) {
      responses[status] = {
        description: response.description,
        ...(response.schema
          ? { content: { [response.contentType ?? 'application/json']: { schema: response.schema } } }
          : {}),
      };
    }
    const problemStatuses = new Set<string>(['400', '500']);
    if (spec.access !== 'anonymous') problemStatuses.add('401');
    if (spec.params) problemStatuses.add('404');
    for (const status of problemStatuses) {
      responses[status] ??= {
        description: 'Problem details',
        content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
      };
    }
    registry.registerPath({
      method: spec.method.toLowerCase() as RouteConfig['method'],
      path: toOpenApiPath(spec.route),
      operationId: spec.name,
      summary: spec.summary,
      tags: [...spec.tags],
      ...(spec.access === 'authenticated' ? { security: [{ [bearer.name]: [] }] } : {}),
      // An optional token: anonymous callers are served too (the empty requirement).
      ...(spec.access === 'optional' ? { security: [{ [bearer.name]: [] }, {}] } : {}),
      request: {
        ...(spec.params ? { params: spec.params as never } : {}),
        ...(spec.query ? { query: spec.query as never } : {}),
        ...(spec.body ? { body: { required: true, content: requestContent(spec) } } : {}),
      },
      responses,
      ...(spec.errors ? { 'x-error-codes': spec.errors } : {}),
    });
  }

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'partner-subscriptions',
      version: '1.0.0',
      description:
        "Hand out a Microsoft partner's Visual Studio subscriptions to its people, and activate them.",
    },
    servers: [{ url: serverUrl }],
  }) as unknown as Record<string, unknown>;
}
