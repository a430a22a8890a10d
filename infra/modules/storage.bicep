// The storage account behind the Functions host (AzureWebJobsStorage), the app's queues, the bulk-upload
// blobs and the Flex Consumption deployment package. Secure defaults after the Azure Verified Module
// (avm/res/storage/storage-account): no shared keys (identity only), no public blob access, TLS 1.2,
// HTTPS only, OAuth by default in the portal, no cross-tenant replication.

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

@description('Principal ID of the app identity, granted data access to blobs, queues and tables.')
param identityPrincipalId string

@description('Blob containers the app uses.')
var appContainerNames = [
  'bulk-uploads'
]

@description('Queues the app uses, with the poison queues the Functions host moves failed messages to.')
var queueNames = [
  'email-dispatch'
  'email-dispatch-poison'
  'bulk-assignments'
  'bulk-assignments-poison'
]

@description('Built-in roles the app identity gets on this account (role definition GUIDs).')
var roles = {
  // Storage Blob Data Owner: the Functions host keeps its locks and keys in blobs (AzureWebJobsStorage),
  // Flex Consumption reads the deployment package, and the app writes and reads bulk uploads.
  blobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  // Storage Queue Data Contributor: the queue triggers read, update and delete messages and move poison
  // messages, and the app enqueues work. It contains the Message Processor
  // (8a0f0c08-91a1-4084-bc3d-661d67233fed) and Message Sender (c6a89b2d-59bc-44d0-9896-0f6e12d7b80a)
  // permissions, so those narrower roles are not assigned separately.
  queueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  // Storage Table Data Contributor: the Functions host writes its diagnostic events to Table storage
  // through AzureWebJobsStorage (event AZFD0003 when it cannot).
  tableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
}

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

resource roleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in items(roles): {
    name: guid(storage.id, identity.id, roleId.value)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId.value)
      principalId: identityPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

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
