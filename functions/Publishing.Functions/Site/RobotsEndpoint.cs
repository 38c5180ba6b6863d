using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Publishing.Functions.Http;
using Publishing.Publication;

namespace Publishing.Functions.Site;

/// <summary><c>GET /robots.txt</c>: everything may be crawled, and the sitemap is at its absolute URL.</summary>
public sealed class RobotsEndpoint(IOptions<PublishingOptions> options)
{
    [Function(nameof(Robots))]
    public IActionResult Robots(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "robots.txt")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = CachedBody.Of(System.Text.Encoding.UTF8.GetBytes($"User-agent: *\nAllow: /\n\nSitemap: {options.Value.SitemapUrl.AbsoluteUri}\n"));
        return CachedResults.Ok(request, body, "text/plain; charset=utf-8", CachedResults.FeedCacheControl);
    }
}
