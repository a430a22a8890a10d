import { app } from '@azure/functions';
import { endpoint, openApiDocument } from '../shared/root.js';
import { ok } from '../shared/http/responses.js';
import { getOpenApi } from '../shared/http/contract/system.js';

export const openApiGet = endpoint(getOpenApi, async () => ok(openApiDocument()));

app.http(getOpenApi.name, openApiGet);
