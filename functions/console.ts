import { app } from '@azure/functions';
import { consoleSite } from '../shared/root.js';
import { CONSOLE_ROUTE, serveConsole } from '../shared/http/console-site.js';

/** The admin console (web/, built into dist/web), served from the function app's own origin. */
app.http('console', {
  route: CONSOLE_ROUTE,
  methods: ['GET', 'HEAD'],
  authLevel: 'anonymous',
  handler: (request) => serveConsole(consoleSite(), request),
});
