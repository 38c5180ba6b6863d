// The whole deployment for `azd up` (see azure.yml): one resource group holding a Flex Consumption function
// app, its storage account, a user-assigned identity with data-plane roles instead of keys, Application
// Insights on Log Analytics, and the Event Grid system topic whose subscription feeds the blob trigger.
// The subscription itself (app/event-subscription.bicep) is deployed by the postdeploy hook (infra/hooks/), because
// it needs the blob extension's system key, which exists only once the code is deployed and the host has started.
// Who may read or write which data is all in app/rbac.bicep.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; with the subscription and location it makes the unique token in every resource name.')
param environmentName string

@minLength(1)
@description('Region for every resource. Flex Consumption is offered in a subset of regions.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the user running azd (AZURE_PRINCIPAL_ID). Gets Storage Blob Data Reader on the dead-letter container only, to find undelivered events; deploying needs no data role. Not an editor unless also in editorsGroupId. Empty to skip.')
param principalId string = ''

@description('Kind of principalId: User for a person, ServicePrincipal for a CI identity.')
@allowed([
  'User'
  'ServicePrincipal'
])
param principalType string = 'User'

@description('Object id of an Entra ID security group of editors (AZURE_EDITORS_GROUP_ID): its members may read, write and delete blobs in the articles container, and nothing else. Empty (the default) to grant no one; docs/deploy.md shows how to grant one person instead.')
param editorsGroupId string = ''

@description('Upper bound of Flex Consumption instances.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory of one instance (MB).')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var functionAppName = '${abbrs.webSitesFunctions}${resourceToken}'

// Storage names the app reads from its settings (Publishing__*, ArticlesContainer) and this file creates;
// they are passed to both the storage module and the app settings so the two cannot disagree.
var storageNames = {
  articlesContainer: 'articles'
  siteContainer: 'site'
  lockContainer: 'publishing-locks'
  // Flex Consumption reads the deployed package from here with the app's identity.
  deploymentContainer: 'app-package-${take(functionAppName, 32)}-${take(resourceToken, 7)}'
  articleTable: 'articles'
  tagIndexTable: 'tagindex'
  tagTable: 'tags'
  submissionTable: 'submissions'
  commentTable: 'comments'
  // Event Grid writes the articles container's BlobDeleted events here (app/event-subscription.bicep); the
  // UnpublishDeletedArticle function reads them (%ArticleDeletionsQueue%).
  deletionsQueue: 'article-deletions'
}

// Where Event Grid writes the events it gave up delivering (app/event-subscription.bicep); nothing of the app reads it.
var deadLetterContainer = 'eventgrid-deadletter'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'core/security/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'core/storage/storage-account.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    containers: [
      storageNames.articlesContainer
      storageNames.siteContainer
      storageNames.lockContainer
      storageNames.deploymentContainer
      deadLetterContainer
    ]
    queues: [
      storageNames.deletionsQueue
    ]
    tables: [
      storageNames.articleTable
      storageNames.tagIndexTable
      storageNames.tagTable
      storageNames.submissionTable
      storageNames.commentTable
    ]
  }
}

module monitoring 'core/monitor/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    articlesContainerName: storageNames.articlesContainer
    deadLetterContainerName: deadLetterContainer
    deletionsQueueName: storageNames.deletionsQueue
    appPrincipalId: identity.outputs.principalId
    eventGridPrincipalId: events.outputs.principalId
    editorsGroupId: editorsGroupId
    deployerPrincipalId: principalId
    deployerPrincipalType: principalType
  }
}

module functions 'core/host/functions-flexconsumption.bicep' = {
  name: 'functions'
  scope: rg
  params: {
    name: functionAppName
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    serviceName: 'functions'
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    storageNames: storageNames
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
  }
  // The host starts as soon as the app exists; without its roles it would fail to reach storage at first.
  dependsOn: [
    rbac
  ]
}

module events 'app/events.bicep' = {
  name: 'events'
  scope: rg
  params: {
    name: '${abbrs.eventGridSystemTopics}${resourceToken}'
    location: location
    tags: tags
    storageAccountName: storage.outputs.name
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functions.outputs.name
output SERVICE_FUNCTIONS_NAME string = functions.outputs.name
output SERVICE_FUNCTIONS_URI string = functions.outputs.uri
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_ARTICLES_CONTAINER string = storageNames.articlesContainer
output AZURE_EVENTGRID_SYSTEM_TOPIC_NAME string = events.outputs.name
output AZURE_EVENTGRID_DEADLETTER_CONTAINER string = deadLetterContainer
output AZURE_ARTICLE_DELETIONS_QUEUE string = storageNames.deletionsQueue
