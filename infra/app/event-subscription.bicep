// The Event Grid subscription that feeds the blob trigger: BlobCreated events of the articles container, delivered to
// the Functions host's blob extension webhook, retried, then dead-lettered to a blob container. Deployed by the azd
// postdeploy hook (infra/hooks/postdeploy.sh and .ps1, `az deployment group create`), not by main.bicep: the webhook
// URL carries the host's blobs_extension system key, which exists only once the deployed code has started. Keeping
// the subscription in Bicep rather than in `az eventgrid` flags lets CI check its shape offline, and sets what the
// CLI's system-topic command cannot (dead-lettering with the topic's identity).
targetScope = 'resourceGroup'

@description('The storage account\'s Event Grid system topic (main.bicep output AZURE_EVENTGRID_SYSTEM_TOPIC_NAME).')
param systemTopicName string

@description('The storage account holding the articles and dead-letter containers (AZURE_STORAGE_ACCOUNT_NAME).')
param storageAccountName string

@description('Container whose BlobCreated events are delivered (AZURE_ARTICLES_CONTAINER).')
param articlesContainer string

@description('Container that receives events Event Grid gave up on (AZURE_EVENTGRID_DEADLETTER_CONTAINER).')
param deadLetterContainer string

@secure()
@description('https://<app>/runtime/webhooks/blobs?functionName=Host.Functions.<function>&code=<blobs_extension key>.')
param webhookUrl string

@description('Name of the subscription; one per trigger.')
param subscriptionName string = 'articles-to-publisharticle'

@description('Queue that gets the container\'s BlobDeleted events (AZURE_ARTICLE_DELETIONS_QUEUE).')
param deletionsQueue string = 'article-deletions'

@description('Name of the subscription delivering deletions.')
param deletionsSubscriptionName string = 'articles-deletions-to-queue'

resource storageAccount 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' existing = {
  name: systemTopicName
}

resource eventSubscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: systemTopic
  name: subscriptionName
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        endpointUrl: webhookUrl
      }
    }
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: [
        'Microsoft.Storage.BlobCreated'
      ]
      subjectBeginsWith: '/blobServices/default/containers/${articlesContainer}/'
      // BlobCreated also comes from operations that do not finish a blob's content; these are the ones that do.
      advancedFilters: [
        {
          operatorType: 'StringIn'
          key: 'data.api'
          values: [
            'PutBlob'
            'PutBlockList'
            'CopyBlob'
            'FlushWithClose'
          ]
        }
      ]
    }
    // Event Grid's maximum on both counts: a host that is down (a failed deployment, a scale-from-zero that keeps
    // failing) has a day to come back before an event is given up on.
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
    // What is given up on is written as a blob, by the system topic's identity (Storage Blob Data Contributor on this
    // container only, app/rbac.bicep), instead of being dropped. docs/deploy.md says how to find and replay one.
    deadLetterWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: storageAccount.id
          blobContainerName: deadLetterContainer
        }
      }
    }
  }
}

// Deletions: the Event Grid-sourced blob trigger only takes BlobCreated, so BlobDeleted events of the same container go
// to a Storage queue, written with the topic's identity (Storage Queue Data Message Sender on that queue, app/rbac.bicep),
// and the UnpublishDeletedArticle queue trigger reads them. Same retries and dead-lettering as above.
resource deletionsSubscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: systemTopic
  name: deletionsSubscriptionName
  properties: {
    deliveryWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      destination: {
        endpointType: 'StorageQueue'
        properties: {
          resourceId: storageAccount.id
          queueName: deletionsQueue
          // Kept until read: a stopped app catches up on every deletion when it starts again.
          queueMessageTimeToLiveInSeconds: -1
        }
      }
    }
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: [
        'Microsoft.Storage.BlobDeleted'
      ]
      subjectBeginsWith: '/blobServices/default/containers/${articlesContainer}/'
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
    deadLetterWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: storageAccount.id
          blobContainerName: deadLetterContainer
        }
      }
    }
  }
}

output name string = eventSubscription.name
output deletionsName string = deletionsSubscription.name
