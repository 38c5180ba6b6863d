using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Publishing.Local.BlobTriggers;

namespace Publishing.Local.Commands;

/// <summary>
/// The local host's blob-trigger completions (<c>GET /_local/blob-triggers/completed</c>), followed from a cursor taken
/// before the first upload, so that <c>drop --wait</c> asks the app for a file's outcome once its invocation is over
/// rather than again and again. Only the local host has the route: against <c>func start</c> or Azure (404), or a host
/// that refuses it, <see cref="OpenAsync"/> gives null and the command polls as before.
/// </summary>
internal sealed class CompletionFeed
{
    /// <summary>How long one read waits at the host for a completion; a read that comes back empty means a quiet second.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(1);

    private readonly HttpClient _http;
    private string _cursor;

    private CompletionFeed(HttpClient http, string cursor)
    {
        _http = http;
        _cursor = cursor;
    }

    /// <summary>The feed from now on, or null when the app at <paramref name="http"/>'s address does not give one.</summary>
    public static async Task<CompletionFeed?> OpenAsync(HttpClient http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        return await ReadAsync(http, BlobTriggerCompletions.Route.TrimStart('/'), cancellationToken) is { } start
            ? new CompletionFeed(http, start.Cursor)
            : null;
    }

    /// <summary>
    /// The invocations completed since the last read, waiting up to <see cref="Wait"/> for one; null when the host
    /// could not answer (gone, restarting, replaced by one without the route): the caller polls this time.
    /// </summary>
    public async Task<CompletedInvocations?> NextAsync(CancellationToken cancellationToken)
    {
        var path = $"{BlobTriggerCompletions.Route.TrimStart('/')}?after={Uri.EscapeDataString(_cursor)}&wait={Wait.TotalSeconds:0}";
        if (await ReadAsync(_http, path, cancellationToken) is not { } page)
        {
            return null;
        }

        _cursor = page.Cursor;
        return page;
    }

    /// <summary>
    /// Whether every try of <paramref name="completed"/> failed for this very version of <paramref name="container"/>/
    /// <paramref name="blob"/>. A failed event for another version, or one that did not say which, says nothing of
    /// <paramref name="eTag"/>'s outcome.
    /// </summary>
    public static bool FailedForGood(CompletedInvocation completed, string container, string blob, string? eTag)
    {
        ArgumentNullException.ThrowIfNull(completed);
        return completed is { Failure: not null, ETag: not null }
            && string.Equals(completed.Container, container, StringComparison.Ordinal)
            && string.Equals(completed.Blob, blob, StringComparison.Ordinal)
            && ArticleDrops.SameETag(completed.ETag, eTag);
    }

    private static async Task<CompletedInvocations?> ReadAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
            return response.StatusCode == HttpStatusCode.OK
                ? await response.Content.ReadFromJsonAsync(CompletionsJson.Default.CompletedInvocations, cancellationToken)
                : null;
        }
        catch (Exception e) when (e is HttpRequestException or JsonException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }
}
