import { app } from '@azure/functions';
import { listAudit } from '../shared/app/audit.js';
import { auditDeps, endpoint } from '../shared/root.js';
import { callContext } from '../shared/http/request.js';
import { ok } from '../shared/http/responses.js';
import * as contract from '../shared/http/contract/audit.js';

export const auditList = endpoint(contract.listAudit, async (input) => {
  const page = await listAudit(auditDeps(), callContext(input), input.params.partnerId, input.query);
  return ok(page);
});

app.http(contract.listAudit.name, auditList);
