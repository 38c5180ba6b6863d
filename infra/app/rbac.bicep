// Every role assignment of the deployment, in one place: who may touch which data, and why. Data-plane roles only (no
// principal here gets a management role on the storage account, so none can list its keys or turn shared-key access
// back on), each at the narrowest scope its work needs. The same table is in docs/deploy.md ("Who can do what") and in
// tests/Publishing.IntegrationTests/Deployment/RoleAssignmentTests.cs, which fails on any assignment it does not list.
param storageAccountName string
param applicationInsightsName string

@description('The container editors drop articles into.')
param articlesContainerName string

@description('The container Event Grid writes undeliverable events to.')
param deadLetterContainerName string

@description('The queue Event Grid writes the articles container\'s BlobDeleted events to.')
param deletionsQueueName string

@description('The function app\'s user-assigned identity.')
param appPrincipalId string

@description('The system-assigned identity of the storage account\'s Event Grid system topic, which dead-letters events.')
param eventGridPrincipalId string

@description('Object id of an Entra ID group of editors: read, write and delete blobs in the articles container, and nothing else. Empty to grant no one here (docs/deploy.md shows how to grant one person).')
param editorsGroupId string = ''

@description('The user running azd (or a CI identity): may read dead-lettered events. Empty to grant nothing.')
param deployerPrincipalId string = ''

@allowed([
  'User'
  'ServicePrincipal'
])
param deployerPrincipalType string = 'User'

// Built-in role definition ids (Azure built-in roles reference).
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageBlobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageQueueDataMessageSender: 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource storageAccount 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName

  resource blobService 'blobServices' existing = {
    name: 'default'

    resource articles 'containers' existing = {
      name: articlesContainerName
    }

    resource deadLetters 'containers' existing = {
      name: deadLetterContainerName
    }
  }

  resource queueService 'queueServices' existing = {
    name: 'default'

    resource deletions 'queues' existing = {
      name: deletionsQueueName
    }
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// The app's identity: what the Functions host documents for an identity-based AzureWebJobsStorage ("Connecting to
// host storage with an identity", Azure Functions developer guide), for the blob, queue and table uses this app has.

// Host storage: "the runtime needs both read and write access to blobs and the ability to create containers"
// (azure-webjobs-hosts: locks, blob trigger receipts; azure-webjobs-secrets: the host's keys). The same connection
// reads articles and writes pages, locks and the cursor key, and Flex Consumption reads the deployment package with
// this identity (functionAppConfig.deployment). Account scope: the host creates its containers itself.
resource appBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storageAccount.id, appPrincipalId, roles.storageBlobDataOwner)
  scope: storageAccount
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// The blob trigger "internally uses Azure Queues": the Event Grid webhook puts each event on the host's
// azure-webjobs-blobtrigger-<hostId> queue, and failures go to webjobs-blobtrigger-poison. The app's own code uses no
// queue. Account scope: the host creates these queues. The guide's Blobs-trigger row also lists Storage Account
// Contributor; that management role is left out on purpose: it serves the polling trigger, which switches on storage
// analytics logging (the SDK's BlobLogListener.EnableLoggingAsync), and ours is Event Grid-sourced.
resource appQueueContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storageAccount.id, appPrincipalId, roles.storageQueueDataContributor)
  scope: storageAccount
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// The app's tables (articles, tag index, tags, submissions, comments; created if absent at start-up) and the host's
// diagnostic events, which it persists "in table storage using the AzureWebJobsStorage connection" in a table it
// names itself. Account scope for both reasons.
resource appTableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storageAccount.id, appPrincipalId, roles.storageTableDataContributor)
  scope: storageAccount
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Telemetry sent with Entra ID: the component refuses instrumentation-key ingestion (DisableLocalAuth).
resource appTelemetryPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, appPrincipalId, roles.monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Editors: read, write and delete article files, and nothing else on the data plane. Not the deployment package (code
// that runs as the app's identity), not azure-webjobs-secrets (the host's keys), not pages, locks or the cursor key,
// not the tables or queues. They read outcomes over the app's HTTP API.
resource editorsArticlesContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(editorsGroupId)) {
  name: guid(storageAccount::blobService::articles.id, editorsGroupId, roles.storageBlobDataContributor)
  scope: storageAccount::blobService::articles
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    principalId: editorsGroupId
    principalType: 'Group'
  }
}

// Event Grid dead-letters with the system topic's identity, which needs Storage Blob Data Contributor on the storage
// used for dead-lettering (Event Grid, "Deliver events using managed identity"); there is no narrower built-in role
// that can write blobs, so the scope is what is narrowed: this one container.
resource eventGridDeadLetterContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storageAccount::blobService::deadLetters.id, eventGridPrincipalId, roles.storageBlobDataContributor)
  scope: storageAccount::blobService::deadLetters
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    principalId: eventGridPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// The deploying user, as the operator: lists and downloads dead-lettered events. Nothing else on the data plane: azd
// deploys to Flex Consumption through the app's SCM endpoint (/api/publish) with a Resource Manager token, and the
// platform writes the package to its container with the app's identity; the postdeploy hook needs management rights
// only (the host's keys, a deployment). Replaying an event by re-uploading the article needs the editors' role.
resource deployerDeadLetterReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  name: guid(storageAccount::blobService::deadLetters.id, deployerPrincipalId, roles.storageBlobDataReader)
  scope: storageAccount::blobService::deadLetters
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataReader)
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
  }
}

// Event Grid delivers BlobDeleted events to the deletions queue with the system topic's identity
// (deliveryWithResourceIdentity): Storage Queue Data Message Sender, the narrowest built-in role that can add
// messages, on this one queue. It can neither read nor delete messages.
resource eventGridDeletionsSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storageAccount::queueService::deletions.id, eventGridPrincipalId, roles.storageQueueDataMessageSender)
  scope: storageAccount::queueService::deletions
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataMessageSender)
    principalId: eventGridPrincipalId
    principalType: 'ServicePrincipal'
  }
}
