// The API: a Linux function app on the Flex Consumption plan (FC1), running as the user-assigned
// identity. Every connection is identity-based: the deployment package, AzureWebJobsStorage, Cosmos DB,
// Communication Services email, Application Insights ingestion and the Key Vault references. Secure
// defaults after the Azure Verified Module (avm/res/web/site): HTTPS only, TLS 1.2, FTP off, basic
// (publishing-profile) credentials off.

@description('Name of the function app.')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Azure region of the plan and the app.')
param location string

@description('Tags applied to the plan.')
param tags resourceInput<'Microsoft.Web/serverfarms@2025-03-01'>.tags

@description('Name of the azd service this app hosts (tag azd-service-name).')
param serviceName string

@description('Node.js version of the Functions runtime.')
@allowed([
  '22'
  '24'
])
param nodeVersion string

@description('Most instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

@description('Memory of each instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

@description('Resource ID of the user-assigned identity the app runs as.')
param identityId string

@description('Client ID of that identity.')
param identityClientId string

@description('Name of the blob container that holds the deployment package.')
param deploymentContainerName string

@description('Connection string of Application Insights (no key: local auth is off).')
param applicationInsightsConnectionString string

@description('Blob endpoint of the host storage account.')
param storageBlobEndpoint string

@description('Queue endpoint of the host storage account.')
param storageQueueEndpoint string

@description('Table endpoint of the host storage account.')
param storageTableEndpoint string

@description('Document endpoint of the Cosmos DB account.')
param cosmosEndpoint string

@description('Cosmos DB database name.')
param cosmosDatabaseName string

@description('Cosmos DB container name.')
param cosmosContainerName string

@description('Endpoint of the Communication Service.')
param emailEndpoint string

@description('Sender address of invitation emails.')
param emailSenderAddress string

@description('Accepted token issuer (may hold {tenantid}).')
param authIssuer string

@description('Accepted token audience.')
param authAudience string

@description('Microsoft Entra tenant that runs the service: operator roles count only in its tokens.')
param authHomeTenantId string

@description('Client ID of the sign-in app registration.')
param authClientId string

@description('MSAL authority of the sign-in flow.')
param authAuthority string

@description('Client ID the admin console (a single-page app, no secret) signs in with.')
param consoleClientId string

@description('Versionless Key Vault URI of the sign-in client secret.')
param authClientSecretUri string

@description('Versionless Key Vault URI of the cookie-sealing secret.')
param sessionSecretUri string

@description('Versionless Key Vault URI of the secret invitation links are derived from.')
param invitationSecretUri string

@description('Days before an activated seat can go to someone else.')
param seatCooldownDays int

@description('Days an invitation stays valid.')
param invitationTtlDays int

@description('Minutes after which a queued email is queued again.')
param emailStaleMinutes int

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    publicNetworkAccess: 'Enabled'
    clientAffinityEnabled: false
    // Key Vault references are resolved with the user-assigned identity (there is no system-assigned one).
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'node'
        version: nodeVersion
      }
    }
  }
}

resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

// The settings the app's configuration (shared/config.ts) reads, named as in local.settings.sample.json,
// in their identity-based form: no account key, access key, connection string with a key, or secret value.
// Not set on purpose: FUNCTIONS_WORKER_RUNTIME and FUNCTIONS_EXTENSION_VERSION (Flex Consumption takes
// them from functionAppConfig and rejects them as settings), COSMOS_KEY and EMAIL_ACCESS_KEY (local only),
// AUTH_SCOPE and AUTH_JWKS_URI (the app's defaults apply: access_as_user, and the keys named by the
// issuer's discovery document).
resource settings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: site
  name: 'appsettings'
  properties: {
    // The Functions host's storage and the app's queue and blob clients, with the managed identity.
    AzureWebJobsStorage__blobServiceUri: storageBlobEndpoint
    AzureWebJobsStorage__queueServiceUri: storageQueueEndpoint
    AzureWebJobsStorage__tableServiceUri: storageTableEndpoint
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    // DefaultAzureCredential (Cosmos DB, queues, blobs, email) picks the user-assigned identity.
    AZURE_CLIENT_ID: identityClientId
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD;ClientId=${identityClientId}'
    COSMOS_CONNECTION__accountEndpoint: cosmosEndpoint
    COSMOS_CONNECTION__credential: 'managedidentity'
    COSMOS_CONNECTION__clientId: identityClientId
    COSMOS_DATABASE: cosmosDatabaseName
    COSMOS_CONTAINER: cosmosContainerName
    // The database and container are created by this template; the app never creates them.
    COSMOS_CREATE_IF_MISSING: 'false'
    EMAIL_CONNECTION__endpoint: emailEndpoint
    EMAIL_SENDER_ADDRESS: emailSenderAddress
    AUTH_ISSUER: authIssuer
    AUTH_AUDIENCE: authAudience
    AUTH_HOME_TENANT_ID: authHomeTenantId
    AUTH_CLIENT_ID: authClientId
    AUTH_AUTHORITY: authAuthority
    AUTH_PROTOCOL_MODE: 'AAD'
    CONSOLE_CLIENT_ID: consoleClientId
    // Key Vault references: the host resolves them with keyVaultReferenceIdentity; the values stay in the vault.
    AUTH_CLIENT_SECRET: '@Microsoft.KeyVault(SecretUri=${authClientSecretUri})'
    SESSION_SECRET: '@Microsoft.KeyVault(SecretUri=${sessionSecretUri})'
    INVITATION_SECRET: '@Microsoft.KeyVault(SecretUri=${invitationSecretUri})'
    PUBLIC_BASE_URL: 'https://${site.properties.defaultHostName}'
    SEAT_COOLDOWN_DAYS: string(seatCooldownDays)
    INVITATION_TTL_DAYS: string(invitationTtlDays)
    EMAIL_STALE_MINUTES: string(emailStaleMinutes)
  }
}

@description('Name of the function app.')
output name string = site.name

@description('Default host name of the function app.')
output defaultHostName string = site.properties.defaultHostName
