import { app } from '@azure/functions';
import { allAudit, listAudit } from '../shared/app/audit.js';
import { auditDeps, endpoint } from '../shared/root.js';
import { callContext } from '../shared/http/request.js';
import { ok } from '../shared/http/responses.js';
import { csvResponse, toCsv } from '../shared/http/csv.js';
import * as contract from '../shared/http/contract/audit.js';

export const auditList = endpoint(contract.listAudit, async (input) => {
  const page = await listAudit(auditDeps(), callContext(input), input.params.partnerId, input.query);
  return ok(page);
});

const EXPORT_COLUMNS = ['at', 'actor', 'action', 'targetType', 'targetId', 'correlationId', 'details'];

export const auditExport = endpoint(contract.exportAudit, async (input) => {
  const { partnerId } = input.params;
  const rows: unknown[][] = [];
  for await (const e of allAudit(auditDeps(), callContext(input), partnerId)) {
    rows.push([
      e.at,
      e.actor.email ?? e.actor.subject,
      e.action,
      e.target.type,
      e.target.id,
      e.correlationId,
      JSON.stringify(e.details),
    ]);
  }
  return csvResponse(toCsv(EXPORT_COLUMNS, rows), `${partnerId}-audit.csv`);
});

app.http(contract.listAudit.name, auditList);
app.http(contract.exportAudit.name, auditExport);
