import { connect, createServer, type AddressInfo, type Server } from 'node:net';

/**
 * Listens on host:port (port 0: any free one) and resolves with the port taken. A port already in use
 * rejects instead of emitting an unhandled 'error' later.
 */
export function listen(server: Server, port = 0, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Stops a server: open connections (keep-alive ones too) are closed rather than waited for. Resolves
 * when it is closed, also when it already was, so a second stop is harmless.
 */
export function close(server: Server & { closeAllConnections?: () => void }): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => {
      if (error && (error as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING') reject(error);
      else resolve();
    });
    server.closeAllConnections?.();
  });
}

/** The host part of a URL that reaches a server listening on `host` (a wildcard means this machine). */
export function urlHost(host: string): string {
  if (host === '' || host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** Asks the OS for a port nobody listens on, so tests never collide with a running dev stack. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  server.unref();
  const port = await listen(server, 0, host);
  await close(server);
  return port;
}

/** Waits until something accepts TCP connections on host:port, or fails after timeoutMs. */
export async function waitForPort(port: number, host = '127.0.0.1', timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ port, host });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
