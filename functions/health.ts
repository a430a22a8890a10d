import { app } from '@azure/functions';
import { isPlatformOperator } from '../shared/domain/principal.js';
import { summarize } from '../shared/app/check-health.js';
import { endpoint, healthReport } from '../shared/root.js';
import { json } from '../shared/http/responses.js';
import { getHealth } from '../shared/http/contract/system.js';

/** Anyone gets the cached up/down summary; a platform operator also gets latencies and error text. */
export const healthGet = endpoint(getHealth, async ({ principal }) => {
  const report = await healthReport()();
  const body = principal && isPlatformOperator(principal) ? report : summarize(report);
  return json(report.status === 'healthy' ? 200 : 503, body, { 'cache-control': 'no-store' });
});

app.http(getHealth.name, healthGet);
