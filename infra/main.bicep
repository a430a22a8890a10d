// partner-subscriptions on Azure, in the layout of the Azure Developer CLI templates: `azd up` creates
// the resource group and everything in it, then deploys the `api` service (azure.yaml) to the function
// app tagged azd-service-name: api. Every resource is declared in a local module under modules/ (the
// public Bicep registry is not used), with the Azure Verified Modules' secure defaults as the model.
// Every connection the app makes uses its user-assigned managed identity: no key, connection string
// with a key, or secret value appears in an app setting or an output.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; seeds the resource token and tags everything azd-env-name.')
param environmentName string

@minLength(1)
@description('Region of every regional resource; it must offer the Flex Consumption plan.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Name of the resource group; rg-<environmentName> when empty.')
param resourceGroupName string = ''

@minLength(1)
@description('Application (client) ID of the Microsoft Entra app registration: the API audience and the sign-in client.')
param authClientId string

@description('Accepted access-token audience; api://<authClientId> when empty.')
param authAudience string = ''

@description('Application (client) ID the admin console signs in with (an SPA redirect URI https://<host>/api/console/); authClientId when empty.')
param consoleClientId string = ''

@secure()
@minLength(1)
@description('Client secret of the sign-in app registration; stored in Key Vault as auth-client-secret.')
param authClientSecret string

@minLength(36)
@maxLength(36)
@description('Microsoft Entra tenant that runs the service (AUTH_HOME_TENANT_ID): operator roles count only in tokens from it. Defaults to the tenant of the deploying subscription.')
param authHomeTenantId string = tenant().tenantId

// The two app secrets azd generates once (64 letters and digits), keeps with the azd environment's
// config as secrets, and passes again on every later provision: no default here, so that a provision
// never mints a new one by itself. A new session secret ends every session; a new invitation secret breaks
// every outstanding invitation link. main.parameters.json maps them to SESSION_SECRET and
// INVITATION_SECRET, which, when set (e.g. in CI, or to restore the value from the vault), take precedence.
// (azd's $(secretOrRandomPassword ...) is not used: it generates 15 characters, fewer than the 32 the app
// requires, and fails unless the deploying user may read secrets in the vault.)
@secure()
@minLength(32)
@description('Secret (at least 32 characters) that seals the sign-in and session cookies; stored in Key Vault as session-secret.')
@metadata({
  azd: {
    type: 'generate'
    config: {
      length: 64
      noSpecial: true
    }
  }
})
param sessionSecret string

@secure()
@minLength(32)
@description('Secret (at least 32 characters) invitation links are derived from (HMAC); stored in Key Vault as invitation-secret. Keep it: changing it invalidates every outstanding invitation link.')
@metadata({
  azd: {
    type: 'generate'
    config: {
      length: 64
      noSpecial: true
    }
  }
})
param invitationSecret string

@description('Node.js version of the Functions runtime.')
@allowed([
  '22'
  '24'
])
param nodeVersion string = '22'

@minValue(40)
@maxValue(1000)
@description('Most instances the function app scales out to.')
param maximumInstanceCount int = 100

@allowed([
  512
  2048
  4096
])
@description('Memory of each function app instance, in MB.')
param instanceMemoryMB int = 2048

@description('Geography where Communication Services keeps email data at rest.')
param emailDataLocation string = 'United States'

@minValue(0)
@maxValue(3650)
@description('Days after its last assignment before an activated seat can go to someone else.')
param seatCooldownDays int = 90

@minValue(1)
@maxValue(365)
@description('Days an invitation stays valid.')
param invitationTtlDays int = 30

@minValue(1)
@maxValue(1440)
@description('Minutes after which a queued email is queued again by the timer.')
param emailStaleMinutes int = 10

@description('Resource-name prefixes (the azd templates\' abbreviations table).')
var abbrs = loadJsonContent('./abbreviations.json')

@description('Unique, stable suffix of every global resource name.')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))

@description('Tags of the resource group and every resource in it.')
var tags = {
  'azd-env-name': environmentName
}

@description('The azd service the function app hosts (azure.yaml).')
var apiServiceName = 'api'

@description('Name of the function app.')
var functionAppName = '${abbrs.webSitesFunctions}${apiServiceName}-${resourceToken}'

@description('Name of the user-assigned identity of the function app.')
var identityName = '${abbrs.managedIdentityUserAssignedIdentities}${apiServiceName}-${resourceToken}'

@description('Blob container of the Flex Consumption deployment package.')
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(resourceToken, 7)}'

@description('Accepted access-token audience.')
var effectiveAuthAudience = !empty(authAudience) ? authAudience : 'api://${authClientId}'

@description('Microsoft Entra sign-in endpoint of the current cloud (https://login.microsoftonline.com/ in public Azure).')
var loginEndpoint = environment().authentication.loginEndpoint

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  scope: rg
  params: {
    name: identityName
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  scope: rg
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
    identityName: identityName
    identityPrincipalId: identity.outputs.principalId
  }
}

module storage 'modules/storage.bicep' = {
  scope: rg
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    identityName: identityName
    identityPrincipalId: identity.outputs.principalId
  }
}

module cosmos 'modules/cosmos.bicep' = {
  scope: rg
  params: {
    name: '${abbrs.documentDBDatabaseAccounts}${resourceToken}'
    location: location
    tags: tags
    databaseName: 'partner-subscriptions'
    containerName: 'partners'
    identityName: identityName
    identityPrincipalId: identity.outputs.principalId
  }
}

module communication 'modules/communication.bicep' = {
  scope: rg
  params: {
    communicationServiceName: '${abbrs.communicationCommunicationServices}${resourceToken}'
    emailServiceName: '${abbrs.communicationEmailServices}${resourceToken}'
    dataLocation: emailDataLocation
    tags: tags
    identityName: identityName
    identityPrincipalId: identity.outputs.principalId
  }
}

module keyVault 'modules/key-vault.bicep' = {
  scope: rg
  params: {
    name: '${abbrs.keyVaultVaults}${resourceToken}'
    location: location
    tags: tags
    authClientSecret: authClientSecret
    sessionSecret: sessionSecret
    invitationSecret: invitationSecret
    identityName: identityName
    identityPrincipalId: identity.outputs.principalId
  }
}

module api 'modules/function-app.bicep' = {
  scope: rg
  params: {
    name: functionAppName
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    serviceName: apiServiceName
    nodeVersion: nodeVersion
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    identityId: identity.outputs.resourceId
    identityClientId: identity.outputs.clientId
    deploymentContainerName: storage.outputs.deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageQueueEndpoint: storage.outputs.queueEndpoint
    storageTableEndpoint: storage.outputs.tableEndpoint
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabaseName: cosmos.outputs.databaseName
    cosmosContainerName: cosmos.outputs.containerName
    emailEndpoint: communication.outputs.endpoint
    emailSenderAddress: communication.outputs.senderAddress
    // Multi-tenant Entra ID: tokens from any tenant's v2.0 issuer; the app fills in {tenantid}.
    authIssuer: '${loginEndpoint}{tenantid}/v2.0'
    authAudience: effectiveAuthAudience
    authHomeTenantId: authHomeTenantId
    authClientId: authClientId
    authAuthority: '${loginEndpoint}organizations'
    consoleClientId: !empty(consoleClientId) ? consoleClientId : authClientId
    authClientSecretUri: keyVault.outputs.authClientSecretUri
    sessionSecretUri: keyVault.outputs.sessionSecretUri
    invitationSecretUri: keyVault.outputs.invitationSecretUri
    seatCooldownDays: seatCooldownDays
    invitationTtlDays: invitationTtlDays
    emailStaleMinutes: emailStaleMinutes
  }
}

// Outputs azd stores in the environment (.azure/<env>/.env). None is a secret.
@description('Region of the deployment.')
output AZURE_LOCATION string = location

@description('Microsoft Entra tenant of the deployment.')
output AZURE_TENANT_ID string = tenant().tenantId

@description('Resource group that holds everything.')
output AZURE_RESOURCE_GROUP string = rg.name

@description('Name of the function app.')
output AZURE_FUNCTION_APP_NAME string = api.outputs.name

@description('Name of the function app (azd service api).')
output SERVICE_API_NAME string = api.outputs.name

@description('Base URL of the API.')
output API_BASE_URL string = 'https://${api.outputs.defaultHostName}'

@description('The admin console, served by the function app (its SPA redirect URI in the app registration).')
output CONSOLE_URL string = 'https://${api.outputs.defaultHostName}/api/console/'

// Not named AZURE_CLIENT_ID: azd loads its outputs into local environments, where that name would make
// DefaultAzureCredential try the app's managed identity on a developer's machine.
@description('Client ID of the app\'s user-assigned identity.')
output API_IDENTITY_CLIENT_ID string = identity.outputs.clientId

@description('Document endpoint of Cosmos DB.')
output COSMOS_ENDPOINT string = cosmos.outputs.endpoint

@description('Cosmos DB database.')
output COSMOS_DATABASE string = cosmos.outputs.databaseName

@description('Cosmos DB container.')
output COSMOS_CONTAINER string = cosmos.outputs.containerName

@description('Name of the storage account.')
output STORAGE_ACCOUNT_NAME string = storage.outputs.name

@description('Blob endpoint of the storage account.')
output STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint

@description('Queue endpoint of the storage account.')
output STORAGE_QUEUE_ENDPOINT string = storage.outputs.queueEndpoint

@description('Endpoint of the Communication Service.')
output EMAIL_ENDPOINT string = communication.outputs.endpoint

@description('Sender address of invitation emails.')
output EMAIL_SENDER_ADDRESS string = communication.outputs.senderAddress

@description('Name of the key vault (for example, to read back a secret azd generated).')
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name

@description('URI of the key vault.')
output AZURE_KEY_VAULT_ENDPOINT string = keyVault.outputs.uri

@description('Name of the Application Insights component.')
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
