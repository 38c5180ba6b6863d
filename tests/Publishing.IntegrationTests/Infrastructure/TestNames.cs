namespace Publishing.IntegrationTests.Infrastructure;

/// <summary>Container and table names no other test uses, so tests run in parallel on one Azurite.</summary>
public static class TestNames
{
    public static string Unique(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 20, 62)];

    /// <summary>Configuration that points every container and table the app uses at names of this test's own.</summary>
    public static Dictionary<string, string?> IsolatedSettings()
    {
        var id = Guid.NewGuid().ToString("N")[..16];
        return new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["ArticlesContainer"] = $"articles-{id}",
            ["ArticleDeletionsQueue"] = $"deletions-{id}",
            ["Test:DeletionsPoisonQueue"] = $"deletions-{id}-poison",
            ["Publishing:PublicBaseUrl"] = "http://localhost:7071/",
            // Tests see every change at once; ResponseCacheTests turns the cache on.
            ["Publishing:ResponseCacheDuration"] = "00:00:00",
            ["Publishing:SiteContainer"] = $"site-{id}",
            ["Publishing:LockContainer"] = $"locks-{id}",
            ["Publishing:ArticleTable"] = $"articles{id}",
            ["Publishing:TagIndexTable"] = $"tagindex{id}",
            ["Publishing:TagTable"] = $"tags{id}",
            ["Publishing:SubmissionTable"] = $"submissions{id}",
            ["Publishing:CommentTable"] = $"comments{id}",
        };
    }
}
