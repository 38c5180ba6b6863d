using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Publishing.Local.Commands;

/// <summary>
/// <c>drop &lt;file or folder&gt;... [--wait]</c>: uploads files, and every file of folders (their paths below the
/// folder kept as blob names), to the articles container as an editor would with Storage Explorer, several at once;
/// with <c>--wait</c>, waits for what became of each upload and prints a summary: published, drafts, rejected with
/// each reason, and files/s for the whole import (the bulk figure of docs/performance.md). Exit code 0 when every
/// file is published (or saved as a draft), 3 when any is rejected, 1 when an upload or the wait failed.
/// </summary>
/// <remarks>
/// Outcomes come from <c>GET /api/submissions/{name}</c>, which is behind a function key: the key from
/// <c>--key</c>, else from <see cref="KeyVariable"/>, goes as <c>x-functions-key</c>. Without one it works against a
/// host that checks no keys (the local host and <c>func start</c> by default). Against the local host, a file's outcome
/// is asked for once its blob-trigger invocation is over (<see cref="CompletionFeed"/>): about once per file. Elsewhere,
/// outcomes are asked for in upload order, at most <c>--parallel</c> at a time and each at most every 200 ms while
/// none arrives. Either way the checks cost the app little next to the publishing they wait for.
/// </remarks>
internal sealed class DropCommand : Command
{
    public const int Rejected = 3;

    /// <summary>The environment variable that holds the function key when <c>--key</c> is not given.</summary>
    public const string KeyVariable = "PUBLISHING_FUNCTION_KEY";

    /// <summary>Up to this many published files are listed one by one in the summary; past it, only counted.</summary>
    public const int ListedPublished = 20;

    /// <summary>Up to this many failed files are listed one by one; past it, only counted (a dead app fails them all alike).</summary>
    public const int ListedFailures = 20;

    private const string NoOutcome = "no outcome";

    private const string KeyHeader = "x-functions-key";
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(200);

    private readonly CommandContext _context;
    private readonly Option<Uri> _target;

    private readonly Argument<string[]> _paths = new("paths")
    {
        Description = "Files and folders to drop. A folder's files (hidden ones left out) keep their paths below it as blob names (2025/05/a.md); a file's blob name is its file name",
        Arity = ArgumentArity.OneOrMore,
        HelpName = "file or folder",
    };

    private readonly Option<string?> _as = CommandOptions.Text("--as", "Blob name for a single file, e.g. 2025/05/my-article.md", "blob name");

    private readonly Option<bool> _wait = CommandOptions.Flag("--wait", "Wait for what became of every file, then print the summary with files/s");

    private readonly Option<string?> _key = CommandOptions.Text(
        "--key",
        $"Function or host key to read outcomes from an app that checks keys; default ${KeyVariable}",
        "key");

    private readonly Option<int> _timeout = CommandOptions.Seconds("--timeout", "With --wait: give up when no new outcome arrives for this long", 60, 1, 3600);

    private readonly Option<int> _parallel = CommandOptions.Number("--parallel", "Uploads, and outcome checks, at once", 8, 1, 64);

    private readonly Option<bool> _direct = CommandOptions.Direct();

    public DropCommand(CommandContext context)
        : base("drop", "Upload article files and folders to the articles container; with --wait, print what became of each and the files/s of the whole import. "
            + "Exit code: 0 published or draft, 3 any rejected, 1 failed.")
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        _target = CommandOptions.Target(context);
        Arguments.Add(_paths);
        Options.Add(_as);
        Options.Add(_wait);
        Options.Add(_key);
        Options.Add(_target);
        Options.Add(_timeout);
        Options.Add(_parallel);
        Options.Add(_direct);
        Validators.Add(result =>
        {
            if (result.GetValue(_as) is not null && result.GetValue(_paths) is { Length: > 1 })
            {
                result.AddError("--as names the blob of a single file; several files and folders keep their own names.");
            }
        });
        SetAction((parsed, cancellationToken) => DropAsync(Read(parsed), cancellationToken));
    }

    internal DropRequest Read(ParseResult parsed)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        return new DropRequest(
            parsed.GetValue(_paths) ?? [],
            parsed.GetValue(_as) is { Length: > 0 } name ? name : null,
            parsed.GetValue(_wait),
            parsed.GetValue(_target)!,
            parsed.GetSeconds(_timeout),
            parsed.GetValue(_key) is { Length: > 0 } key ? key : Environment.GetEnvironmentVariable(KeyVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null,
            parsed.GetValue(_parallel),
            parsed.GetValue(_direct));
    }

    public async Task<int> DropAsync(DropRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var console = _context.Console;
        var missing = request.Paths.Where(p => !File.Exists(p) && !Directory.Exists(p)).ToList();
        foreach (var path in missing)
        {
            console.WriteLine($"No such file or folder: {path}", Tone.Bad);
        }

        if (missing.Count > 0)
        {
            return 1;
        }

        var files = DropFiles.Collect(request.Paths, request.BlobName);
        if (files.Count == 0)
        {
            console.WriteLine($"Nothing to drop: no files in {string.Join(", ", request.Paths)}.", Tone.Bad);
            return 1;
        }

        var (container, through) = await ArticleDrops.ContainerAsync(_context.BuildConfiguration(), request.Direct, cancellationToken);
        try
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }
        catch (Exception e) when (IsStorageFailure(e))
        {
            console.WriteLine($"Could not upload to {container.Uri}: {e.Message}", Tone.Bad);
            console.WriteLine("Is Azurite running? ./run.sh starts it (or reuses one on 127.0.0.1:10000-10002).");
            return 1;
        }

        if (through is not null)
        {
            console.WriteLine($"Uploading through the app's blob endpoint ({through}): each file reaches the app as it lands.");
        }

        using var http = request.Wait ? OutcomeClient(request) : null;
        // Taken before the first upload, so that no invocation of one of them can complete unseen.
        var feed = http is null ? null : await CompletionFeed.OpenAsync(http, cancellationToken);
        var results = files.Select(f => new DropResult(f)).ToArray();
        var started = Stopwatch.GetTimestamp();
        TimeSpan uploadTime = default;
        string? abort = null;
        try
        {
            abort = await console.WithProgressAsync(async bars =>
            {
                await UploadAsync(container, results, request.Parallel, bars, cancellationToken);
                uploadTime = Stopwatch.GetElapsedTime(started);
                ReportUploads(container, results, uploadTime);
                return http is null ? null : await WaitForOutcomesAsync(request, http, feed, container.Name, results, bars, cancellationToken);
            });
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Stopped after {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s: {results.Count(r => r.ETag is not null)} of {results.Length} files uploaded, {results.Count(r => r.Verdict is not null)} outcomes known."), Tone.Warning);
            throw;
        }

        if (abort is not null)
        {
            console.WriteLine(abort, Tone.Bad);
            return 1;
        }

        return request.Wait || results.Any(r => r.Failure is not null) ? Summarise(request, results, Stopwatch.GetElapsedTime(started)) : 0;
    }

    private static async Task UploadAsync(BlobContainerClient container, DropResult[] results, int parallel, ProgressBars bars, CancellationToken cancellationToken)
    {
        var bar = bars.Add("Uploading", results.Length, "files");
        await Parallel.ForEachAsync(
            results,
            new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellationToken },
            async (result, token) =>
            {
                try
                {
                    await using var content = File.OpenRead(result.File.Path);
                    var uploaded = await container.GetBlobClient(result.File.BlobName).UploadAsync(
                        content,
                        new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = ContentTypes.For(result.File.BlobName) } },
                        token);
                    result.ETag = uploaded.Value.ETag.ToString();
                }
                catch (Exception e) when (IsStorageFailure(e) || e is IOException or UnauthorizedAccessException)
                {
                    result.Failure = $"not uploaded: {e.Message}";
                }

                bar.Advance();
            });
        bar.Finish();
    }

    private void ReportUploads(BlobContainerClient container, DropResult[] results, TimeSpan elapsed)
    {
        var uploaded = results.Where(r => r.ETag is not null).ToList();
        if (results is [{ ETag: { } etag } only])
        {
            _context.Console.WriteLine($"Dropped {only.File.Path} as {container.Name}/{only.File.BlobName} (ETag {etag}).");
            return;
        }

        var bytes = uploaded.Sum(r => new FileInfo(r.File.Path).Length);
        _context.Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Uploaded {uploaded.Count} of {results.Length} files ({bytes / 1024.0:#,0} KiB) to '{container.Name}' in {elapsed.TotalSeconds:0.0} s ({uploaded.Count / Math.Max(elapsed.TotalSeconds, 0.001):#,0} files/s)."));
    }

    private static HttpClient OutcomeClient(DropRequest request)
    {
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = request.Parallel + 1 }) { BaseAddress = request.Target, Timeout = TimeSpan.FromSeconds(10) };
        if (request.FunctionKey is { } key)
        {
            http.DefaultRequestHeaders.Add(KeyHeader, key);
        }

        return http;
    }

    /// <summary>
    /// Asks for outcomes until every uploaded file has one; returns why it stopped early (keys refused), else null.
    /// With the local host's <paramref name="feed"/>, a file is asked about when an invocation for it completes (once,
    /// unless that invocation did not settle it: an older version; a last try of this version that failed, with no
    /// outcome in the status, fails the file with the host's reason), every waiting file when the feed
    /// missed some, and the first <c>--parallel</c> waiting ones after a quiet second (an invocation elsewhere, or
    /// none at all). Without one, the first <c>--parallel</c> waiting files in upload order, again at once while a whole
    /// batch has answered and after 200 ms otherwise.
    /// </summary>
    private static async Task<string?> WaitForOutcomesAsync(
        DropRequest request, HttpClient http, CompletionFeed? feed, string container, DropResult[] results, ProgressBars bars, CancellationToken cancellationToken)
    {
        var waiting = results.Where(r => r.ETag is not null).ToList();
        var byName = waiting.ToDictionary(r => r.File.BlobName, StringComparer.Ordinal);
        var bar = bars.Add("Waiting for outcomes", waiting.Count, "files");
        var lastOutcome = Stopwatch.GetTimestamp();
        var saidUnreachable = false;
        while (waiting.Count > 0)
        {
            var polling = false;
            List<DropResult> window;
            Dictionary<DropResult, string> failedForGood = [];
            if (feed is not null && await feed.NextAsync(cancellationToken) is { } page)
            {
                // An invocation for the very version uploaded that failed its last try leaves no outcome to wait for,
                // unless the status says otherwise (a later event published it): the check below still comes first.
                foreach (var completed in page.Completed)
                {
                    if (byName.GetValueOrDefault(completed.Blob) is { Verdict: null } result
                        && CompletionFeed.FailedForGood(completed, container, result.File.BlobName, result.ETag))
                    {
                        failedForGood[result] = completed.Failure!;
                    }
                }

                window = page.Missed
                    ? [.. waiting]
                    : [.. page.Completed
                        .Where(c => string.Equals(c.Container, container, StringComparison.Ordinal))
                        .Select(c => byName.GetValueOrDefault(c.Blob))
                        .OfType<DropResult>()
                        .Where(r => r.Verdict is null && r.Failure is null)
                        .Distinct()];
                if (page.Completed.Count == 0 && !page.Missed)
                {
                    window = [.. waiting.Take(request.Parallel)];
                }
            }
            else
            {
                polling = true;
                window = [.. waiting.Take(request.Parallel)];
            }

            var settled = 0;
            foreach (var batch in window.Chunk(request.Parallel))
            {
                var checks = await Task.WhenAll(batch.Select(r => CheckAsync(http, r, cancellationToken)));
                if (checks.FirstOrDefault(c => c.Refused is not null) is { Refused: { } status })
                {
                    bar.Finish();
                    return request.FunctionKey is null
                        ? $"The app at {request.Target} answered {(int)status}: it checks function keys, and submission outcomes are for editors. Pass a function or host key with --key <key> (or set {KeyVariable}); the local host logs its keys at start when LocalHost__EnableAuth=true, and in Azure `az functionapp keys list` shows them."
                        : $"The app at {request.Target} answered {(int)status}: it refused the function key given (--key or {KeyVariable}). Check that it is a function or host key of this app.";
                }

                if (!saidUnreachable && checks.FirstOrDefault(c => c.Unreachable is not null) is { Unreachable: { } why })
                {
                    saidUnreachable = true;
                    bars.WriteLine($"Waiting for the app at {request.Target} ({why})...", Tone.Warning);
                }

                for (var i = 0; i < batch.Length; i++)
                {
                    if (checks[i].Verdict is { } verdict)
                    {
                        batch[i].Verdict = verdict;
                        waiting.Remove(batch[i]);
                        settled++;
                    }
                    else if (checks[i].Unreachable is null && failedForGood.TryGetValue(batch[i], out var failure))
                    {
                        batch[i].Failure = failure;
                        waiting.Remove(batch[i]);
                        settled++;
                    }
                }
            }

            bar.Advance(settled);
            if (settled > 0)
            {
                lastOutcome = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(lastOutcome) >= request.Timeout)
            {
                break;
            }

            // Polling, a full window of outcomes means more are likely ready: ask again at once.
            if (polling && settled < window.Count)
            {
                await Task.Delay(PollEvery, cancellationToken);
            }
        }

        foreach (var result in waiting)
        {
            result.Failure = NoOutcome;
        }

        if (waiting.Count > 0)
        {
            bars.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"No outcome for {waiting.Count} files from {new Uri(request.Target, StatusPath(waiting[0].File.BlobName))} and the like within {request.Timeout.TotalSeconds:0} s of the last one. Is the app running (./run.sh), with its relay?"),
                Tone.Bad);
        }

        bar.Finish();
        return null;
    }

    private static async Task<Check> CheckAsync(HttpClient http, DropResult result, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(StatusPath(result.File.BlobName), cancellationToken);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                return new Check(null, response.StatusCode, null);
            }

            return response.IsSuccessStatusCode
                && await response.Content.ReadFromJsonAsync(DropJson.Default.SubmissionVerdict, cancellationToken) is { } verdict
                && ArticleDrops.SameETag(verdict.SourceETag, result.ETag)
                ? new Check(verdict, null, null)
                : new Check(null, null, null);
        }
        catch (HttpRequestException e)
        {
            return new Check(null, null, e.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Check(null, null, $"no answer within {http.Timeout.TotalSeconds:0} s");
        }
    }

    private static string StatusPath(string blobName) => "api/submissions/" + ArticleDrops.UrlPath(blobName);

    private int Summarise(DropRequest request, DropResult[] results, TimeSpan elapsed)
    {
        var console = _context.Console;
        var published = results.Where(r => r.Verdict?.Status == "published").ToList();
        var drafts = results.Where(r => r.Verdict?.Status == "draft").ToList();
        var rejected = results.Where(r => r.Verdict?.Status == "rejected").ToList();
        foreach (var other in results.Where(r => r.Verdict is { Status: not ("published" or "draft" or "rejected") }))
        {
            other.Failure = $"the app answered status '{other.Verdict!.Status}'";
        }

        var failed = results.Where(r => r.Failure is not null).ToList();
        foreach (var result in published.Take(published.Count <= ListedPublished ? published.Count : 0))
        {
            console.WriteLine($"Published: {result.Verdict!.Url}", Tone.Good);
        }

        if (published.Count > ListedPublished)
        {
            console.WriteLine($"Published: {published.Count} files, the first at {published[0].Verdict!.Url}", Tone.Good);
        }

        foreach (var result in drafts)
        {
            console.WriteLine($"Saved as a draft: {result.File.BlobName} is not published (remove 'draft: true' to publish it).", Tone.Warning);
        }

        foreach (var result in rejected)
        {
            console.WriteLine($"Rejected: {result.File.BlobName}: {result.Verdict!.Reason}", Tone.Bad);
            if (result.Verdict.Url is not null)
            {
                console.WriteLine($"  The earlier version stays published: {result.Verdict.Url}");
            }
        }

        foreach (var result in failed.Take(ListedFailures))
        {
            console.WriteLine($"Failed: {result.File.BlobName}: {result.Failure}", Tone.Bad);
        }

        if (failed.Count > ListedFailures)
        {
            console.WriteLine($"Failed: {failed.Count - ListedFailures} more files.", Tone.Bad);
        }

        var line = request.Wait
            ? string.Create(CultureInfo.InvariantCulture,
                $"{results.Length} files: {published.Count} published, {drafts.Count} drafts, {rejected.Count} rejected, {failed.Count} failed, in {elapsed.TotalSeconds:0.0} s from the first upload to the last outcome: {(results.Length - failed.Count) / Math.Max(elapsed.TotalSeconds, 0.001):#,0.0} files/s.")
            : string.Create(CultureInfo.InvariantCulture, $"{results.Length} files: {results.Length - failed.Count} uploaded, {failed.Count} failed.");
        console.WriteLine(line, failed.Count > 0 || rejected.Count > 0 ? Tone.Bad : Tone.Good);
        return failed.Count > 0 ? 1 : rejected.Count > 0 ? Rejected : 0;
    }

    private static bool IsStorageFailure(Exception e) => e is RequestFailedException or AggregateException or HttpRequestException;

    private sealed record Check(SubmissionVerdict? Verdict, HttpStatusCode? Refused, string? Unreachable);

    /// <summary>One file's way through the command; written by one task at a time.</summary>
    private sealed class DropResult(DropFile file)
    {
        public DropFile File { get; } = file;

        public string? ETag { get; set; }

        public SubmissionVerdict? Verdict { get; set; }

        public string? Failure { get; set; }
    }
}

/// <param name="Paths">Files and folders.</param>
/// <param name="BlobName">The blob name of the one file dropped, instead of its file name.</param>
/// <param name="FunctionKey">Sent as <c>x-functions-key</c> when reading outcomes; null for a host that checks no keys.</param>
internal sealed record DropRequest(IReadOnlyList<string> Paths, string? BlobName, bool Wait, Uri Target, TimeSpan Timeout, string? FunctionKey, int Parallel, bool Direct = false);

/// <summary>A file to drop and the blob name it gets.</summary>
internal sealed record DropFile(string Path, string BlobName);

/// <summary>The files that <c>drop</c>'s arguments name.</summary>
internal static class DropFiles
{
    /// <summary>
    /// Each file as itself (named <paramref name="blobName"/> or its file name), each folder as its files, hidden
    /// ones (a leading '.') left out, named by their paths below it with '/'. Paths that do not exist are left out.
    /// </summary>
    /// <exception cref="CommandLineException"><paramref name="blobName"/> with a folder, or two files that would get one blob name.</exception>
    public static IReadOnlyList<DropFile> Collect(IReadOnlyList<string> paths, string? blobName)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var files = new List<DropFile>();
        foreach (var path in paths)
        {
            if (File.Exists(path))
            {
                files.Add(new DropFile(path, blobName ?? Path.GetFileName(path)));
            }
            else if (Directory.Exists(path))
            {
                if (blobName is not null)
                {
                    throw new CommandLineException($"--as names the blob of a single file, and {path} is a folder: its files keep their own paths.");
                }

                var root = Path.GetFullPath(path);
                var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System };
                files.AddRange(Directory.EnumerateFiles(root, "*", options)
                    .Select(file => new DropFile(file, Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/')))
                    .OrderBy(file => file.BlobName, StringComparer.Ordinal));
            }
        }

        if (files.GroupBy(f => f.BlobName, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } clash)
        {
            throw new CommandLineException($"Two files would both become the blob '{clash.Key}': {string.Join(" and ", clash.Select(f => f.Path))}. Drop them separately.");
        }

        return files;
    }
}

/// <summary>The part of <c>GET /api/submissions/{name}</c> the command reads.</summary>
internal sealed record SubmissionVerdict(string Status, string? Slug, Uri? Url, string? Reason, string? SourceETag);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SubmissionVerdict))]
internal sealed partial class DropJson : JsonSerializerContext;
