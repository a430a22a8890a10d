import { z } from 'zod';
import type { EndpointSpec } from '../endpoint.js';

const dependencyState = z.object({
  status: z.enum(['up', 'down']),
  latencyMs: z.number().int(),
  error: z.string().optional(),
});

export const HealthReportSchema = z
  .object({
    status: z.enum(['healthy', 'unhealthy']),
    checkedAt: z.string(),
    dependencies: z.record(z.string(), dependencyState),
  })
  .meta({ id: 'HealthReport' });

const HealthSummarySchema = z
  .object({
    status: z.enum(['healthy', 'unhealthy']),
    checkedAt: z.string(),
    dependencies: z.record(z.string(), z.object({ status: z.enum(['up', 'down']) })),
  })
  .meta({ id: 'HealthSummary' });

const HealthBodySchema = z.union([HealthReportSchema, HealthSummarySchema]);

export const getHealth = {
  name: 'health-get',
  method: 'GET',
  route: 'health',
  summary:
    "Each dependency's state: a summary (checked at most every 5 s) for anyone, latencies and errors for a platform operator",
  tags: ['system'],
  access: 'optional',
  responses: {
    200: { description: 'Every dependency is up', schema: HealthBodySchema },
    503: { description: 'At least one dependency is down', schema: HealthBodySchema },
  },
} as const satisfies EndpointSpec;

export const getOpenApi = {
  name: 'openapi-get',
  method: 'GET',
  route: 'openapi.json',
  summary: 'This OpenAPI 3.1 document',
  tags: ['system'],
  access: 'anonymous',
  responses: { 200: { description: 'The OpenAPI document' } },
} as const satisfies EndpointSpec;

export const systemEndpoints: EndpointSpec[] = [getHealth, getOpenApi];
