// Key Vault for the personal-data keys (member contact details are encrypted at rest with AES-GCM and looked up by
// a keyed hash). RBAC mode, no access policies: the app's identity reads secrets as Key Vault Secrets User and the
// app settings reference them (@Microsoft.KeyVault(...)), so no key ever sits in an app setting.

param name string
param location string
param tags object = {}

@description('Purge protection blocks purging a deleted vault for the retention period. It cannot be turned off once on, and `azd down --purge` cannot purge such a vault: enable it for production data.')
param enablePurgeProtection bool = false

@description('Days a deleted vault or secret can be recovered.')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int = 90

@secure()
@description('AES-256 key for member contact details: base64 of 32 random bytes.')
param contactEncryptionKey string

@secure()
@description('HMAC key for looking members up by contact details without decrypting: base64 of 32 random bytes.')
param contactLookupKey string

var contactEncryptionKeySecretName = 'members-contact-encryption-key'
var contactLookupKeySecretName = 'members-contact-lookup-key'

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
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
    softDeleteRetentionInDays: softDeleteRetentionInDays
    // The API rejects an explicit false; leaving it out is how "off" is expressed.
    enablePurgeProtection: enablePurgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource contactEncryptionKeySecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: vault
  name: contactEncryptionKeySecretName
  properties: {
    value: contactEncryptionKey
    contentType: 'base64 AES-256 key'
  }
}

resource contactLookupKeySecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: vault
  name: contactLookupKeySecretName
  properties: {
    value: contactLookupKey
    contentType: 'base64 HMAC-SHA256 key'
  }
}

output name string = vault.name
output id string = vault.id
output uri string = vault.properties.vaultUri
// Versionless secret URIs: the app picks up a new secret version on its next restart (or within 24 h).
output contactEncryptionKeySecretUri string = contactEncryptionKeySecret.properties.secretUri
output contactLookupKeySecretUri string = contactLookupKeySecret.properties.secretUri
