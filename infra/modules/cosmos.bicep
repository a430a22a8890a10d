// Cosmos DB for NoSQL, serverless, reachable with Microsoft Entra ID only. Secure defaults after the
// Azure Verified Module (avm/res/document-db/database-account): local (key) auth off, key-based metadata
// writes off (the database and container are created here, never by the app), TLS 1.2.

@description('Name of the Cosmos DB account.')
@minLength(3)
@maxLength(44)
param name string

@description('Azure region of the account.')
param location string

@description('Tags applied to the account.')
param tags resourceInput<'Microsoft.DocumentDB/databaseAccounts@2026-03-15'>.tags

@description('Name of the SQL database (COSMOS_DATABASE).')
param databaseName string

@description('Name of the container (COSMOS_CONTAINER).')
param containerName string

@description('Name of the app identity; seeds the role assignment name.')
param identityName string

@description('Principal ID of the app identity, granted the Cosmos DB Built-in Data Contributor role.')
param identityPrincipalId string

// Cosmos DB Built-in Data Contributor: a data-plane role of the account itself (not an Azure RBAC role),
// with read, write and query on every container.
@description('Role definition GUID of the Cosmos DB Built-in Data Contributor data-plane role.')
var dataContributorRoleId = '00000000-0000-0000-0000-000000000002'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: identityName
}

resource account 'Microsoft.DocumentDB/databaseAccounts@2026-03-15' = {
  name: name
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    capabilities: [
      {
        name: 'EnableServerless'
      }
    ]
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
    enableAutomaticFailover: false
    enableMultipleWriteLocations: false
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2026-03-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
  }
}

resource container 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2026-03-15' = {
  parent: database
  name: containerName
  properties: {
    resource: {
      id: containerName
      partitionKey: {
        paths: [
          '/partnerId'
        ]
        kind: 'Hash'
        version: 2
      }
      // TTL on with no default: documents live forever unless they set their own `ttl` (idempotency records do).
      defaultTtl: -1
      // Every path is indexed except the large ones no query reads: the partner aggregate's seat ledger
      // (replaced on every grant), bulk chunks' rows and decisions, idempotency responses, audit details.
      // Indexing them would multiply the request units of each write for nothing.
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: [
          {
            path: '/*'
          }
        ]
        excludedPaths: [
          {
            path: '/seatLedger/*'
          }
          {
            path: '/rows/*'
          }
          {
            path: '/plan/*'
          }
          {
            path: '/response/*'
          }
          {
            path: '/details/*'
          }
          {
            path: '/"_etag"/?'
          }
        ]
      }
    }
  }
}

resource dataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions@2026-03-15' existing = {
  parent: account
  name: dataContributorRoleId
}

resource dataContributorAssignment 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2026-03-15' = {
  parent: account
  name: guid(account.id, identity.id, dataContributor.id)
  properties: {
    roleDefinitionId: dataContributor.id
    principalId: identityPrincipalId
    scope: account.id
  }
}

@description('Name of the Cosmos DB account.')
output name string = account.name

@description('Document endpoint of the account (COSMOS_CONNECTION__accountEndpoint).')
output endpoint string = account.properties.documentEndpoint

@description('Name of the database.')
output databaseName string = database.name

@description('Name of the container.')
output containerName string = container.name
