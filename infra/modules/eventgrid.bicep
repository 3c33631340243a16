// Custom topic for the App's domain events (CloudEvents 1.0). Access keys and SAS tokens are disabled: publishers
// authenticate with Entra ID and need EventGrid Data Sender on the topic.

param name string
param location string
param tags object = {}

resource topic 'Microsoft.EventGrid/topics@2025-02-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    inputSchema: 'CloudEventSchemaV1_0'
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
    minimumTlsVersionAllowed: '1.2'
  }
}

output name string = topic.name
output id string = topic.id
output endpoint string = topic.properties.endpoint
