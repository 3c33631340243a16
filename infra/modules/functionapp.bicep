// Flex Consumption (FC1) plan and the function app, running as the user-assigned identity.
//
// Identity-based connections only: AzureWebJobsStorage is given as __accountName/__credential/__clientId, which the
// Functions host, the queue and timer triggers, the Durable Functions Azure Storage provider (host.json
// connectionName "AzureWebJobsStorage") and the App's own Table/Queue clients all read. There is deliberately no
// plain `AzureWebJobsStorage` value: a connection string there would win over the identity settings.
//
// Not set on purpose, because Flex Consumption rejects or ignores them: FUNCTIONS_WORKER_RUNTIME and
// FUNCTIONS_EXTENSION_VERSION (functionAppConfig.runtime replaces them), WEBSITE_RUN_FROM_PACKAGE and
// WEBSITE_CONTENT* (functionAppConfig.deployment replaces them), WEBSITE_TIME_ZONE and TZ (not supported: timer
// schedules are UTC, see ../app-settings.json).

param planName string
param appName string
param location string
param tags object = {}

@description('azd finds the app to deploy to by this tag; it must equal the service name in azure.yaml.')
param serviceName string

param identityId string
param identityClientId string

param storageAccountName string
param deploymentContainerUrl string

param applicationInsightsConnectionString string
param eventGridEndpoint string
param eventGridSource string
param durableTaskHubName string
param contactEncryptionKeySecretUri string
param contactLookupKeySecretUri string

@description('App settings that name no resource, key or secret (infra/app-settings.json).')
param plainAppSettings object

@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Always-ready instances for the Durable Functions group (orchestrators, activities): 1 avoids cold starts on orchestration work at the cost of one instance billed around the clock; 0 scales to zero.')
@minValue(0)
param durableAlwaysReadyInstances int = 0

var identitySettings = {
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  // DefaultAzureCredential (Event Grid publisher, App-owned storage clients) picks the user-assigned identity by this.
  AZURE_CLIENT_ID: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
}

var appOwnSettings = {
  DurableTaskHubName: durableTaskHubName
  EventGrid__Endpoint: eventGridEndpoint
  EventGrid__Source: eventGridSource
  // The development principal header is a local convenience; in Azure operators sign in with Entra ID.
  Auth__AllowDevelopmentPrincipal: 'false'
  Members__ContactEncryptionKey: '@Microsoft.KeyVault(SecretUri=${contactEncryptionKeySecretUri})'
  Members__ContactLookupKey: '@Microsoft.KeyVault(SecretUri=${contactLookupKeySecretUri})'
}

// Computed settings win over the plain file, so the file cannot override an identity or Key Vault setting.
var appSettings = union(plainAppSettings, appOwnSettings, identitySettings)

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2025-03-01' = {
  name: appName
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
    // Without this, Key Vault references would look for a system-assigned identity the app does not have.
    keyVaultReferenceIdentity: identityId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
        alwaysReady: durableAlwaysReadyInstances > 0
          ? [
              {
                name: 'durable'
                instanceCount: durableAlwaysReadyInstances
              }
            ]
          : []
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      http20Enabled: true
      appSettings: [for setting in items(appSettings): { name: setting.key, value: setting.value }]
    }
  }
}

// Basic (user/password) publishing credentials off: azd deploys with the operator's Entra token. (Flex Consumption has
// no FTP endpoint, so siteConfig.ftpsState is not set; the ftp policy is still switched off for policy scanners.)
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: app
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: app
  name: 'scm'
  properties: {
    allow: false
  }
}

output name string = app.name
output id string = app.id
output defaultHostName string = app.properties.defaultHostName
output uri string = 'https://${app.properties.defaultHostName}'
