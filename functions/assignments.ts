import { app } from '@azure/functions';
import {
  allAssignments,
  getAssignment,
  getUsage,
  grantPrivilege,
  listAssignments,
  resendInvitation,
  revokeAssignment,
} from '../shared/app/assignments.js';
import { assignmentDeps, endpoint } from '../shared/root.js';
import { callContext } from '../shared/http/request.js';
import { created, ok } from '../shared/http/responses.js';
import { csvResponse, toCsv } from '../shared/http/csv.js';
import { assignmentBody } from '../shared/http/views.js';
import * as contract from '../shared/http/contract/assignments.js';

export const assignmentsCreate = endpoint(contract.grant, async (input) => {
  const { partnerId } = input.params;
  const assignment = await grantPrivilege(assignmentDeps(), callContext(input), partnerId, input.body);
  return created(
    assignmentBody(assignment.value),
    `/api/partners/${partnerId}/assignments/${assignment.value.assignmentId}`,
    { etag: assignment.etag },
  );
});

export const assignmentsList = endpoint(contract.listAssignments, async (input) => {
  const { status, personId, limit, cursor } = input.query;
  const page = await listAssignments(
    assignmentDeps(),
    callContext(input),
    input.params.partnerId,
    { status, personId },
    {
      limit,
      cursor,
    },
  );
  return ok({ items: page.items.map(assignmentBody), nextCursor: page.nextCursor });
});

const EXPORT_COLUMNS = [
  'assignmentId',
  'personId',
  'personEmail',
  'privilege',
  'benefit',
  'status',
  'assignedAt',
  'activatedAt',
  'endedAt',
  'deliveryState',
  'deliveryTo',
  'deliveryLastError',
];

export const assignmentsExport = endpoint(contract.exportAssignments, async (input) => {
  const { partnerId } = input.params;
  const rows: unknown[][] = [];
  for await (const a of allAssignments(assignmentDeps(), callContext(input), partnerId, input.query)) {
    rows.push([
      a.assignmentId,
      a.personId,
      a.personEmail,
      a.privilege,
      a.benefit,
      a.status,
      a.assignedAt,
      a.activatedAt,
      a.endedAt,
      a.delivery.state,
      a.delivery.to,
      a.delivery.lastError,
    ]);
  }
  return csvResponse(toCsv(EXPORT_COLUMNS, rows), `${partnerId}-assignments.csv`);
});

export const assignmentsGet = endpoint(contract.getAssignment, async (input) => {
  const { partnerId, assignmentId } = input.params;
  const assignment = await getAssignment(assignmentDeps(), callContext(input), partnerId, assignmentId);
  return ok(assignmentBody(assignment.value), { etag: assignment.etag });
});

export const assignmentsRevoke = endpoint(contract.revoke, async (input) => {
  const { partnerId, assignmentId } = input.params;
  const assignment = await revokeAssignment(assignmentDeps(), callContext(input), partnerId, assignmentId);
  return ok(assignmentBody(assignment.value), { etag: assignment.etag });
});

export const assignmentsResend = endpoint(contract.resend, async (input) => {
  const { partnerId, assignmentId } = input.params;
  const assignment = await resendInvitation(assignmentDeps(), callContext(input), partnerId, assignmentId);
  return ok(assignmentBody(assignment.value), { etag: assignment.etag });
});

export const usageGet = endpoint(contract.usage, async (input) => {
  return ok(await getUsage(assignmentDeps(), callContext(input), input.params.partnerId));
});

app.http(contract.grant.name, assignmentsCreate);
app.http(contract.listAssignments.name, assignmentsList);
app.http(contract.exportAssignments.name, assignmentsExport);
app.http(contract.getAssignment.name, assignmentsGet);
app.http(contract.revoke.name, assignmentsRevoke);
app.http(contract.resend.name, assignmentsResend);
app.http(contract.usage.name, usageGet);
