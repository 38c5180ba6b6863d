// The Flex Consumption (FC1) plan and the function app: .NET 10 isolated, code in a blob container read with
// the app's user-assigned identity, and settings that name resources instead of holding keys.
// Flex rejects FUNCTIONS_WORKER_RUNTIME and FUNCTIONS_EXTENSION_VERSION: the runtime is functionAppConfig's.
// Every app setting here is one the app or the Functions host reads; the settings drift test
// (tests/Publishing.IntegrationTests/Deployment) fails on one that nothing reads, or on a key the app reads
// that is missing here.
param name string
param planName string
param location string = resourceGroup().location
param tags object = {}

@description('azd service name (azure.yml) this app is deployed as.')
param serviceName string
param identityId string
param identityClientId string
param storageAccountName string
param applicationInsightsName string

@description('Container and table names, as created by the storage module.')
param storageNames {
  articlesContainer: string
  siteContainer: string
  lockContainer: string
  deploymentContainer: string
  articleTable: string
  tagIndexTable: string
  tagTable: string
  submissionTable: string
  commentTable: string
  deletionsQueue: string
}

@description('Shown in page headers and titles (Publishing__SiteName).')
param siteName string = 'Publishing'

@description('Default page language, BCP 47 (Publishing__Language).')
param siteLanguage string = 'en'

param maximumInstanceCount int = 40
param instanceMemoryMB int = 2048

resource storageAccount 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-11-01' = {
  name: name
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
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageAccount.properties.primaryEndpoints.blob}${storageNames.deploymentContainer}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

// A literal object (no union with a parameter), so that the drift test can read every key from the ARM JSON.
resource appSettings 'Microsoft.Web/sites/config@2024-11-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: {
    // The one storage connection, identity-based: read by the host (triggers, its own state) and by the app.
    AzureWebJobsStorage__accountName: storageAccount.name
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    // Read by the host and by the worker's exporter (Telemetry/TelemetryExtensions.cs): telemetry sent with the
    // app's identity; the connection string has no usable key while the component has local auth disabled.
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    // %ArticlesContainer% in the blob trigger's path.
    ArticlesContainer: storageNames.articlesContainer
    // %ArticleDeletionsQueue% of the queue trigger that unpublishes deleted files.
    ArticleDeletionsQueue: storageNames.deletionsQueue
    // PublishingOptions, every property set: production never runs on a default meant for a laptop.
    Publishing__PublicBaseUrl: 'https://${functionApp.properties.defaultHostName}/'
    Publishing__SiteName: siteName
    Publishing__Language: siteLanguage
    Publishing__MaxArticleBytes: '1048576'
    Publishing__LockWaitTimeout: '00:01:00'
    // How long an instance serves reads from memory: how stale another instance's answer can be after a publish.
    Publishing__ResponseCacheDuration: '00:00:01'
    Publishing__AllowHttpImages: 'false'
    Publishing__SitemapPageSize: '50000'
    Publishing__SiteContainer: storageNames.siteContainer
    Publishing__LockContainer: storageNames.lockContainer
    Publishing__ArticleTable: storageNames.articleTable
    Publishing__TagIndexTable: storageNames.tagIndexTable
    Publishing__TagTable: storageNames.tagTable
    Publishing__SubmissionTable: storageNames.submissionTable
    Publishing__CommentTable: storageNames.commentTable
    // CommentOptions. Azure's front ends append the client's address to X-Forwarded-For, and the worker sees
    // only the host's connection, so the rate limit must read the header's last address.
    Comments__PostsPerMinute: '5'
    Comments__MaxRequestBytes: '16384'
    Comments__RequireApproval: 'false'
  }
}

output name string = functionApp.name
output uri string = 'https://${functionApp.properties.defaultHostName}'
