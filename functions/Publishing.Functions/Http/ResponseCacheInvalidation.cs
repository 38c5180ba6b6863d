using Publishing.Publication;

namespace Publishing.Functions.Http;

/// <summary>
/// Drops this instance's cached answers that a publish or unpublish here changed: the article's page and metadata,
/// every listing it was or is in, and the tag list (its counts). The next request reads storage again.
/// </summary>
public sealed class ResponseCacheInvalidation(ResponseCache cache) : IPublishedChangeObserver
{
    public void OnChanged(PublishedChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        cache.Invalidate(CacheScope.Article(change.Slug));
        foreach (var listing in change.Listings)
        {
            cache.Invalidate(CacheScope.Listing(listing));
        }

        cache.Invalidate(CacheScope.TagDirectory);
    }
}
