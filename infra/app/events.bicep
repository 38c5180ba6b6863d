// The Event Grid system topic of the storage account. Its subscription to the blob trigger's webhook is deployed
// by infra/hooks/postdeploy.sh (app/event-subscription.bicep), not here: the webhook URL carries the blobs_extension
// system key, which the Functions host creates only when it first starts with the deployed code, after this
// template has run.
param name string
param location string = resourceGroup().location
param tags object = {}
param storageAccountName string

resource storageAccount 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: name
  location: location
  tags: tags
  // The subscription dead-letters with the topic's own identity (deadLetterWithResourceIdentity: "uses the managed
  // identity setup on the parent resource"): the storage account accepts Entra ID tokens only, and a system-assigned
  // identity keeps working if the account is later put behind its firewall with trusted Azure services allowed.
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    source: storageAccount.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

output name string = systemTopic.name
output principalId string = systemTopic.identity.principalId
