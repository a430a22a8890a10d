import { app } from '@azure/functions';
import { config } from '../shared/config.js';
import { endpoint } from '../shared/http/endpoint.js';
import { ok } from '../shared/http/responses.js';
import { allEndpoints } from '../shared/http/contract/index.js';
import { getOpenApi } from '../shared/http/contract/system.js';
import { buildOpenApiDocument } from '../shared/http/openapi.js';

let document: Record<string, unknown> | undefined;

export const openApiGet = endpoint(getOpenApi, async () => {
  document ??= buildOpenApiDocument(allEndpoints, `${config().publicBaseUrl}`);
  return ok(document);
});

app.http(getOpenApi.name, openApiGet);
