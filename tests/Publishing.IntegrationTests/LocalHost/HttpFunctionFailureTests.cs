using System.Net;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>
/// What a client gets when an HTTP function throws, through the real worker and the app's own fault middleware
/// (linked into the test app): problem details, never internals.
/// </summary>
public sealed class HttpFunctionFailureTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Http_function_that_throws_answers_500_problem_json_without_internals()
    {
        await using var storage = new LocalHostStorage();
        await using var host = await TestFunctions.StartHostAsync(storage);

        using var response = await host.Http.GetAsync(new Uri("test/explodes/bug", UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.DoesNotContain("Secret internals", body, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_function_that_meets_a_storage_fault_answers_503_with_retry_after()
    {
        await using var storage = new LocalHostStorage();
        await using var host = await TestFunctions.StartHostAsync(storage);

        using var response = await host.Http.GetAsync(new Uri("test/explodes/storage", UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.RetryAfter);
    }
}
