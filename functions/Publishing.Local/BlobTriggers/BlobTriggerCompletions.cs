using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Publishing.Local.Configuration;
using Publishing.Local.Functions;
using Publishing.Local.Http;

namespace Publishing.Local.BlobTriggers;

/// <summary>A blob-trigger invocation whose message is settled: the function returned, or failed its last try.</summary>
/// <param name="ETag">The blob version its event was about, quoted; null when the event did not say.</param>
/// <param name="Failure">
/// Null when the function returned; else why no outcome will come from this event: every try failed and the message
/// went to the poison queue.
/// </param>
internal sealed record CompletedInvocation(string Function, string Container, string Blob, string? ETag = null, string? Failure = null);

/// <summary>
/// What <c>GET /_local/blob-triggers/completed</c> answers: the invocations completed after the cursor asked with,
/// oldest first, and the cursor to ask with next. <see cref="Missed"/>: some completed after it are no longer kept
/// (more than <see cref="LocalHostOptions.CompletionsKept"/> since, or the host restarted since the cursor was given),
/// so a caller must look at everything it waits for.
/// </summary>
internal sealed record CompletedInvocations(string Cursor, bool Missed, IReadOnlyList<CompletedInvocation> Completed);

/// <summary>
/// The blob-trigger invocations this host has completed, the last <see cref="LocalHostOptions.CompletionsKept"/> of
/// them in a ring, each numbered in order, so that a tool waiting for files to be published (<c>drop --wait</c>) asks
/// the app for a file's outcome once its invocation is over instead of asking again and again. It names invocations,
/// not outcomes: what became of a file is still the app's to say (a function may have failed on its last try, or run
/// for an older version of the blob). A cursor is <c>{run}.{number}</c>: <c>run</c> is made up at each start, so a
/// cursor from before a restart is known for what it is.
/// </summary>
internal sealed class BlobTriggerCompletions
{
    public const string Route = "/_local/blob-triggers/completed";

    /// <summary>The longest a request may wait for a completion (<c>wait</c>, in seconds).</summary>
    public const int MaxWaitSeconds = 30;

    private readonly CompletedInvocation[] _ring;
    private readonly Lock _gate = new();
    private long _next;
    private TaskCompletionSource _added = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public BlobTriggerCompletions(IOptions<LocalHostOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _ring = new CompletedInvocation[options.Value.CompletionsKept];
    }

    /// <summary>This run of the host, in every cursor it gives.</summary>
    public string Run { get; } = Guid.NewGuid().ToString("N");

    public void Add(CompletedInvocation invocation)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        TaskCompletionSource added;
        lock (_gate)
        {
            _ring[_next % _ring.Length] = invocation;
            _next++;
            added = _added;
            _added = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        added.TrySetResult();
    }

    /// <summary>
    /// The invocations completed after <paramref name="after"/> (a cursor of this run, or null: the current end, no
    /// invocation), waiting up to <paramref name="wait"/> for one when there is none yet. A cursor of another run
    /// reads from the oldest kept, as missed.
    /// </summary>
    public async Task<CompletedInvocations> ReadAsync(Cursor? after, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (after is { } cursor && cursor.Run == Run && wait > TimeSpan.Zero)
        {
            Task added;
            lock (_gate)
            {
                added = _next > cursor.Number ? Task.CompletedTask : _added.Task;
            }

            try
            {
                await added.WaitAsync(wait, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Nothing completed meanwhile: an empty answer.
            }
        }

        lock (_gate)
        {
            var oldest = Math.Max(0, _next - _ring.Length);
            if (after is not { } from)
            {
                return new CompletedInvocations(CursorAt(_next), false, []);
            }

            var missed = from.Run != Run || from.Number < oldest;
            var start = from.Run != Run ? oldest : Math.Max(from.Number, oldest);
            var completed = new CompletedInvocation[_next - start];
            for (var n = start; n < _next; n++)
            {
                completed[n - start] = _ring[n % _ring.Length];
            }

            return new CompletedInvocations(CursorAt(_next), missed, completed);
        }
    }

    /// <summary>Whether <paramref name="cursor"/> could have been given by this host: another run's, or one of this run's up to now.</summary>
    public bool CouldHaveGiven(Cursor cursor)
    {
        lock (_gate)
        {
            return cursor.Run != Run || cursor.Number <= _next;
        }
    }

    private string CursorAt(long number) => string.Create(CultureInfo.InvariantCulture, $"{Run}.{number}");

    /// <summary>A position in a run's completions: after the first <see cref="Number"/> of them.</summary>
    internal readonly record struct Cursor(string Run, long Number)
    {
        public static bool TryParse(string text, out Cursor cursor)
        {
            cursor = default;
            var dot = text.IndexOf('.', StringComparison.Ordinal);
            if (dot != 32
                || !Guid.TryParseExact(text.AsSpan(0, dot), "N", out _)
                || !long.TryParse(text.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            cursor = new Cursor(text[..dot].ToLowerInvariant(), number);
            return true;
        }
    }
}

/// <summary>
/// <c>GET /_local/blob-triggers/completed[?after={cursor}][&amp;wait={seconds}]</c>, the local host's own (not the
/// Functions host's: <c>func start</c> and Azure answer 404): without <c>after</c>, the cursor of the current end; with
/// it, the invocations completed since, waiting up to <c>wait</c> seconds (0 to 30, default 0) for one. Behind the
/// host key when keys are enforced, as the submission status route it stands in for.
/// </summary>
internal static class BlobTriggerCompletionsRoute
{
    public static IEndpointConventionBuilder MapBlobTriggerCompletions(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(BlobTriggerCompletions.Route, HandleAsync).WithDisplayName("Blob-trigger completions").WithMetadata(HostEndpoint.Instance);

    private static async Task HandleAsync(HttpContext context)
    {
        if (context.RequestServices.GetService<FunctionKeys>() is { } keys && !keys.Allows(context.Request, AuthorizationLevel.Function))
        {
            await Problems.WriteAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized",
                $"Function keys are enforced: send the host key or the master key as {FunctionKeys.HeaderName}.");
            return;
        }

        var completions = context.RequestServices.GetRequiredService<BlobTriggerCompletions>();
        BlobTriggerCompletions.Cursor? after = null;
        if (context.Request.Query.TryGetValue("after", out var afterText))
        {
            if (!BlobTriggerCompletions.Cursor.TryParse(afterText.ToString(), out var cursor) || !completions.CouldHaveGiven(cursor))
            {
                await Problems.WriteAsync(context, StatusCodes.Status400BadRequest, "Bad cursor",
                    $"'after' is a cursor this route answered with ({completions.Run}.<number>), not '{afterText}'. Ask without 'after' for the current one.");
                return;
            }

            after = cursor;
        }

        var wait = 0;
        if (context.Request.Query.TryGetValue("wait", out var waitText)
            && (!int.TryParse(waitText.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out wait) || wait > BlobTriggerCompletions.MaxWaitSeconds))
        {
            await Problems.WriteAsync(context, StatusCodes.Status400BadRequest, "Bad wait",
                $"'wait' is a whole number of seconds from 0 to {BlobTriggerCompletions.MaxWaitSeconds}, not '{waitText}'.");
            return;
        }

        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(
            context.RequestAborted, context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
        CompletedInvocations page;
        try
        {
            page = await completions.ReadAsync(after, TimeSpan.FromSeconds(wait), stopping.Token);
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            page = await completions.ReadAsync(after, TimeSpan.Zero, CancellationToken.None); // the host is stopping: what there is
        }

        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsJsonAsync(page, CompletionsJson.Default.CompletedInvocations, cancellationToken: context.RequestAborted);
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CompletedInvocations))]
internal sealed partial class CompletionsJson : JsonSerializerContext;
