// The storage account behind the Functions host (AzureWebJobsStorage), the app's queues, the bulk-upload
// blobs and the Flex Consumption deployment package. Secure defaults after the Azure Verified Module
// (avm/res/storage/storage-account): no shared keys (identity only), no public blob access, TLS 1.2,
// HTTPS only, OAuth by default in the portal, no cross-tenant replication. The app identity's data roles are
// assigned on each container and queue, not on the account; only the Functions host's table role and its
// container listing (see below) are account-wide.

@description('Name of the storage account (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region of the storage account.')
param location string

@description('Tags applied to the storage account.')
param tags resourceInput<'Microsoft.Storage/storageAccounts@2026-06-01'>.tags

@description('Blob container that holds the Flex Consumption deployment package.')
param deploymentContainerName string

@description('Name of the app identity; seeds the role assignment names.')
param identityName string

@description('Principal ID of the app identity, granted data access to each container and queue, and to tables.')
param identityPrincipalId string

@description('Blob containers the app uses.')
var appContainerNames = [
  'bulk-uploads'
]

// The Functions host keeps its state in AzureWebJobsStorage blobs: locks (the primary-host and singleton
// leases, timer schedule status) in azure-webjobs-hosts, and the function and host keys in
// azure-webjobs-secrets (blob is the default key store). The host creates them on first start when they
// are missing; declaring them here lets each get a role assignment of its own instead of one on the account.
@description('Blob containers of the Functions host (AzureWebJobsStorage).')
var hostContainerNames = [
  'azure-webjobs-hosts'
  'azure-webjobs-secrets'
]

@description('Queues the app uses, with the poison queues the Functions host moves failed messages to.')
var queueNames = [
  'email-dispatch'
  'email-dispatch-poison'
  'bulk-assignments'
  'bulk-assignments-poison'
]

@description('Built-in roles the app identity gets on this account\'s containers, queues and tables (role definition GUIDs).')
var roles = {
  // Storage Blob Data Owner: what Microsoft documents for the Functions host's own blobs (AzureWebJobsStorage
  // coordination and key store), given on the host's two containers only.
  blobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  // Storage Blob Data Contributor: read, write and delete blobs and create the container; enough for the
  // app's bulk uploads and for Flex Consumption writing and reading the deployment package.
  blobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  // Storage Queue Data Contributor: the queue triggers read, update and delete messages and move poison
  // messages, the app enqueues work, and both create their queue if it is missing. It contains the
  // Message Processor (8a0f0c08-91a1-4084-bc3d-661d67233fed) and Message Sender
  // (c6a89b2d-59bc-44d0-9896-0f6e12d7b80a) permissions, and only it of the three may create a queue, so
  // those narrower roles are not used.
  queueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  // Storage Table Data Contributor: the Functions host writes its diagnostic events to Table storage
  // through AzureWebJobsStorage (event AZFD0003 when it cannot).
  tableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
}

// The Functions host checks that it can reach AzureWebJobsStorage by listing the account's blob containers
// (List Containers, an account-level operation, every 30 seconds: WebJobsStorageHealthCheck); a role on
// each container cannot authorize it. This custom role carries only the one action List Containers needs:
// it shows container names and properties, never a blob.
@description('Actions of the custom container-lister role.')
var containerListerActions = [
  'Microsoft.Storage/storageAccounts/blobServices/containers/read'
]

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: identityName
}

resource storage 'Microsoft.Storage/storageAccounts@2026-06-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    dnsEndpointType: 'Standard'
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
    encryption: {
      keySource: 'Microsoft.Storage'
      requireInfrastructureEncryption: false
      services: {
        blob: {
          enabled: true
        }
        file: {
          enabled: true
        }
        queue: {
          enabled: true
          keyType: 'Account'
        }
        table: {
          enabled: true
          keyType: 'Account'
        }
      }
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2026-06-01' = {
  parent: storage
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2026-06-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource appContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2026-06-01' = [
  for containerName in appContainerNames: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

resource hostContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2026-06-01' = [
  for containerName in hostContainerNames: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2026-06-01' = {
  parent: storage
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2026-06-01' = [
  for queueName in queueNames: {
    parent: queueService
    name: queueName
  }
]

// Every data role is assigned on the one container or queue it is for, not on the account.
resource deploymentContainerRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(deploymentContainer.id, identity.id, roles.blobDataContributor)
  scope: deploymentContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.blobDataContributor)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource appContainerRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (containerName, i) in appContainerNames: {
    name: guid(appContainers[i].id, identity.id, roles.blobDataContributor)
    scope: appContainers[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.blobDataContributor)
      principalId: identityPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource hostContainerRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (containerName, i) in hostContainerNames: {
    name: guid(hostContainers[i].id, identity.id, roles.blobDataOwner)
    scope: hostContainers[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.blobDataOwner)
      principalId: identityPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource queueRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (queueName, i) in queueNames: {
    name: guid(queues[i].id, identity.id, roles.queueDataContributor)
    scope: queues[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.queueDataContributor)
      principalId: identityPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

// The two assignments on the account, both for the Functions host and neither reaching the app's data:
// - Table Data Contributor: the host names its diagnostic-events table by month
//   (AzureFunctionsDiagnosticEvents<yyyyMM>), creates each new one, lists the tables and deletes outdated
//   ones, so no table can be declared in advance; the app itself uses no table.
// - the container lister below: List Containers is an account-level operation.
resource hostTableRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, roles.tableDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.tableDataContributor)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource containerListerRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(resourceGroup().id, name, 'blob-container-lister')
  properties: {
    roleName: 'Storage Blob Container Lister (${name})'
    description: 'List the blob containers of the storage account ${name}; no access to any blob.'
    type: 'CustomRole'
    assignableScopes: [
      resourceGroup().id
    ]
    permissions: [
      {
        actions: containerListerActions
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
  }
}

resource hostContainerListerRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, containerListerRole.id)
  scope: storage
  properties: {
    // A role definition's ID is subscription-level even when it is deployed from a resource group.
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', containerListerRole.name)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

@description('Name of the storage account.')
output name string = storage.name

@description('Blob endpoint (AzureWebJobsStorage__blobServiceUri).')
output blobEndpoint string = storage.properties.primaryEndpoints.blob

@description('Queue endpoint (AzureWebJobsStorage__queueServiceUri).')
output queueEndpoint string = storage.properties.primaryEndpoints.queue

@description('Table endpoint (AzureWebJobsStorage__tableServiceUri).')
output tableEndpoint string = storage.properties.primaryEndpoints.table

@description('Name of the Flex Consumption deployment container.')
output deploymentContainerName string = deploymentContainer.name

@description('Names of the app queues, in declaration order.')
output queueNames string[] = [for (queueName, i) in queueNames: queues[i].name]

@description('Names of the app blob containers, in declaration order.')
output containerNames string[] = [for (containerName, i) in appContainerNames: appContainers[i].name]

@description('Names of the Functions host\'s blob containers, in declaration order.')
output hostContainerNames string[] = [for (containerName, i) in hostContainerNames: hostContainers[i].name]
