// Key Vault for the app's three secrets. Secure defaults after the Azure Verified Module
// (avm/res/key-vault/vault): Azure RBAC instead of access policies, soft delete and purge protection on.
// The app settings hold Key Vault references (their URIs), never the values; the app identity reads
// them with Key Vault Secrets User.

@description('Name of the key vault (3-24 characters).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region of the vault.')
param location string

@description('Tags applied to the vault.')
param tags resourceInput<'Microsoft.KeyVault/vaults@2026-05-15'>.tags

@description('Client secret of the sign-in app registration (stored as auth-client-secret).')
@secure()
param authClientSecret string

@description('Secret that seals the sign-in and session cookies (stored as session-secret).')
@secure()
@minLength(32)
param sessionSecret string

@description('Secret invitation links are derived from with HMAC (stored as invitation-secret).')
@secure()
@minLength(32)
param invitationSecret string

@description('Name of the app identity; seeds the role assignment name.')
param identityName string

@description('Principal ID of the app identity, granted Key Vault Secrets User on the vault.')
param identityPrincipalId string

// Key Vault Secrets User: read secret contents (what resolving a Key Vault reference needs), nothing else.
@description('Role definition GUID of Key Vault Secrets User.')
var keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: identityName
}

resource vault 'Microsoft.KeyVault/vaults@2026-05-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource authClientSecretEntry 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = {
  parent: vault
  name: 'auth-client-secret'
  properties: {
    value: authClientSecret
    contentType: 'text/plain'
  }
}

resource sessionSecretEntry 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = {
  parent: vault
  name: 'session-secret'
  properties: {
    value: sessionSecret
    contentType: 'text/plain'
  }
}

resource invitationSecretEntry 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = {
  parent: vault
  name: 'invitation-secret'
  properties: {
    value: invitationSecret
    contentType: 'text/plain'
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, keyVaultSecretsUserRoleId)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRoleId)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

@description('Name of the key vault.')
output name string = vault.name

@description('URI of the vault.')
output uri string = vault.properties.vaultUri

// URIs without a version, so a Key Vault reference follows rotation. A URI is not a secret.
@description('Versionless URI of auth-client-secret, for a Key Vault reference.')
output authClientSecretUri string = authClientSecretEntry.properties.secretUri

@description('Versionless URI of session-secret, for a Key Vault reference.')
output sessionSecretUri string = sessionSecretEntry.properties.secretUri

@description('Versionless URI of invitation-secret, for a Key Vault reference.')
output invitationSecretUri string = invitationSecretEntry.properties.secretUri
