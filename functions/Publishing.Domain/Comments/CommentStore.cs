using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Publishing.Storage;

namespace Publishing.Comments;

/// <summary>One page of an article's comments, oldest first; <see cref="NextKey"/> is the last row's key when more follow.</summary>
public sealed record CommentPage(IReadOnlyList<Comment> Items, string? NextKey);

/// <summary>
/// The <c>comments</c> table: one partition per article (PartitionKey = slug), one row per comment keyed by its id,
/// so the comments are in RowKey order oldest first and a page is one range query.
/// </summary>
/// <remarks>
/// Besides the shown comments (whose keys start with digits) a partition holds rows starting with '~', after every
/// shown comment: the count row (<see cref="CountKey"/>), comments waiting for approval (<c>~pending-{id}</c>,
/// not counted) and one row per <c>Idempotency-Key</c> with a copy of the comment it stored. Approving moves a
/// pending row to its id and counts it; deleting a shown comment uncounts it, each in one transaction. A comment, its idempotency row and the new count are written in one entity group transaction,
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

    private readonly SemaphoreSlim[] _partitionGates = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    /// <summary>
    /// Stores <paramref name="comment"/> on <paramref name="slug"/> as <paramref name="state"/> and returns it as
    /// stored. With an <paramref name="idempotencyKey"/> already used on this article, returns the comment that key
    /// stored instead. Throws <see cref="RequestFailedException"/> when storage fails: then nothing was stored.
    /// </summary>
    public async Task<Comment> AddAsync(string slug, NewComment comment, CommentState state, string? idempotencyKey, CancellationToken cancellationToken)
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

    private async Task<Comment> AddOnceAsync(string slug, NewComment comment, CommentState state, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var idempotencyRow = idempotencyKey is null ? null : IdempotencyPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)));
        for (var attempt = 1; ; attempt++)
        {
            if (idempotencyRow is not null && await ReadAsync(slug, idempotencyRow, cancellationToken) is { } earlier)
            {
                return FromEntity(earlier);
            }

            var posted = clock.GetUtcNow();
            var stored = new Comment(Comment.NewId(posted), comment.Author, comment.Body, posted, state);
            List<TableTransactionAction> actions = [];
            if (state == CommentState.Pending)
            {
                // Not shown, so not counted: the count row is left alone.
                actions.Add(new(TableTransactionActionType.Add, ToEntity(slug, PendingPrefix + stored.Id, stored)));
            }
            else
            {
                var countRow = await ReadAsync(slug, CountKey, cancellationToken);
                actions.Add(new(TableTransactionActionType.Add, ToEntity(slug, stored.Id, stored)));
                actions.Add(CountChange(slug, countRow, +1));
            }

            if (idempotencyRow is not null)
            {
                // The key's row holds a copy of the comment as stored, so a retry is answered from one read.
                actions.Add(new(TableTransactionActionType.Add, ToEntity(slug, idempotencyRow, stored)));
            }

            try
            {
                await storage.Comments.SubmitTransactionAsync(actions, cancellationToken);
                return stored;
            }
            catch (RequestFailedException e) when (attempt < MaxAttempts && (e.IsConflict() || e.IsPreconditionFailed()))
            {
                // Another post changed the count (or stored this key) between the read and the transaction: read again.
                await Task.Delay(Random.Shared.Next(5, 10 + (10 * Math.Min(attempt, 20))), cancellationToken);
            }
        }
    }

    /// <summary>Approves (moves a pending comment into the shown range, count + 1) or deletes a comment (count - 1 if it was shown).</summary>
    private async Task<Comment?> ChangeCountedAsync(string slug, string id, bool approve, CancellationToken cancellationToken)
    {
        if (!Comment.IsId(id))
        {
            return null;
        }

        for (var attempt = 1; ; attempt++)
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

            try
            {
                await storage.Comments.SubmitTransactionAsync(actions, cancellationToken);
                return comment;
            }
            catch (RequestFailedException e) when (attempt < MaxAttempts && (e.IsConflict() || e.IsPreconditionFailed() || e.IsNotFound()))
            {
                await Task.Delay(Random.Shared.Next(5, 10 + (10 * Math.Min(attempt, 20))), cancellationToken);
            }
        }
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
