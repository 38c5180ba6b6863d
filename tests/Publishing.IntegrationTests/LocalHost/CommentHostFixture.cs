namespace Publishing.IntegrationTests.LocalHost;

/// <summary>A local host whose comment rate limit is out of the way, with the response cache on as in production.</summary>
public sealed class CommentHostFixture : LocalHostFixture
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Comments:PostsPerMinute"] = "100000";
        settings["Publishing:ResponseCacheDuration"] = "00:00:05";
    }
}
