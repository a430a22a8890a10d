import type { IncomingMessage, ServerResponse } from 'node:http';
import { readJson, sendJson } from '../local-stack/http.js';
import { HttpError } from './errors.js';
import { defaultFaults, parseFaultConfig } from './faults.js';
import { emptyStats, type EmailState, type RouteResult } from './state.js';

/** /_faults: GET shows, POST/PUT sets, DELETE clears the injected faults (dev only). */
export async function handleFaults(
  state: EmailState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<string | undefined> {
  if (req.method === 'GET') {
    sendJson(res, 200, state.faults);
    return undefined;
  }
  if (req.method === 'DELETE') {
    state.faults = defaultFaults();
    sendJson(res, 200, state.faults);
    return 'faults cleared';
  }
  if (req.method === 'POST' || req.method === 'PUT') {
    const parsed = parseFaultConfig(await readJson(req, 1024 * 1024));
    if (typeof parsed === 'string') throw new HttpError(400, 'BadRequest', parsed);
    state.faults = parsed;
    const { plan, then, operationStatus } = parsed;
    sendJson(res, 200, parsed);
    return `faults set ${JSON.stringify(plan)} then=${then} operationStatus=${operationStatus}`;
  }
  throw new HttpError(405, 'MethodNotAllowed', 'Use GET, POST or DELETE on /_faults.');
}

/** /_stats: GET reads the counters, DELETE resets them. */
export function handleStats(state: EmailState, req: IncomingMessage, res: ServerResponse): RouteResult {
  if (req.method === 'GET') {
    sendJson(res, 200, state.stats);
    return undefined;
  }
  if (req.method === 'DELETE') {
    state.stats = emptyStats();
    res.writeHead(204).end();
    return 'stats reset';
  }
  throw new HttpError(405, 'MethodNotAllowed', 'Use GET or DELETE on /_stats.');
}
