// The function app's user-assigned managed identity: the one principal every role assignment and
// every identity-based setting (AzureWebJobsStorage__clientId, AZURE_CLIENT_ID, Key Vault references,
// Application Insights ingestion) uses.

@description('Name of the user-assigned managed identity.')
param name string

@description('Azure region of the identity.')
param location string

@description('Tags applied to the identity.')
param tags resourceInput<'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30'>.tags

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

@description('Name of the identity.')
output name string = identity.name

@description('Resource ID of the identity.')
output resourceId string = identity.id

@description('Object (principal) ID of the identity: the principalId of every role assignment.')
output principalId string = identity.properties.principalId

@description('Client ID of the identity (AZURE_CLIENT_ID, AzureWebJobsStorage__clientId).')
output clientId string = identity.properties.clientId
