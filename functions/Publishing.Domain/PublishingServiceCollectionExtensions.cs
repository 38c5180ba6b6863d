using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Publishing.Comments;
using Publishing.Listings;
using Publishing.Pages;
using Publishing.Publishing;
using Publishing.Storage;
using Publishing.Submissions;

namespace Publishing;

/// <summary>The composition of the domain; the function app and the local host both call these.</summary>
public static class PublishingServiceCollectionExtensions
{
    /// <summary>Configuration section for the storage clients' retry and timeout settings (Azure SDK <c>ClientOptions</c>).</summary>
    public const string StorageClientSection = "StorageClient";

    /// <summary>
    /// Storage clients for the <c>AzureWebJobsStorage</c> connection, one of each per app. Their retry policy
    /// can be tuned under <see cref="StorageClientSection"/> (e.g. <c>StorageClient__Retry__MaxRetries</c>).
    /// </summary>
    public static IServiceCollection AddPublishingStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var connection = StorageConnection.FromConfiguration(configuration);
        services.AddSingleton(connection);
        services.AddAzureClients(clients =>
        {
            clients.ConfigureDefaults(configuration.GetSection(StorageClientSection));
            clients.AddClient<Azure.Storage.Blobs.BlobServiceClient, Azure.Storage.Blobs.BlobClientOptions>(
                options => connection.CreateBlobServiceClient(options));
            clients.AddClient<Azure.Data.Tables.TableServiceClient, Azure.Data.Tables.TableClientOptions>(
                options => connection.CreateTableServiceClient(options));
            clients.AddClient<Azure.Storage.Queues.QueueServiceClient, Azure.Storage.Queues.QueueClientOptions>(
                options => connection.CreateQueueServiceClient(options));
        });
        services.AddSingleton<StorageLayout>();
        return services;
    }

    /// <summary>Parsing, rendering and publishing of dropped files, and reading back what was published.</summary>
    public static IServiceCollection AddArticles(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PublishingOptions>()
            .Bind(configuration.GetSection(PublishingOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ArticlePageRenderer>();
        services.AddSingleton<SitePages>();
        services.AddSingleton<ArticleCatalog>();
        services.AddSingleton<TagIndex>();
        services.AddSingleton<TagDirectory>();
        services.AddSingleton<ListingCursors>();
        services.AddSingleton<SubmissionLog>();
        services.AddSingleton<PublishLock>();
        services.AddSingleton<ArticlePublisher>();
        return services;
    }

    /// <summary>Readers' comments: the rules, the store and the per-client limit.</summary>
    public static IServiceCollection AddComments(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CommentOptions>()
            .Bind(configuration.GetSection(CommentOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<CommentStore>();
        services.AddSingleton<CommentRateLimiter>();
        return services;
    }
}
