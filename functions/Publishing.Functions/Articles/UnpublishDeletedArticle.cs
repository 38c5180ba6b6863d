using Azure.Storage.Blobs;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Publishing.Publication;

namespace Publishing.Functions.Articles;

/// <summary>
/// Unpublishes the article of a file deleted from the articles container. Event Grid writes the container's
/// <c>Microsoft.Storage.BlobDeleted</c> events to the Storage queue named by the app setting
/// <c>ArticleDeletionsQueue</c> (the Event Grid-sourced blob trigger only takes <c>BlobCreated</c>).
/// </summary>
/// <remarks>
/// A message that is not such an event is logged and dropped, never thrown on: a retry could not make it valid, and
/// five failures would only park it in the poison queue after five wasted runs. Only storage faults throw (retried,
/// then the <c>-poison</c> queue).
/// </remarks>
public sealed partial class UnpublishDeletedArticle(ArticlePublisher publisher, BlobServiceClient blobs, IConfiguration configuration, ILogger<UnpublishDeletedArticle> logger)
{
    /// <summary>The app setting naming the queue; Bicep and the local event relay use the same value.</summary>
    public const string QueueSetting = "ArticleDeletionsQueue";

    [Function(nameof(UnpublishDeletedArticle))]
    public async Task Run(
        [QueueTrigger("%ArticleDeletionsQueue%", Connection = "AzureWebJobsStorage")] string message,
        CancellationToken cancellationToken)
    {
        var container = configuration["ArticlesContainer"] is { Length: > 0 } name ? name : "articles";
        switch (BlobDeletedEvent.Parse(message, container))
        {
            case BlobDeletedEventParse.Deleted { Event: var deleted }:
                var outcome = await publisher.UnpublishDeletedAsync(blobs.GetBlobContainerClient(container).GetBlobClient(deleted.BlobName), cancellationToken);
                LogProcessed(deleted.BlobName, outcome);
                break;
            case BlobDeletedEventParse.Ignored { Reason: var reason }:
                LogIgnored(reason);
                break;
            case BlobDeletedEventParse.Invalid { Reason: var reason }:
                LogDropped(reason);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deletion of '{Name}' processed: {Outcome}")]
    private partial void LogProcessed(string name, PublishOutcome outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deletion event ignored: {Reason}")]
    private partial void LogIgnored(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message on the deletions queue dropped: {Reason}")]
    private partial void LogDropped(string reason);
}
