using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Publishing.Articles;
using Publishing.Comments;
using Publishing.Functions.Http;
using Publishing.Pages;
using Publishing.Publication;
using Publishing.Telemetry;

namespace Publishing.Functions.Comments;

/// <summary>
/// <c>POST /api/articles/{slug}/comments</c>: a JSON post answered <c>201</c> with the stored comment, or an HTML
/// form post answered <c>303</c> to the comment on the page. Cheap refusals come first (slug, content type, size,
/// fields, rate), then the article's existence, then the one write.
/// </summary>
/// <remarks>
/// A retry with the same <c>Idempotency-Key</c> from the same client network and with the same author and body
/// stores nothing and is answered from the comment as it is now: <c>201</c> (approved or pending), or <c>409</c>
/// once an editor has deleted it. The same key with another author or body is a <c>422</c>.
/// </remarks>
public sealed class CommentPostEndpoint(
    ArticleCatalog catalog,
    CommentStore store,
    CommentRateLimiter limiter,
    ResponseCache cache,
    IOptions<CommentOptions> options,
    IOptions<PublishingOptions> publishing,
    PublishingTelemetry telemetry,
    TimeProvider clock)
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public const int MaxIdempotencyKeyLength = 100;

    /// <summary>Set to <c>true</c> on a <c>201</c> that answers a retry instead of storing (as Stripe's API does).</summary>
    public const string IdempotentReplayedHeader = "Idempotent-Replayed";

    [Function(nameof(CommentPost))]
    public async Task<IActionResult> CommentPost(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/articles/{slug}/comments")] HttpRequest request,
        string slug,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Slug.IsSlug(slug))
        {
            return Refused(CommentRefusal.ArticleNotFound, NotFound(request, slug));
        }

        var isForm = IsMediaType(request.ContentType, "application/x-www-form-urlencoded");
        if (!isForm && !IsMediaType(request.ContentType, "application/json") && !IsMediaType(request.ContentType, "+json"))
        {
            return Refused(CommentRefusal.UnsupportedMediaType, ActionResults.Problem(request, StatusCodes.Status415UnsupportedMediaType, "Unsupported content type",
                "Post a comment as application/json ({\"author\",\"body\"}) or as an HTML form (application/x-www-form-urlencoded)."));
        }

        var limit = options.Value.MaxRequestBytes;
        if (request.ContentLength > limit || await ReadAtMostAsync(request.Body, limit, cancellationToken) is not { } bytes)
        {
            return Refused(CommentRefusal.TooLarge, ActionResults.Problem(request, StatusCodes.Status413PayloadTooLarge, "Comment too large",
                $"A comment post may be at most {limit} bytes; a comment's body at most {CommentValidator.MaxBodyLength} characters."));
        }

        if (Parse(bytes, isForm) is not { } post)
        {
            return Refused(CommentRefusal.InvalidJson, ActionResults.Problem(request, StatusCodes.Status400BadRequest, "Invalid JSON",
                "The request body is not a JSON object like {\"author\":\"Jane\",\"body\":\"Text\"}."));
        }

        var idempotencyKey = request.Headers[IdempotencyKeyHeader].ToString() is { Length: > 0 } key ? key : null;
        if (idempotencyKey is not null && (idempotencyKey.Length > MaxIdempotencyKeyLength || idempotencyKey.Any(c => c is < ' ' or > '~')))
        {
            return Refused(CommentRefusal.InvalidIdempotencyKey, ActionResults.BadParameter(request, IdempotencyKeyHeader,
                $"'{IdempotencyKeyHeader}' must be 1 to {MaxIdempotencyKeyLength} printable ASCII characters, the same for every retry of one post."));
        }

        var validation = CommentValidator.Validate(post.Author, post.Body);
        if (validation is not CommentValidation.Valid { Comment: var comment })
        {
            var invalid = (CommentValidation.Invalid)validation;
            var refusal = invalid.Field == "author" ? CommentRefusal.InvalidAuthor : CommentRefusal.InvalidBody;
            return Refused(refusal, ActionResults.BadField(request, invalid.Field, invalid.Detail));
        }

        var network = ClientAddress.Of(request) is { } address ? CommentRateLimiter.NetworkOf(address) : "unknown";
        if (limiter.TryAcquire(network) is { } wait)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            request.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            telemetry.CommentPosted(CommentPostResult.RateLimited);
            return ActionResults.Problem(request, StatusCodes.Status429TooManyRequests, "Too many comments",
                $"At most {options.Value.PostsPerMinute} comments a minute may be posted from one network. Try again in {seconds} seconds.");
        }

        if (await catalog.GetAsync(slug, cancellationToken) is not { Listing: not null })
        {
            return Refused(CommentRefusal.ArticleNotFound, NotFound(request, slug));
        }

        Comment stored;
        var headers = request.HttpContext.Response.Headers;
        if (!string.IsNullOrEmpty(post.Website))
        {
            // The honeypot: people never see the field, bots fill it in. Answer as if stored, so they learn nothing.
            var now = clock.GetUtcNow();
            stored = new Comment(Comment.NewId(now), comment.Author, comment.Body, now, State);
            telemetry.CommentPosted(CommentPostResult.Refused, CommentRefusal.Honeypot);
        }
        else
        {
            var scopedKey = idempotencyKey is null ? null : new IdempotencyKey(network, idempotencyKey);
            switch (await store.AddAsync(slug, comment, State, scopedKey, cancellationToken))
            {
                case CommentPostOutcome.Stored { Comment: var added }:
                    stored = added;
                    cache.Invalidate(CacheScope.Article(slug));
                    telemetry.CommentPosted(added.State == CommentState.Pending ? CommentPostResult.Pending : CommentPostResult.Stored);
                    break;
                case CommentPostOutcome.Replayed { Comment: var current }:
                    // Answered as the first post was (201), but with the comment as it is now, approved or pending.
                    stored = current;
                    headers[IdempotentReplayedHeader] = "true";
                    telemetry.CommentPosted(CommentPostResult.Replayed);
                    break;
                case CommentPostOutcome.Removed:
                    // 409, not 410: 410 would say the target, this article's comment collection, is gone (and is
                    // cacheable by default), while it is the post that conflicts with the current state: its
                    // comment was deleted and its key is spent. Nothing is stored again and the text is not echoed.
                    return Refused(CommentRefusal.Removed, ActionResults.Problem(request, StatusCodes.Status409Conflict, "Comment removed",
                        $"The comment posted with this '{IdempotencyKeyHeader}' was removed by an editor and will not be stored again. A new comment needs a new '{IdempotencyKeyHeader}'."));
                case CommentPostOutcome.KeyReused:
                    return Refused(CommentRefusal.KeyReused, ActionResults.Problem(request, StatusCodes.Status422UnprocessableEntity, "Idempotency-Key reused for a different comment",
                        $"This '{IdempotencyKeyHeader}' was already used for a comment with another author or body. Retry with the same author and body, or send a new comment with a new '{IdempotencyKeyHeader}'."));
                default:
                    throw new InvalidOperationException("Unknown outcome of a comment post.");
            }
        }

        if (isForm)
        {
            // A pending comment is not on the page yet: land on the comments section instead.
            headers.Location = stored.State == CommentState.Pending ? $"/articles/{slug}#comments" : $"/articles/{slug}#comment-{stored.Id}";
            return Results.StatusCode(StatusCodes.Status303SeeOther).ToActionResult();
        }

        headers.Location = publishing.Value.ArticleUrl(slug).AbsoluteUri + "#comment-" + stored.Id;
        return Results.Text(
            JsonSerializer.Serialize(CommentJson.From(stored), CommentJsonContext.Default.CommentJson),
            "application/json; charset=utf-8",
            Encoding.UTF8,
            StatusCodes.Status201Created).ToActionResult();
    }

    private CommentState State => options.Value.RequireApproval ? CommentState.Pending : CommentState.Approved;

    private IActionResult Refused(CommentRefusal refusal, IActionResult answer)
    {
        telemetry.CommentPosted(CommentPostResult.Refused, refusal);
        return answer;
    }

    private static IActionResult NotFound(HttpRequest request, string slug) =>
        ActionResults.Problem(request, StatusCodes.Status404NotFound, "Article not found", $"There is no published article '{slug}' to comment on.");

    /// <summary>Whether the content type is <paramref name="mediaType"/> (or, for a <c>+suffix</c>, has that suffix), whatever its parameters.</summary>
    private static bool IsMediaType(string? contentType, string mediaType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && (mediaType.StartsWith('+')
            ? media.MediaType.EndsWith(mediaType, StringComparison.OrdinalIgnoreCase)
            : media.MediaType.Equals(mediaType, StringComparison.OrdinalIgnoreCase));

    /// <summary>The body, or null when it is longer than <paramref name="limit"/>: never reads more than one byte past it.</summary>
    private static async Task<byte[]?> ReadAtMostAsync(Stream body, int limit, CancellationToken cancellationToken)
    {
        var buffer = new byte[limit + 1];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                return buffer[..length];
            }

            length += read;
        }

        return null;
    }

    private static CommentPostJson? Parse(byte[] bytes, bool isForm)
    {
        if (isForm)
        {
            var fields = new FormReader(Encoding.UTF8.GetString(bytes)).ReadForm();
            string? Field(string name) => fields.TryGetValue(name, out var value) ? value.ToString() : null;
            return new CommentPostJson(Field("author"), Field("body"), Field(ArticlePageHtml.HoneypotField));
        }

        try
        {
            return JsonSerializer.Deserialize(bytes, CommentJsonContext.Default.CommentPostJson);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
