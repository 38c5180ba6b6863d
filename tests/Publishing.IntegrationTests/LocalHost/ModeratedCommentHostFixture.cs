namespace Publishing.IntegrationTests.LocalHost;

/// <summary>
/// A local host listening on IPv4 and IPv6 loopback (two client networks, as the host forwards the client's
/// address to the worker), with pre-approval on and the rate limit out of the way.
/// </summary>
public sealed class ModeratedCommentHostFixture : LocalHostFixture
{
    protected override string Urls => TestLocalHost.TwoNetworks;

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Comments:PostsPerMinute"] = "100000";
        settings["Comments:RequireApproval"] = "true";
    }
}
