/**
 * Runs the local ACS Email server on its own: `tsx scripts/acs-email/main.ts`.
 * Env: EMAIL_PORT (default 7072), EMAIL_HOST (default 127.0.0.1), EMAIL_ACCESS_KEY (default the dev key).
 */
import { LOCAL_EMAIL_ACCESS_KEY, startEmailServer } from './server.js';

const port = Number(process.env.EMAIL_PORT ?? 7072);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`EMAIL_PORT must be a port number, got ${process.env.EMAIL_PORT}`);
  process.exit(1);
}

const server = await startEmailServer({
  port,
  host: process.env.EMAIL_HOST ?? '127.0.0.1',
  accessKey: process.env.EMAIL_ACCESS_KEY ?? LOCAL_EMAIL_ACCESS_KEY,
  log: (line) => console.log(line),
});

console.log(`Local ACS Email endpoint (dev only) listening on ${server.url}`);
console.log(`  inbox:             ${server.url}/`);
console.log(`  connection string: ${server.connectionString}`);
console.log(`  EmailClient needs { allowInsecureConnection: true } for this http endpoint.`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
