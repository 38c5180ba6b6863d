using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Publishing.Listings;
using Publishing.Pages;
using Publishing.Publication;
using Publishing.Storage;
using Publishing.Submissions;

namespace Publishing.IntegrationTests.Infrastructure;

/// <summary>The domain's services wired as the app wires them, on storage names of one test's own.</summary>
public sealed class PublishingHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    /// <param name="faults">A fault policy every storage call of the app goes through, to fail chosen steps.</param>
    /// <param name="time">The app's clock, when a test moves time itself.</param>
    public PublishingHarness(Action<Dictionary<string, string?>>? configure = null, FaultInjectionPolicy? faults = null, TimeProvider? time = null)
    {
        var settings = TestNames.IsolatedSettings();
        configure?.Invoke(settings);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddPublishingStorage(configuration)
            .AddArticles(configuration);
        faults?.AddTo(services);

        if (time is not null)
        {
            services.AddSingleton(time);
        }

        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        Articles = _services.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(settings["ArticlesContainer"]);
    }

    /// <summary>Where this test drops its files.</summary>
    public BlobContainerClient Articles { get; }

    public ArticlePublisher Publisher => _services.GetRequiredService<ArticlePublisher>();

    public ArticleCatalog Catalog => _services.GetRequiredService<ArticleCatalog>();

    public TagIndex TagIndex => _services.GetRequiredService<TagIndex>();

    public SitePages Pages => _services.GetRequiredService<SitePages>();

    public SubmissionLog Submissions => _services.GetRequiredService<SubmissionLog>();

    public StorageLayout Storage => _services.GetRequiredService<StorageLayout>();

    public T Get<T>()
        where T : notnull => _services.GetRequiredService<T>();

    /// <summary>The instance of <typeparamref name="T"/> the readers' endpoints get (<see cref="StorageLayout.Reads"/>).</summary>
    public T GetForReaders<T>()
        where T : notnull => _services.GetRequiredKeyedService<T>(StorageLayout.Reads);

    /// <summary>Uploads a file as an editor would (overwriting any earlier version) and returns its client.</summary>
    public async Task<BlobClient> DropAsync(string name, string content)
    {
        await Articles.CreateIfNotExistsAsync(cancellationToken: TestContext.Current.CancellationToken);
        var blob = Articles.GetBlobClient(name);
        await blob.UploadAsync(BinaryData.FromString(content), overwrite: true, TestContext.Current.CancellationToken);
        return blob;
    }

    public async Task<BlobClient> DropBytesAsync(string name, byte[] content)
    {
        await Articles.CreateIfNotExistsAsync(cancellationToken: TestContext.Current.CancellationToken);
        var blob = Articles.GetBlobClient(name);
        await blob.UploadAsync(BinaryData.FromBytes(content), new BlobUploadOptions(), TestContext.Current.CancellationToken);
        return blob;
    }

    /// <summary>Writes a blob into the site container as is, for tests of what an earlier build (or a fault) left there.</summary>
    public async Task Upload(string path, string content)
    {
        await Storage.Site.CreateIfNotExistsAsync(cancellationToken: TestContext.Current.CancellationToken);
        await Storage.Site.GetBlobClient(path).UploadAsync(BinaryData.FromString(content), overwrite: true, TestContext.Current.CancellationToken);
    }

    public Task<PublishOutcome> PublishAsync(BlobClient file) => Publisher.PublishAsync(file, TestContext.Current.CancellationToken);

    public async Task<PublishOutcome> DropAndPublishAsync(string name, string content) => await PublishAsync(await DropAsync(name, content));

    /// <summary>The article's page as the page route renders it (with no comments), or null when nothing is stored.</summary>
    public async Task<string?> PageAsync(string slug) =>
        await Pages.ReadArticleAsync(slug, TestContext.Current.CancellationToken) is { } stored
            ? ArticlePageRenderer.RenderPage(stored, Get<Microsoft.Extensions.Options.IOptions<PublishingOptions>>().Value.Site(), new CommentsView(slug, 0, [], null, true))
            : null;

    /// <summary>Slugs listed in a tag's (or <see cref="TagIndex.AllArticles"/>) partition, newest first.</summary>
    public async Task<IReadOnlyList<string>> ListingAsync(string partition) =>
        (await TagIndex.ListAsync(partition, 1000, afterKey: null, TestContext.Current.CancellationToken)).Select(e => e.Article.Slug).ToList();

    /// <summary>
    /// Deletes the containers and tables an app wired like this one made. A test that points the app at storage that is
    /// down, or makes it fail, may leave nothing to clean, or have the clean-up refused too.
    /// </summary>
    internal static async Task DeleteStorageAsync(StorageLayout storage, BlobContainerClient articles)
    {
        var cancellation = CancellationToken.None;
        try
        {
            await Task.WhenAll(
                articles.DeleteIfExistsAsync(cancellationToken: cancellation),
                storage.Site.DeleteIfExistsAsync(cancellationToken: cancellation),
                storage.Locks.DeleteIfExistsAsync(cancellationToken: cancellation),
                storage.Articles.DeleteAsync(cancellation),
                storage.TagIndex.DeleteAsync(cancellation),
                storage.Tags.DeleteAsync(cancellation),
                storage.Submissions.DeleteAsync(cancellation),
                storage.Comments.DeleteAsync(cancellation));
        }
        catch (Azure.RequestFailedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DeleteStorageAsync(Storage, Articles);

        await _services.DisposeAsync();
    }
}
