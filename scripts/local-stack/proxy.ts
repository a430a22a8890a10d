import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
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
}

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

  const forward = (req: IncomingMessage, res: ServerResponse) => {
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
    req.pipe(upstream);
  };

  const server = createServer((req, res) => {
    const described = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers };
    const kind = classify(described);
    counts[kind] = (counts[kind] ?? 0) + 1;
    const fault = decide?.(described);
    if (!fault) return forward(req, res);
    if (fault.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault.kind === 'delay') {
      setTimeout(() => forward(req, res), fault.ms);
      return;
    }
    req.resume();
    res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
    res.end(fault.body === undefined ? '' : JSON.stringify(fault.body));
  });
  server.on('connection', (socket) => {
    if (refusing) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
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
    unreachable: () => {
      refusing = true;
      for (const socket of sockets) socket.destroy();
    },
    reachable: () => {
      refusing = false;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
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
