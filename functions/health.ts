import { app } from '@azure/functions';
import { config } from '../shared/config.js';
import { checkHealth } from '../shared/app/check-health.js';
import { dependencyProbes } from '../shared/adapters/health-probes.js';
import { endpoint } from '../shared/http/endpoint.js';
import { json } from '../shared/http/responses.js';
import { getHealth } from '../shared/http/contract/system.js';

export const healthGet = endpoint(getHealth, async () => {
  const report = await checkHealth(dependencyProbes(), config().healthTimeoutMs);
  return json(report.status === 'healthy' ? 200 : 503, report, { 'cache-control': 'no-store' });
});

app.http(getHealth.name, healthGet);
