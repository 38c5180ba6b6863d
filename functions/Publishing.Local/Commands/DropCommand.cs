using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Configuration;
using Publishing.Local.Configuration;

namespace Publishing.Local.Commands;

/// <summary>
/// <c>drop &lt;file&gt; [--as &lt;blob name&gt;] [--wait] [--key &lt;function key&gt;] [--target http://localhost:7071] [--timeout 60]</c>:
/// uploads a file to the local articles container, as an editor would with Storage Explorer; with
/// <c>--wait</c>, waits for the app's verdict on that upload and prints it. Exit code 0 when published (or
/// saved as a draft), 3 when rejected, 1 when the upload or the wait failed.
/// </summary>
/// <remarks>
/// The verdict comes from <c>GET /api/submissions/{name}</c>, which is behind a function key: the key from
/// <c>--key</c>, else from <see cref="KeyVariable"/>, goes as <c>x-functions-key</c>. Without one it works against a
/// host that checks no keys (the local host and <c>func start</c> by default).
/// </remarks>
internal static class DropCommand
{
    public const int Rejected = 3;

    /// <summary>The environment variable that holds the function key when <c>--key</c> is not given.</summary>
    public const string KeyVariable = "PUBLISHING_FUNCTION_KEY";

    private const string KeyHeader = "x-functions-key";

    public static Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken cancellationToken)
    {
        var arguments = CommandArguments.Parse(args, "wait");
        arguments.RejectUnknown("as", "wait", "key", "target", "timeout");
        if (arguments.Positionals.Count != 1)
        {
            throw new CommandLineException("drop takes one file.");
        }

        var settings = LocalSettings.Load();
        var file = arguments.Positionals[0];
        var request = new DropRequest(
            file,
            arguments.Option("as") is { Length: > 0 } name ? name : Path.GetFileName(file),
            arguments.Has("wait"),
            arguments.UriOption("target", new Uri($"http://localhost:{settings.HttpPort}/")),
            TimeSpan.FromSeconds(arguments.IntOption("timeout", 60, 1, 3600)),
            arguments.Option("key") is { Length: > 0 } key ? key : Environment.GetEnvironmentVariable(KeyVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null);
        return DropAsync(request, settings.BuildConfiguration(), output, cancellationToken);
    }

    public static async Task<int> DropAsync(DropRequest request, IConfiguration configuration, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(output);
        if (!File.Exists(request.FilePath))
        {
            await output.WriteLineAsync($"No such file: {request.FilePath}");
            return 1;
        }

        var container = ArticleDrops.Container(configuration);
        ETag etag;
        try
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await using var content = File.OpenRead(request.FilePath);
            var uploaded = await container.GetBlobClient(request.BlobName).UploadAsync(
                content,
                new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = ContentTypes.For(request.BlobName) } },
                cancellationToken);
            etag = uploaded.Value.ETag;
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException or HttpRequestException)
        {
            await output.WriteLineAsync($"Could not upload to {container.Uri}: {e.Message}");
            await output.WriteLineAsync("Is Azurite running? ./run.sh starts it (or reuses one on 127.0.0.1:10000-10002).");
            return 1;
        }

        await output.WriteLineAsync($"Dropped {request.FilePath} as {container.Name}/{request.BlobName} (ETag {etag}).");
        return request.Wait ? await WaitForVerdictAsync(request, etag, output, cancellationToken) : 0;
    }

    private static async Task<int> WaitForVerdictAsync(DropRequest request, ETag etag, TextWriter output, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = request.Target, Timeout = TimeSpan.FromSeconds(10) };
        if (request.FunctionKey is { } key)
        {
            http.DefaultRequestHeaders.Add(KeyHeader, key);
        }

        var statusPath = "api/submissions/" + ArticleDrops.UrlPath(request.BlobName);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(request.Timeout);
        var unreachable = false;
        try
        {
            while (true)
            {
                try
                {
                    using var response = await http.GetAsync(statusPath, deadline.Token);
                    if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                    {
                        await output.WriteLineAsync(request.FunctionKey is null
                            ? $"The app at {request.Target} answered {(int)response.StatusCode}: it checks function keys, and submission outcomes are for editors. Pass a function or host key with --key <key> (or set {KeyVariable}); the local host logs its keys at start when LocalHost__EnableAuth=true, and in Azure `az functionapp keys list` shows them."
                            : $"The app at {request.Target} answered {(int)response.StatusCode}: it refused the function key given (--key or {KeyVariable}). Check that it is a function or host key of this app.");
                        return 1;
                    }

                    if (response.IsSuccessStatusCode
                        && await response.Content.ReadFromJsonAsync(DropJson.Default.SubmissionVerdict, deadline.Token) is { } verdict
                        && ArticleDrops.SameETag(verdict.SourceETag, etag.ToString()))
                    {
                        return await ReportAsync(verdict, output);
                    }
                }
                catch (HttpRequestException e) when (!unreachable)
                {
                    unreachable = true;
                    await output.WriteLineAsync($"Waiting for the app at {request.Target} ({e.Message})...");
                }
                catch (HttpRequestException)
                {
                    // Still not up; keep waiting until the deadline.
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await output.WriteLineAsync(
                $"No verdict on {request.BlobName} after {request.Timeout.TotalSeconds:0} s from {new Uri(request.Target, statusPath)}. Is the app running (./run.sh)?");
            return 1;
        }
    }

    private static async Task<int> ReportAsync(SubmissionVerdict verdict, TextWriter output)
    {
        switch (verdict.Status)
        {
            case "published":
                await output.WriteLineAsync($"Published: {verdict.Url}");
                return 0;
            case "draft":
                await output.WriteLineAsync("Saved as a draft: not published (remove 'draft: true' to publish it).");
                return 0;
            default:
                await output.WriteLineAsync($"Rejected: {verdict.Reason}");
                if (verdict.Url is not null)
                {
                    await output.WriteLineAsync($"The earlier version stays published: {verdict.Url}");
                }

                return Rejected;
        }
    }
}

/// <param name="FunctionKey">Sent as <c>x-functions-key</c> when reading the verdict; null for a host that checks no keys.</param>
internal sealed record DropRequest(string FilePath, string BlobName, bool Wait, Uri Target, TimeSpan Timeout, string? FunctionKey = null);

/// <summary>The part of <c>GET /api/submissions/{name}</c> the command reads.</summary>
internal sealed record SubmissionVerdict(string Status, string? Slug, Uri? Url, string? Reason, string? SourceETag);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SubmissionVerdict))]
internal sealed partial class DropJson : JsonSerializerContext;
