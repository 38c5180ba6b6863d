using Azure.Storage.Blobs;
using Microsoft.Azure.Functions.Worker;
using Publishing.Publication;
using Publishing.Telemetry;

namespace Publishing.Functions.Articles;

/// <summary>
/// Publishes a file dropped into the articles container (app setting <c>ArticlesContainer</c>, <c>articles</c> in
/// every deployment; tests point it elsewhere). Event Grid delivers the blob events: Flex Consumption has no
/// polling blob trigger.
/// </summary>
public sealed class PublishArticle(ArticlePublisher publisher, PublishingTelemetry telemetry)
{
    /// <remarks>
    /// Bound to a <see cref="BlobClient"/>, not the content, so an oversized file is refused from its
    /// properties without being read. Files that cannot be published are recorded and return normally;
    /// only faults worth retrying (storage unavailable) throw, to be retried and then parked as poison.
    /// The publish runs in a <c>publish</c> span under the invocation's (the trace the blob event started) and is
    /// counted by outcome (<see cref="PublishingTelemetry"/>).
    /// </remarks>
    [Function(nameof(PublishArticle))]
    public Task Run(
        [BlobTrigger("%ArticlesContainer%/{name}", Source = BlobTriggerSource.EventGrid, Connection = "AzureWebJobsStorage")] BlobClient file,
        string name,
        CancellationToken cancellationToken) =>
        telemetry.MeasurePublishAsync(name, token => publisher.PublishAsync(file, token), cancellationToken);
}
