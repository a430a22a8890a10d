import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { readBody } from './http.js';
import { close, listen } from './net.js';
import type { RunningService } from './service.js';

/**
 * A small HTTP reverse proxy in front of a local service, for benchmarks (it counts requests, so a
 * claim like "a grant is three round trips" is measured, not estimated) and for fault tests (it can
 * answer in the service's place, delay, or refuse connections as if the service were down).
 */
export interface ProxiedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** The request body (read before it is forwarded; these are small JSON requests). */
  body: Buffer;
}

/**
 * A fault as data, so a test in another process can set it over HTTP (`POST /_proxy/rules`): requests
 * of a kind (see `classify`), optionally only those whose body contains a string, are answered with
 * `fault`, at most `times` times (default: until the rules are cleared).
 */
export interface FaultRule {
  kind?: string;
  bodyIncludes?: string;
  times?: number;
  fault: Fault;
}

export const PROXY_CONTROL_PREFIX = '/_proxy/';

export type Fault =
  /** Answer instead of the service: a status, headers and a JSON body. */
  | { kind: 'respond'; status: number; headers?: Record<string, string>; body?: unknown }
  /** Drop the connection without an answer, as a service that went away mid-request. */
  | { kind: 'reset' }
  /** Forward after a pause. */
  | { kind: 'delay'; ms: number };

export interface RunningProxy extends RunningService {
  /** Requests forwarded or answered since the last reset, per kind (see `classify`). */
  counts(): Record<string, number>;
  total(): number;
  resetCounts(): void;
  /** Decides, per request, whether to inject a fault; undefined forwards it. */
  setFaults(decide: ((request: ProxiedRequest) => Fault | undefined) | null): void;
  /** Faults as data (what `POST /_proxy/rules` sets); replaces any earlier rules. */
  setRules(rules: FaultRule[]): void;
  /** Refuse every connection (the service is unreachable) until `reachable()`. */
  unreachable(): void;
  reachable(): void;
}

export async function startProxy(options: {
  target: string;
  port?: number;
  host?: string;
  /** Names the kind of each request for the counts; default `METHOD`. */
  classify?: (request: ProxiedRequest) => string;
}): Promise<RunningProxy> {
  const target = new URL(options.target);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const classify = options.classify ?? ((r: ProxiedRequest) => r.method);
  let counts: Record<string, number> = {};
  let decide: ((request: ProxiedRequest) => Fault | undefined) | null = null;
  let refusing = false;
  const sockets = new Set<Socket>();

  let rules: (FaultRule & { used: number })[] = [];
  const byRules = (request: ProxiedRequest, kind: string): Fault | undefined => {
    const rule = rules.find(
      (r) =>
        (r.kind === undefined || r.kind === kind) &&
        (r.bodyIncludes === undefined || request.body.includes(r.bodyIncludes)) &&
        (r.times === undefined || r.used < r.times),
    );
    if (!rule) return undefined;
    rule.used++;
    return rule.fault;
  };

  const forward = (req: IncomingMessage, body: Buffer, res: ServerResponse) => {
    const upstream = request(
      {
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    upstream.end(body);
  };

  /** The proxy's own control API, for tests in other processes: rules and counts. */
  const control = (req: IncomingMessage, body: Buffer, res: ServerResponse) => {
    const path = (req.url ?? '').slice(PROXY_CONTROL_PREFIX.length);
    const reply = (status: number, value?: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(value === undefined ? '' : JSON.stringify(value));
    };
    if (path === 'rules' && req.method === 'POST') {
      rules = (JSON.parse(body.toString('utf8') || '[]') as FaultRule[]).map((r) => ({ ...r, used: 0 }));
      return reply(204);
    }
    if (path === 'rules' && req.method === 'GET') return reply(200, rules);
    if (path === 'rules' && req.method === 'DELETE') {
      rules = [];
      return reply(204);
    }
    if (path === 'counts' && req.method === 'GET') return reply(200, counts);
    if (path === 'counts' && req.method === 'DELETE') {
      counts = {};
      return reply(204);
    }
    if (path === 'reachable' && req.method === 'POST') {
      const { reachable } = JSON.parse(body.toString('utf8')) as { reachable: boolean };
      refusing = !reachable;
      if (refusing) for (const socket of sockets) if (socket !== req.socket) socket.destroy();
      return reply(204);
    }
    return reply(404);
  };

  const handle = (req: IncomingMessage, body: Buffer, res: ServerResponse) => {
    if ((req.url ?? '').startsWith(PROXY_CONTROL_PREFIX)) return control(req, body, res);
    // Unreachable: the service's requests get no answer, the connection just drops (the control API stays up).
    if (refusing) {
      req.socket.destroy();
      return;
    }
    const described = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body };
    const kind = classify(described);
    counts[kind] = (counts[kind] ?? 0) + 1;
    const fault = decide?.(described) ?? byRules(described, kind);
    if (!fault) return forward(req, body, res);
    if (fault.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault.kind === 'delay') {
      setTimeout(() => forward(req, body, res), fault.ms);
      return;
    }
    res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
    res.end(fault.body === undefined ? '' : JSON.stringify(fault.body));
  };
  const server = createServer((req, res) => {
    // A request that breaks off (or a control body that is not JSON) drops its connection, nothing more.
    readBody(req)
      .then((body) => handle(req, body, res))
      .catch(() => res.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const port = await listen(server, options.port, options.host);
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    counts: () => ({ ...counts }),
    total: () => Object.values(counts).reduce((sum, n) => sum + n, 0),
    resetCounts: () => {
      counts = {};
    },
    setFaults: (next) => {
      decide = next;
    },
    setRules: (next) => {
      rules = next.map((r) => ({ ...r, used: 0 }));
    },
    unreachable: () => {
      refusing = true;
      for (const socket of sockets) socket.destroy();
    },
    reachable: () => {
      refusing = false;
    },
    stop: () => {
      agent.destroy();
      return close(server);
    },
  };
}

/** Cosmos DB REST requests by what they do, for round-trip counts. */
export function classifyCosmos(request: ProxiedRequest): string {
  const path = request.path.split('?')[0]!;
  const isDocs = /\/docs(\/|$)/.test(path);
  if (!isDocs) return 'metadata';
  const header = (name: string) => String(request.headers[name] ?? '').toLowerCase() === 'true';
  // One request each: a transactional batch (atomic) or a bulk batch of independent operations.
  if (header('x-ms-cosmos-is-batch-request')) return header('x-ms-cosmos-batch-atomic') ? 'batch' : 'bulk';
  if (header('x-ms-cosmos-is-query-plan-request')) return 'query-plan';
  if (header('x-ms-documentdb-isquery')) return 'query';
  switch (request.method) {
    case 'GET':
      return 'read';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'replace';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return 'delete';
    default:
      return request.method;
  }
}
