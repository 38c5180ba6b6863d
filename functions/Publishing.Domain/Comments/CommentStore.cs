using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Publishing.Storage;

namespace Publishing.Comments;

/// <summary>One page of an article's comments, oldest first; <see cref="NextKey"/> is the last row's key when more follow.</summary>
public sealed record CommentPage(IReadOnlyList<Comment> Items, string? NextKey);

/// <summary>
/// A client's <c>Idempotency-Key</c> and the client it belongs to: a key is only ever looked up within its
/// <paramref name="Client"/> (the network <see cref="CommentRateLimiter.NetworkOf"/> gives), never across clients.
/// </summary>
public sealed record IdempotencyKey(string Client, string Key);

/// <summary>What <see cref="CommentStore.AddAsync"/> made of a post.</summary>
public abstract record CommentPostOutcome
{
    private CommentPostOutcome()
    {
    }

    /// <summary>Stored now, as <see cref="Comment"/>.</summary>
    public sealed record Stored(Comment Comment) : CommentPostOutcome;

    /// <summary>A retry of a post stored before: the comment as it is now (approved or still pending), stored once.</summary>
    public sealed record Replayed(Comment Comment) : CommentPostOutcome;

    /// <summary>A retry of a post stored before whose comment has since been deleted (or rejected): it stays deleted.</summary>
    public sealed record Removed(string Id) : CommentPostOutcome;

    /// <summary>The client used this key before for a post with another author or body; nothing was stored or shown.</summary>
    public sealed record KeyReused : CommentPostOutcome;
}

/// <summary>
/// The <c>comments</c> table: one partition per article (PartitionKey = slug), one row per comment keyed by its id,
/// so the comments are in RowKey order oldest first and a page is one range query.
/// </summary>
/// <remarks>
/// Besides the shown comments (whose keys start with digits) a partition holds rows starting with '~', after every
/// shown comment: the count row (<see cref="CountKey"/>), comments waiting for approval (<c>~pending-{id}</c>,
/// not counted) and one row per client and <c>Idempotency-Key</c> naming the comment it stored (see
/// <see cref="IdempotencyRowKey"/>). Approving moves a pending row to its id and counts it; deleting a shown comment
/// uncounts it, each in one transaction. A comment, its idempotency row and the new count are written in one entity group transaction,
/// conditional on the count row's ETag (read again and retried on conflict), so the count is exact and a retried
/// post stores once: either all three are written or none is. Writes to one article are also queued within this
/// process, so concurrent posts on one instance do not spend their attempts on conflicts with each other.
/// </remarks>
public sealed class CommentStore(StorageLayout storage, TimeProvider clock)
{
    public const string CountKey = "~count";

    /// <summary>The name paging cursors of <paramref name="slug"/>'s comments are signed for ('/' is in no tag or slug).</summary>
    public static string CursorListing(string slug) => "comments/" + slug;

    private const string IdempotencyPrefix = "~idem-";

    /// <summary>Pending comments are kept as <c>~pending-{id}</c>: after every shown comment, so listings never see them.</summary>
    private const string PendingPrefix = "~pending-";

    private const string PendingEnd = "~pending.";

    /// <summary>Every comment key is below this; every bookkeeping row at or above it.</summary>
    private const string BookkeepingStart = "~";

    private const int MaxAttempts = 30;

    /// <summary>A post is retried when another post changed the count or stored the key between its read and its transaction.</summary>
    private readonly OptimisticRetry _postRetry = new(MaxAttempts, WriteRefusals.Conflict | WriteRefusals.PreconditionFailed, clock);

    /// <summary>An approval or deletion is also retried when the row it read has moved meanwhile.</summary>
    private readonly OptimisticRetry _moveRetry = new(MaxAttempts, WriteRefusals.Conflict | WriteRefusals.PreconditionFailed | WriteRefusals.NotFound, clock);

    private readonly SemaphoreSlim[] _partitionGates = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    /// <summary>
    /// Stores <paramref name="comment"/> on <paramref name="slug"/> as <paramref name="state"/>. With an
    /// <paramref name="idempotencyKey"/> this client already used on this article, stores nothing and tells what
    /// became of that earlier post instead. Throws <see cref="RequestFailedException"/> when storage fails: then the
    /// post was stored completely or not at all, and a retry with the same key stores it at most once.
    /// </summary>
    public async Task<CommentPostOutcome> AddAsync(
        string slug, NewComment comment, CommentState state, IdempotencyKey? idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slug);
        ArgumentNullException.ThrowIfNull(comment);
        await storage.EnsureCreatedAsync(cancellationToken);
        return await SerialisedAsync(slug, () => AddOnceAsync(slug, comment, state, idempotencyKey, cancellationToken), cancellationToken);
    }

    /// <summary>Up to <paramref name="limit"/> comments of <paramref name="slug"/> waiting for approval, oldest first.</summary>
    public async Task<IReadOnlyList<Comment>> PendingAsync(string slug, int limit, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {slug} and RowKey gt {PendingPrefix} and RowKey lt {PendingEnd}");
        var rows = new List<Comment>();
        try
        {
            await foreach (var page in storage.Comments.QueryAsync<TableEntity>(filter, limit, cancellationToken: cancellationToken).AsPages())
            {
                rows.AddRange(page.Values.Take(limit - rows.Count).Select(FromEntity));
                if (rows.Count >= limit)
                {
                    break;
                }
            }
        }
        catch (RequestFailedException e) when (e.IsNotFound())
        {
            // no table yet
        }

        return rows;
    }

    /// <summary>Shows a pending comment and counts it; null when there is no such comment. Approving twice is harmless.</summary>
    public async Task<Comment?> ApproveAsync(string slug, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        await storage.EnsureCreatedAsync(cancellationToken);
        return await SerialisedAsync(slug, () => ChangeCountedAsync(slug, id, approve: true, cancellationToken), cancellationToken);
    }

    /// <summary>Deletes a comment, pending or shown, keeping the count right; null when there was none.</summary>
    public async Task<Comment?> DeleteAsync(string slug, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        await storage.EnsureCreatedAsync(cancellationToken);
        return await SerialisedAsync(slug, () => ChangeCountedAsync(slug, id, approve: false, cancellationToken), cancellationToken);
    }

    /// <summary>Up to <paramref name="limit"/> comments after <paramref name="afterKey"/>, reading one more row to learn whether a next page exists.</summary>
    public async Task<CommentPage> PageAsync(string slug, int limit, string? afterKey, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var filter = afterKey is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {slug} and RowKey lt {BookkeepingStart}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {slug} and RowKey gt {afterKey} and RowKey lt {BookkeepingStart}");
        var rows = new List<Comment>(limit + 1);
        try
        {
            await foreach (var page in storage.Comments.QueryAsync<TableEntity>(filter, limit + 1, cancellationToken: cancellationToken).AsPages())
            {
                rows.AddRange(page.Values.Take(limit + 1 - rows.Count).Select(FromEntity));
                if (rows.Count > limit)
                {
                    break;
                }
            }
        }
        catch (RequestFailedException e) when (e.IsNotFound())
        {
            // no table yet: no comments
        }

        return rows.Count > limit
            ? new CommentPage([.. rows.Take(limit)], rows[limit - 1].Id)
            : new CommentPage(rows, null);
    }

    /// <summary>The number of comments on <paramref name="slug"/>, from its count row: one point read.</summary>
    public async Task<int> CountAsync(string slug, CancellationToken cancellationToken)
    {
        try
        {
            var row = await storage.Comments.GetEntityIfExistsAsync<TableEntity>(slug, CountKey, select: ["Count"], cancellationToken: cancellationToken);
            return row is { HasValue: true, Value: { } entity } ? entity.GetInt32("Count") ?? 0 : 0;
        }
        catch (RequestFailedException e) when (e.IsNotFound())
        {
            return 0;
        }
    }

    /// <summary>
    /// Deletes every row of <paramref name="slug"/>'s partition (comments, pending ones, the count and idempotency
    /// rows), 100 to a transaction, so a new article that takes a freed slug starts with no comments. Idempotent.
    /// </summary>
    public async Task PurgeAsync(string slug, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slug);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {slug}");
        try
        {
            await SerialisedAsync(slug, async () =>
            {
                await foreach (var page in storage.Comments.QueryAsync<TableEntity>(filter, maxPerPage: 100, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).AsPages())
                {
                    if (page.Values.Count > 0)
                    {
                        // ETag.All: a row deleted meanwhile fails the batch (404), and the retry from the top reads again.
                        await storage.Comments.SubmitTransactionAsync(
                            page.Values.Select(row => new TableTransactionAction(TableTransactionActionType.Delete, row, ETag.All)), cancellationToken);
                    }
                }

                return true;
            }, cancellationToken);
        }
        catch (RequestFailedException e) when (e.IsNotFound() && e.ErrorCode == "TableNotFound")
        {
            // no table yet: no comments
        }
    }

    private async Task<T> SerialisedAsync<T>(string slug, Func<Task<T>> write, CancellationToken cancellationToken)
    {
        var gate = _partitionGates[(int)((uint)StringComparer.Ordinal.GetHashCode(slug) % (uint)_partitionGates.Length)];
        await gate.WaitAsync(cancellationToken);
        try
        {
            return await write();
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<CommentPostOutcome> AddOnceAsync(
        string slug, NewComment comment, CommentState state, IdempotencyKey? idempotencyKey, CancellationToken cancellationToken)
    {
        var idempotencyRow = idempotencyKey is null ? null : IdempotencyRowKey(idempotencyKey);
        var fingerprint = Fingerprint(comment);
        return await _postRetry.RunAsync<CommentPostOutcome>(async cancellationToken =>
        {
            if (idempotencyRow is not null && await ReadAsync(slug, idempotencyRow, cancellationToken) is { } earlier)
            {
                return await ReplayAsync(slug, earlier, fingerprint, cancellationToken);
            }

            var posted = clock.GetUtcNow();
            var stored = new Comment(Comment.NewId(posted), comment.Author, comment.Body, posted, state);
            var commentRow = state == CommentState.Pending ? PendingPrefix + stored.Id : stored.Id;
            List<TableTransactionAction> actions = [new(TableTransactionActionType.Add, ToEntity(slug, commentRow, stored))];
            if (state == CommentState.Approved)
            {
                // Pending comments are not shown, so not counted: the count row is left alone.
                actions.Add(CountChange(slug, await ReadAsync(slug, CountKey, cancellationToken), +1));
            }

            if (idempotencyRow is not null)
            {
                // The key's row names the comment and fingerprints the post, and holds no copy of it: a replay reads
                // the comment where it lives now, so one an editor deleted stays deleted. The row itself is never
                // deleted, so the key stays spent and cannot store a second copy of a deleted post.
                actions.Add(new(TableTransactionActionType.Add, new TableEntity(slug, idempotencyRow)
                {
                    ["CommentId"] = stored.Id,
                    ["Fingerprint"] = fingerprint,
                }));
            }

            try
            {
                await storage.Comments.SubmitTransactionAsync(actions, cancellationToken);
                return new CommentPostOutcome.Stored(stored);
            }
            catch (RequestFailedException e) when (e.IsConflict() || e.IsPreconditionFailed())
            {
                // The storage client resends a transaction whose response it lost; if the first send was carried out,
                // storage refuses the copy, as the comment's row exists. Then it is stored, once: answer so, rather
                // than store it again under a new id.
                if (await ReadAsync(slug, commentRow, cancellationToken) is not null)
                {
                    return new CommentPostOutcome.Stored(stored);
                }

                // Another post changed the count (or stored this key) between the read and the transaction: read again.
                throw;
            }
        }, cancellationToken);
    }

    /// <summary>What a retried post is answered: its comment as it is now, that it was removed, or that the key was reused.</summary>
    private async Task<CommentPostOutcome> ReplayAsync(string slug, TableEntity idempotencyRow, string fingerprint, CancellationToken cancellationToken)
    {
        if (!string.Equals(idempotencyRow.GetString("Fingerprint"), fingerprint, StringComparison.Ordinal))
        {
            return new CommentPostOutcome.KeyReused();
        }

        var id = idempotencyRow.GetString("CommentId") ?? "";
        if (!Comment.IsId(id))
        {
            return new CommentPostOutcome.Removed(id);
        }

        // Pending first, then shown: a comment only ever moves pending -> shown -> deleted (or pending -> deleted),
        // so if it is not pending at the first read and approval moves it meanwhile, the second read still finds it.
        var current = await ReadAsync(slug, PendingPrefix + id, cancellationToken) ?? await ReadAsync(slug, id, cancellationToken);
        return current is null ? new CommentPostOutcome.Removed(id) : new CommentPostOutcome.Replayed(FromEntity(current));
    }

    /// <summary>
    /// The row of a client's key: <c>~idem-</c> and the SHA-256 of the client and the key. Scoped by client so that
    /// a key guessed or leaked from another network finds nothing (it names a row of that network's own), and a
    /// pending comment is only ever answered to the network that posted it. The client is the rate limiter's
    /// network (an IPv4 /24 or IPv6 /48), not the address, so a retry from a new address of the same network (a
    /// phone's, a NAT's) still finds its post. Hashed so that every key makes a valid, fixed-length row key.
    /// </summary>
    private static string IdempotencyRowKey(IdempotencyKey key) =>
        // The client has no line break and the key is printable ASCII, so "\n" keeps every pair apart.
        IdempotencyPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.Client + "\n" + key.Key)));

    /// <summary>
    /// The SHA-256 of a post's author and body. A network is shared (an office, a NAT, a café's /24), so the scope
    /// alone would let a neighbour who guessed a key read the pending comment behind it: with the fingerprint a
    /// replay must also repeat the author and body exactly, by which point it learns nothing it did not send. It
    /// also catches a client that reuses a key for another comment (422, as Stripe answers), which would otherwise
    /// be told its new text was stored. A hash, not the text, so the key's row is never a copy of the comment.
    /// </summary>
    private static string Fingerprint(NewComment comment) =>
        // The author's length first, so no author/body split of the same characters has the same fingerprint.
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            comment.Author.Length.ToString(CultureInfo.InvariantCulture) + ":" + comment.Author + comment.Body)));

    /// <summary>Approves (moves a pending comment into the shown range, count + 1) or deletes a comment (count - 1 if it was shown).</summary>
    private async Task<Comment?> ChangeCountedAsync(string slug, string id, bool approve, CancellationToken cancellationToken)
    {
        if (!Comment.IsId(id))
        {
            return null;
        }

        return await _moveRetry.RunAsync<Comment?>(async cancellationToken =>
        {
            var shown = await ReadAsync(slug, id, cancellationToken);
            var pending = shown is null ? await ReadAsync(slug, PendingPrefix + id, cancellationToken) : null;
            if (approve && shown is not null)
            {
                return FromEntity(shown);
            }

            if ((shown ?? pending) is not { } row)
            {
                return null;
            }

            var comment = approve ? FromEntity(row) with { State = CommentState.Approved } : FromEntity(row);
            List<TableTransactionAction> actions = [new(TableTransactionActionType.Delete, row, row.ETag)];
            if (approve)
            {
                actions.Add(new(TableTransactionActionType.Add, ToEntity(slug, id, comment)));
            }

            if (approve || shown is not null)
            {
                actions.Add(CountChange(slug, await ReadAsync(slug, CountKey, cancellationToken), approve ? +1 : -1));
            }

            await storage.Comments.SubmitTransactionAsync(actions, cancellationToken);
            return comment;
        }, cancellationToken);
    }

    private static TableTransactionAction CountChange(string slug, TableEntity? countRow, int delta)
    {
        var newCount = new TableEntity(slug, CountKey) { ["Count"] = Math.Max(0, (countRow?.GetInt32("Count") ?? 0) + delta) };
        return countRow is null
            ? new(TableTransactionActionType.Add, newCount)
            : new(TableTransactionActionType.UpdateReplace, newCount, countRow.ETag);
    }

    private async Task<TableEntity?> ReadAsync(string slug, string rowKey, CancellationToken cancellationToken) =>
        (await storage.Comments.GetEntityIfExistsAsync<TableEntity>(slug, rowKey, cancellationToken: cancellationToken)) is { HasValue: true, Value: { } row } ? row : null;

    private static TableEntity ToEntity(string slug, string rowKey, Comment comment) => new(slug, rowKey)
    {
        ["CommentId"] = comment.Id,
        ["Author"] = comment.Author,
        ["Body"] = comment.Body,
        ["Posted"] = comment.Posted.UtcDateTime,
        ["State"] = comment.State.ToString(),
    };

    private static Comment FromEntity(TableEntity entity) => new(
        entity.GetString("CommentId") ?? entity.RowKey,
        entity.GetString("Author") ?? "",
        entity.GetString("Body") ?? "",
        entity.GetDateTimeOffset("Posted") ?? DateTimeOffset.UnixEpoch,
        Enum.TryParse<CommentState>(entity.GetString("State"), out var state) ? state : CommentState.Approved);
}
