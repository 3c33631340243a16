// The one identity the function app runs as. User-assigned (not system-assigned) so that its principal exists
// before the app does: role assignments, Key Vault access and the deployment-storage binding can all be in place
// when the app first starts.

@description('Name of the user-assigned managed identity.')
param name string

param location string
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
