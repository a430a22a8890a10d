import type { ArmTemplate, Located } from './arm-model.js';
import { isObject, isDeterministicGuidName, entries, ofType, appIdentity } from './arm-model.js';
import {
  splitArguments,
  expandVariables,
  variableValue,
  scopeType,
  customRoleOf,
  find,
  storageResources,
} from './arm-queries.js';
import {
  REQUIRED_ROLES,
  CONTRIBUTOR,
  COSMOS_DATA_CONTRIBUTOR,
  ROLE_ASSIGNMENTS,
  STORAGE_ACCOUNT,
  CONTAINER,
  QUEUE,
  BLOB_DATA_OWNER,
  BLOB_DATA_CONTRIBUTOR,
  QUEUE_DATA_CONTRIBUTOR,
  TABLE_DATA_CONTRIBUTOR,
  STORAGE_ROLES,
  LIST_CONTAINERS_ACTION,
  HOST_CONTAINERS,
  appStorageNames,
} from './arm-expectations.js';
import { checkSuite, type Check } from './arm-suite.js';

/** Role assignments: to the app's identity only, storage data roles on each container and queue, not on the account. */

const checks = {
  roleAssignmentsTargetIdentity: (model) => {
    const identity = appIdentity(model);
    if (typeof identity === 'string') return [identity];
    const assignments = ofType(model, 'Microsoft.Authorization/roleAssignments');
    if (assignments.length === 0) return ['no role assignments'];
    const problems = assignments.flatMap(({ resource, resolve }) => {
      const p = resource.properties ?? {};
      const principal = resolve(p.principalId);
      return [
        ...(principal === identity.principalId
          ? []
          : [`${resource.name}: principalId ${String(principal)} is not ${identity.principalId}`]),
        ...(p.principalType === 'ServicePrincipal'
          ? []
          : [`${resource.name}: principalType is not ServicePrincipal`]),
        ...(isDeterministicGuidName(resource.name)
          ? []
          : [`${resource.name}: the name is not a deterministic guid(...)`]),
      ];
    });
    // Role definition IDs may come from a variable or a loop: look for each role's GUID in the
    // templates that assign roles.
    const assigningTemplates = [
      ...new Set(
        assignments.map((a) => JSON.stringify(a.template.variables ?? {}) + JSON.stringify(a.resource)),
      ),
    ].join('\n');
    for (const [guid, role] of Object.entries(REQUIRED_ROLES)) {
      if (!assigningTemplates.includes(guid)) problems.push(`no ${role} (${guid}) assignment`);
    }
    // Email: Contributor on the Communication Service, or a custom role with its Read and Write actions.
    const emailRoles = ofType(model, 'Microsoft.Authorization/roleDefinitions').filter((r) => {
      const text = JSON.stringify(r.resource.properties ?? {}) + JSON.stringify(r.template.variables ?? {});
      return /CommunicationServices\/Read/i.test(text) && /CommunicationServices\/Write/i.test(text);
    });
    if (!assigningTemplates.includes(CONTRIBUTOR) && emailRoles.length === 0) {
      problems.push('no role that lets the identity send email through Communication Services');
    }
    return problems;
  },

  cosmosRoleAssignmentsTargetIdentity: (model) => {
    const identity = appIdentity(model);
    if (typeof identity === 'string') return [identity];
    const assignments = ofType(model, 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments');
    if (assignments.length === 0) return ['no Cosmos DB data-plane role assignment'];
    return assignments.flatMap(({ resource, resolve }) => {
      const principal = resolve(resource.properties?.principalId);
      const role = String(resolve(resource.properties?.roleDefinitionId));
      return [
        ...(principal === identity.principalId
          ? []
          : [`${resource.name}: principalId ${String(principal)} is not ${identity.principalId}`]),
        ...(role.includes(COSMOS_DATA_CONTRIBUTOR)
          ? []
          : [`${resource.name}: not Cosmos DB Built-in Data Contributor`]),
        ...(isDeterministicGuidName(resource.name)
          ? []
          : [`${resource.name}: the name is not a deterministic guid(...)`]),
      ];
    });
  },

  storageDataRolesOffTheAccount: (model) => {
    // Every role assignment of the storage module, and every storage data role anywhere, is scoped to a
    // container or a queue. On the account itself only the Functions host's two needs are allowed, each
    // with its one role: the monthly diagnostic-events tables, and List Containers (its health check).
    const allowedOnAccount: Record<string, (assignment: Located) => boolean> = {
      hostTableRole: (a) =>
        expandVariables(a.template, a.resource.properties?.roleDefinitionId).includes(TABLE_DATA_CONTRIBUTOR),
      hostContainerListerRole: (a) => {
        const permissions = customRoleOf(a, model)?.properties?.permissions;
        const only = Array.isArray(permissions) && permissions.length === 1 ? permissions[0] : undefined;
        return (
          isObject(only) &&
          JSON.stringify(variableValue(a.template, only.actions)) ===
            JSON.stringify([LIST_CONTAINERS_ACTION]) &&
          JSON.stringify(only.dataActions ?? []) === '[]'
        );
      },
    };
    const problems: string[] = [];
    for (const assignment of ofType(model, ROLE_ASSIGNMENTS)) {
      const role = expandVariables(assignment.template, assignment.resource.properties?.roleDefinitionId);
      const storageRole = Object.entries(STORAGE_ROLES).find(([guid]) => role.includes(guid))?.[1];
      const inStorageModule = entries(assignment.template.resources).some(
        ([, r]) => r.type === STORAGE_ACCOUNT,
      );
      if (!storageRole && !inStorageModule) continue;
      const scope = scopeType(assignment.resource);
      if (scope === CONTAINER || scope === QUEUE) continue;
      if (scope === STORAGE_ACCOUNT && allowedOnAccount[assignment.symbol]?.(assignment)) continue;
      problems.push(
        `${assignment.symbol}: ${storageRole ?? 'a role'} is assigned on ${scope ?? 'the whole resource group'}, not on a container or queue`,
      );
    }
    return problems;
  },

  everyQueueAndContainerHasItsRole: (model) => {
    // Each container and queue (each one of a loop) has a role assignment scoped to exactly it, with the
    // role it needs; and the ones the app, the Functions host and Flex Consumption use are all declared.
    const problems: string[] = [];
    const declared: Record<string, string[]> = { [CONTAINER]: [], [QUEUE]: [] };
    const expectedRoles: Record<string, string[]> = {
      [CONTAINER]: [BLOB_DATA_OWNER, BLOB_DATA_CONTRIBUTOR],
      [QUEUE]: [QUEUE_DATA_CONTRIBUTOR],
    };
    const assignments = ofType(model, ROLE_ASSIGNMENTS);
    for (const target of [...ofType(model, CONTAINER), ...ofType(model, QUEUE)]) {
      const { resource, template } = target;
      const call = /^\[format\('[^']*', (.*)\)\]$/.exec(resource.name);
      const nameParts = call ? splitArguments(call[1]!) : [];
      const count = isObject(resource.copy) ? resource.copy.count : undefined;
      const scope = `[resourceId('${resource.type}', ${nameParts.join(', ')})]`;
      const assigned = assignments.some(
        (a) =>
          a.template === template &&
          a.resource.scope === scope &&
          (isObject(a.resource.copy) ? a.resource.copy.count : undefined) === count &&
          expectedRoles[resource.type]!.some((guid) =>
            expandVariables(template, a.resource.properties?.roleDefinitionId).includes(guid),
          ),
      );
      if (!call || !assigned)
        problems.push(`${target.symbol}: no role assignment scoped to it with its role`);
      // The names it declares: a loop over a literal array variable, or one name (a literal or a parameter).
      const looped = /^\[length\(variables\('([^']+)'\)\)\]$/.exec(String(count ?? ''))?.[1];
      const list = looped === undefined ? undefined : template.variables?.[looped];
      const last = nameParts.at(-1) ?? '';
      declared[resource.type]!.push(
        ...(Array.isArray(list) ? list.map(String) : [/^'([^']*)'$/.exec(last)?.[1] ?? `[${last}]`]),
      );
    }
    const app = appStorageNames();
    if (app.queues.length === 0 || app.containers.length === 0)
      problems.push('found no queue in shared/app/queues or no container in shared/adapters/storage');
    const expected: [string, string][] = [
      ...app.queues.flatMap((queue): [string, string][] => [
        [QUEUE, queue],
        [QUEUE, `${queue}-poison`],
      ]),
      ...[...app.containers, ...HOST_CONTAINERS].map((name): [string, string] => [CONTAINER, name]),
      // The Flex Consumption deployment container, named by the module's parameter.
      [CONTAINER, "[parameters('deploymentContainerName')]"],
    ];
    for (const [type, name] of expected) {
      if (!declared[type]!.includes(name)) problems.push(`${type} ${name} is not declared`);
    }
    return problems;
  },
} satisfies Record<string, Check>;

const breakages: Record<keyof typeof checks, (template: ArmTemplate) => void> = {
  roleAssignmentsTargetIdentity: (t) => {
    const assignment = find(t, 'Microsoft.Authorization/roleAssignments').at(-1)!;
    assignment.resource.properties!.principalId = '[deployer().objectId]';
  },
  cosmosRoleAssignmentsTargetIdentity: (t) => {
    const assignment = find(t, 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments')[0]!;
    assignment.resource.properties!.principalId = "[parameters('someoneElse')]";
  },
  storageDataRolesOffTheAccount: (t) => {
    // Give the bulk-uploads container's role to the whole account instead.
    storageResources(t).appContainerRoles!.scope = `[resourceId('${STORAGE_ACCOUNT}', parameters('name'))]`;
  },
  everyQueueAndContainerHasItsRole: (t) => {
    delete storageResources(t).hostContainerRoles;
  },
};

checkSuite(checks, breakages);
