using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Publishing.Functions.Http;
using Publishing.Functions.Listings;
using Publishing.Functions.Site;
using Publishing.Publication;

namespace Publishing.Functions;

/// <summary>
/// The app's services, composed in one place: the function app's Program.cs and the local development host
/// (functions/Publishing.Local) both call <see cref="AddPublishingApp"/>, so a feature added here runs in both.
/// </summary>
public static class PublishingApp
{
    public static IServiceCollection AddPublishingApp(this IServiceCollection services, IConfiguration configuration) =>
        services
            .AddPublishingStorage(configuration)
            .AddArticles(configuration)
            .AddComments(configuration)
            .AddSingleton<ResponseCache>()
            .AddSingleton<IPublishedChangeObserver, ResponseCacheInvalidation>()
            .AddSingleton<ListingReader>()
            .AddSingleton<ListingPager>()
            .AddSingleton<SitemapReader>()
            .AddSingleton<IPublishedChangeObserver>(provider => provider.GetRequiredService<SitemapReader>());
}
