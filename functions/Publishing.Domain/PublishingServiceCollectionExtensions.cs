using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Publishing.Comments;
using Publishing.Listings;
using Publishing.Pages;
using Publishing.Publication;
using Publishing.Storage;
using Publishing.Submissions;
using Publishing.Telemetry;

namespace Publishing;

/// <summary>The composition of the domain; the function app and the local host both call these.</summary>
public static class PublishingServiceCollectionExtensions
{
    /// <summary>Configuration section for the storage clients' retry and timeout settings (Azure SDK <c>ClientOptions</c>).</summary>
    public const string StorageClientSection = "StorageClient";

    /// <summary>
    /// Storage clients for the <c>AzureWebJobsStorage</c> connection, one of each per app. Their retry policy
    /// can be tuned under <see cref="StorageClientSection"/> (e.g. <c>StorageClient__Retry__MaxRetries</c>).
    /// A second blob and table client, named <see cref="StorageLayout.Reads"/>, serves readers' requests on the short
    /// budget of <see cref="StorageReadOptions"/> (<c>StorageClient__Read__*</c>), with a <see cref="StorageLayout"/>
    /// of its own under that key.
    /// </summary>
    public static IServiceCollection AddPublishingStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var connection = StorageConnection.FromConfiguration(configuration);
        services.AddSingleton(connection);
        services.AddOptions<StorageReadOptions>()
            .Bind(configuration.GetSection(StorageReadOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddAzureClients(clients =>
        {
            clients.ConfigureDefaults(configuration.GetSection(StorageClientSection));
            clients.ConfigureDefaults(options => options.AddPolicy(StorageCalls.Policy, HttpPipelinePosition.PerRetry));
            clients.AddClient<BlobServiceClient, BlobClientOptions>(options => connection.CreateBlobServiceClient(options));
            clients.AddClient<TableServiceClient, TableClientOptions>(options => connection.CreateTableServiceClient(options));
            clients.AddClient<QueueServiceClient, QueueClientOptions>(options => connection.CreateQueueServiceClient(options));

            // Named clients take the defaults above, then the read budget over them.
            clients.AddClient<BlobServiceClient, BlobClientOptions>(options => connection.CreateBlobServiceClient(options))
                .WithName(StorageLayout.Reads)
                .ConfigureOptions((options, provider) => ReadBudget(provider).ApplyTo(options.Retry));
            clients.AddClient<TableServiceClient, TableClientOptions>(options => connection.CreateTableServiceClient(options))
                .WithName(StorageLayout.Reads)
                .ConfigureOptions((options, provider) => ReadBudget(provider).ApplyTo(options.Retry));
        });
        services.AddSingleton<StorageLayout>();
        services.AddKeyedSingleton(StorageLayout.Reads, (provider, _) => new StorageLayout(
            provider.GetRequiredService<IAzureClientFactory<BlobServiceClient>>().CreateClient(StorageLayout.Reads),
            provider.GetRequiredService<IAzureClientFactory<TableServiceClient>>().CreateClient(StorageLayout.Reads),
            provider.GetRequiredService<IOptions<PublishingOptions>>()));
        services.AddSingleton<StorageReadBudget>();
        return services;
    }

    private static StorageReadOptions ReadBudget(IServiceProvider provider) =>
        provider.GetRequiredService<IOptions<StorageReadOptions>>().Value;

    /// <summary>
    /// Registers, under <see cref="StorageLayout.Reads"/>, an instance of <typeparamref name="T"/> built on the read
    /// clients' layout, for the readers' endpoints (<c>[FromKeyedServices(StorageLayout.Reads)]</c>).
    /// </summary>
    private static IServiceCollection AddForReaders<T>(this IServiceCollection services)
        where T : class =>
        services.AddKeyedSingleton(StorageLayout.Reads, (provider, key) =>
            ActivatorUtilities.CreateInstance<T>(provider, provider.GetRequiredKeyedService<StorageLayout>(key)));

    /// <summary>
    /// The app's meter and activity source (<see cref="PublishingTelemetry"/>); recording costs nothing until an
    /// exporter listens (the function app's <c>AddTelemetry</c>).
    /// </summary>
    public static IServiceCollection AddPublishingTelemetry(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<PublishingTelemetry>();
        return services;
    }

    /// <summary>Parsing, rendering and publishing of dropped files, and reading back what was published.</summary>
    public static IServiceCollection AddArticles(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddPublishingTelemetry();
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
        services.AddForReaders<SitePages>()
            .AddForReaders<ArticleCatalog>()
            .AddForReaders<TagIndex>()
            .AddForReaders<TagDirectory>()
            .AddForReaders<SubmissionLog>();

        // On the read path, with the readers' clients: it reads an article's source when its page is read.
        services.AddKeyedSingleton(StorageLayout.Reads, (provider, key) => ActivatorUtilities.CreateInstance<StoredArticleUpgrade>(
            provider,
            provider.GetRequiredService<IAzureClientFactory<BlobServiceClient>>().CreateClient(StorageLayout.Reads)
                .GetBlobContainerClient(configuration[StoredArticleUpgrade.SourceContainerSetting] ?? "articles"),
            provider.GetRequiredKeyedService<SitePages>(key)));
        services.AddSingleton<PublishLock>();
        services.AddSingleton<SlugSuccession>();
        services.TryAddSingleton<CommentStore>(); // a deletion clears a freed slug's comments before a new article takes it
        services.AddSingleton<ArticlePublisher>();
        return services;
    }

    /// <summary>Readers' comments: the rules, the store and the per-client limit.</summary>
    public static IServiceCollection AddComments(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddPublishingTelemetry();
        services.AddOptions<CommentOptions>()
            .Bind(configuration.GetSection(CommentOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CommentStore>();
        services.AddForReaders<CommentStore>();
        services.AddSingleton<CommentRateLimiter>();
        return services;
    }
}
