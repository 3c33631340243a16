// EcomFunctions on Azure: `azd up` entry point.
//
// Subscription scope so that `azd up` from a clean clone creates its own resource group (rg-<env>) and
// `azd down --purge` removes everything by deleting it; nothing needs to exist beforehand.
// One module per resource family (modules/*.bicep); role assignments live in modules/rbac.bicep.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; names the resource group and seeds the unique suffix of every resource name.')
param environmentName string

@minLength(1)
@description('Region for every resource. It must offer the Flex Consumption plan (az functionapp list-flexconsumption-locations).')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the deploying user (azd sets AZURE_PRINCIPAL_ID); gets the data-plane roles for local debugging against the cloud resources. Empty grants nothing.')
param principalId string = ''

@description('Kind of principal principalId is (azd sets AZURE_PRINCIPAL_TYPE: User, or ServicePrincipal when logged in as one).')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param principalType string = 'User'

@description('Memory per function app instance, in MB (Flex Consumption sizes).')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Upper bound on function app instances: a cost ceiling and a cap on load against storage.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Always-ready instances for the Durable Functions group. 0 scales to zero; 1 is the recommendation for Durable Functions on Flex Consumption, billed around the clock.')
@minValue(0)
param durableAlwaysReadyInstances int = 0

@description('Durable Functions task hub name (3-45 letters and digits, starting with a letter).')
@minLength(3)
@maxLength(45)
param durableTaskHubName string = 'ecomhub'

@description('Storage redundancy.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_RAGRS'
])
param storageSkuName string = 'Standard_LRS'

@description('Enable Key Vault purge protection (recommended once real member data is stored; `azd down --purge` then cannot purge the vault).')
param keyVaultPurgeProtection bool = false

@description('Log Analytics daily ingestion cap in GB; -1 for none.')
param logDailyQuotaGb int = -1

@secure()
@minLength(32)
@description('Member contact encryption key (AES-256, base64 of 32 random bytes). Set once with `azd env set MEMBERS_CONTACT_ENCRYPTION_KEY ...` or enter it when azd prompts; it is written to Key Vault on every provision, so changing it re-keys the data.')
param memberContactEncryptionKey string

@secure()
@minLength(32)
@description('Member contact lookup key (HMAC-SHA256, base64 of 32 random bytes). Same handling as memberContactEncryptionKey.')
param memberContactLookupKey string

@description('Service name in azure.yaml; azd deploys the code to the function app carrying this azd-service-name tag.')
param apiServiceName string = 'api'

var storageNames = loadJsonContent('storage-names.json')
var plainAppSettings = loadJsonContent('app-settings.json').settings

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}

var names = {
  resourceGroup: 'rg-${environmentName}'
  identity: 'id-api-${resourceToken}'
  storage: 'st${resourceToken}'
  logAnalytics: 'log-${resourceToken}'
  applicationInsights: 'appi-${resourceToken}'
  plan: 'plan-${resourceToken}'
  functionApp: 'func-api-${resourceToken}'
  eventGridTopic: 'evgt-${resourceToken}'
  keyVault: 'kv-${resourceToken}'
  deploymentContainer: 'app-package'
}

// Every queue gets its poison twin: the queue trigger moves a message there after maxDequeueCount (host.json).
var queueNames = flatten(map(storageNames.queues, queue => [queue, '${queue}${storageNames.poisonSuffix}']))

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: names.resourceGroup
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
    location: location
    tags: tags
    dailyQuotaGb: logDailyQuotaGb
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: names.storage
    location: location
    tags: tags
    skuName: storageSkuName
    deploymentContainerName: names.deploymentContainer
    tableNames: storageNames.tables
    queueNames: queueNames
  }
}

module eventGrid 'modules/eventgrid.bicep' = {
  name: 'eventgrid'
  scope: rg
  params: {
    name: names.eventGridTopic
    location: location
    tags: tags
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: names.keyVault
    location: location
    tags: tags
    enablePurgeProtection: keyVaultPurgeProtection
    contactEncryptionKey: memberContactEncryptionKey
    contactLookupKey: memberContactLookupKey
  }
}

module rbac 'modules/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    eventGridTopicName: eventGrid.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    keyVaultName: keyVault.outputs.name
    appPrincipalId: identity.outputs.principalId
    developerPrincipalId: principalId
    developerPrincipalType: principalType
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  scope: rg
  params: {
    planName: names.plan
    appName: names.functionApp
    location: location
    tags: tags
    serviceName: apiServiceName
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    eventGridEndpoint: eventGrid.outputs.endpoint
    eventGridSource: '/ecomfunctions/${environmentName}'
    durableTaskHubName: durableTaskHubName
    contactEncryptionKeySecretUri: keyVault.outputs.contactEncryptionKeySecretUri
    contactLookupKeySecretUri: keyVault.outputs.contactLookupKeySecretUri
    plainAppSettings: plainAppSettings
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    durableAlwaysReadyInstances: durableAlwaysReadyInstances
  }
  // The app reads storage, the deployment package and Key Vault as its identity from its first start; a failed
  // Key Vault reference is cached, so the roles must exist before the app does.
  dependsOn: [
    rbac
  ]
}

// azd writes these into .azure/<env>/.env; SERVICE_API_* are what `azd deploy` and `azd show` use.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output SERVICE_API_NAME string = functionApp.outputs.name
output SERVICE_API_URI string = functionApp.outputs.uri
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_TABLE_ENDPOINT string = storage.outputs.tableEndpoint
output AZURE_STORAGE_QUEUE_ENDPOINT string = storage.outputs.queueEndpoint
output AZURE_EVENTGRID_TOPIC_NAME string = eventGrid.outputs.name
output AZURE_EVENTGRID_TOPIC_ENDPOINT string = eventGrid.outputs.endpoint
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_ENDPOINT string = keyVault.outputs.uri
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output DURABLE_TASK_HUB_NAME string = durableTaskHubName
