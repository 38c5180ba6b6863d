namespace Publishing.IntegrationTests.LocalHost;

/// <summary>A local host that enforces function keys, as <c>func start --enableAuth</c> does and as Azure always does.</summary>
public sealed class KeyedHostFixture : LocalHostFixture
{
    /// <summary>The host key: it opens <c>Function</c>-level routes.</summary>
    internal string HostKey => Host.Keys?.HostKey ?? throw new InvalidOperationException("The host does not enforce keys.");

    protected override void Configure(Dictionary<string, string?> settings) => settings["LocalHost:EnableAuth"] = "true";
}
