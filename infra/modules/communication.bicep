// Azure Communication Services for email: an Email Communication Service with an Azure-managed domain
// (<guid>.azurecomm.net, DoNotReply@ sender ready without DNS work), linked to a Communication Service
// whose access keys are disabled, so sending needs a Microsoft Entra token.

@description('Name of the Communication Service.')
param communicationServiceName string

@description('Name of the Email Communication Service.')
param emailServiceName string

@description('Where the email and communication data is stored at rest (a geography, e.g. United States, Europe).')
param dataLocation string

@description('Tags applied to every resource.')
param tags resourceInput<'Microsoft.Communication/communicationServices@2026-03-18'>.tags

@description('Name of the app identity; seeds the role assignment and role definition names.')
param identityName string

@description('Principal ID of the app identity, allowed to send email through the Communication Service.')
param identityPrincipalId string

// Sending email with a Microsoft Entra token is authorized on the Communication Service resource by
// Microsoft.Communication/CommunicationServices/Read and .../Write (the actions Microsoft documents for
// Entra-authenticated email). No data-plane built-in role covers them: Contributor on the resource would
// work but also lets the app delete the resource, change its linked domains and identities, list and
// regenerate the access keys it must not have, and so on. A custom role with only these actions,
// assignable only in this resource group and assigned only on this Communication Service, is the narrower choice.
@description('Actions of the custom email-sender role.')
var emailSenderActions = [
  'Microsoft.Communication/CommunicationServices/Read'
  'Microsoft.Communication/CommunicationServices/Write'
]

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: identityName
}

resource emailService 'Microsoft.Communication/emailServices@2026-03-18' = {
  name: emailServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
  }
}

resource managedDomain 'Microsoft.Communication/emailServices/domains@2026-03-18' = {
  parent: emailService
  name: 'AzureManagedDomain'
  location: 'global'
  tags: tags
  properties: {
    domainManagement: 'AzureManaged'
    userEngagementTracking: 'Disabled'
  }
}

resource communicationService 'Microsoft.Communication/communicationServices@2026-03-18' = {
  name: communicationServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
    linkedDomains: [
      managedDomain.id
    ]
    disableLocalAuth: true
  }
}

resource emailSenderRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(resourceGroup().id, communicationServiceName, 'email-sender')
  properties: {
    roleName: 'Communication Services Email Sender (${communicationServiceName})'
    description: 'Send email through the Communication Service ${communicationServiceName} with a Microsoft Entra token.'
    type: 'CustomRole'
    assignableScopes: [
      resourceGroup().id
    ]
    permissions: [
      {
        actions: emailSenderActions
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
  }
}

resource emailSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(communicationService.id, identity.id, emailSenderRole.id)
  scope: communicationService
  properties: {
    // A role definition's ID is subscription-level even when it is deployed from a resource group.
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', emailSenderRole.name)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

@description('Name of the Communication Service.')
output name string = communicationService.name

@description('Endpoint of the Communication Service (EMAIL_CONNECTION__endpoint).')
output endpoint string = 'https://${communicationService.properties.hostName}'

@description('Sender address on the Azure-managed domain (EMAIL_SENDER_ADDRESS).')
output senderAddress string = 'DoNotReply@${managedDomain.properties.mailFromSenderDomain}'
