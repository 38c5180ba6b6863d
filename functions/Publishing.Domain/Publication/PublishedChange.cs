namespace Publishing.Publication;

/// <summary>
/// What readers see differently after a publish or an unpublish: the article's page and metadata under
/// <see cref="Slug"/>, and the <see cref="Listings"/> (tags and <c>_all</c>) it was or now is in, with their counts.
/// </summary>
public sealed record PublishedChange(string Slug, IReadOnlyCollection<string> Listings);

/// <summary>
/// Told by <see cref="ArticlePublisher"/> once a change is in storage and before its outcome is recorded, so that
/// whoever keeps copies of what readers see in this process (the function app's response cache) can drop exactly
/// those. Runs on the publish path: it must be quick and must not throw.
/// </summary>
public interface IPublishedChangeObserver
{
    void OnChanged(PublishedChange change);
}
