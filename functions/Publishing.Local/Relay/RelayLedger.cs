using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Publishing.Storage;

namespace Publishing.Local.Relay;

/// <summary>What happened to one blob version: delivered to the host, or dead-lettered after every attempt failed.</summary>
internal enum RelayOutcome
{
    Delivered,
    DeadLettered,
}

internal sealed record RelayRecord(string BlobName, string ETag, RelayOutcome Outcome, int Attempts, string? LastError, DateTimeOffset At);

/// <summary>
/// The relay's durable memory, a table in Azurite: per function (partition) and blob (row), the version last
/// delivered or dead-lettered. Because it outlives the relay, blobs dropped while nothing ran are told apart
/// from blobs already delivered, and are delivered when the relay starts again.
/// </summary>
internal sealed class RelayLedger
{
    /// <summary>An entity group transaction holds up to 100 actions.</summary>
    private const int MaxRowsPerTransaction = 100;

    private readonly TableClient _table;
    private readonly ConcurrentDictionary<string, GroupCommit<TableEntity>> _writers = new(StringComparer.Ordinal);
    private volatile bool _created;

    public RelayLedger(TableServiceClient tables, IOptions<RelayOptions> options)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(options);
        _table = tables.GetTableClient(options.Value.StateTable);
    }

    public async Task<Dictionary<string, RelayRecord>> LoadAsync(string functionName, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        var records = new Dictionary<string, RelayRecord>(StringComparer.Ordinal);
        await foreach (var entity in _table.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {functionName}"), cancellationToken: cancellationToken))
        {
            if (entity.GetString(nameof(RelayRecord.BlobName)) is { } blobName
                && Enum.TryParse<RelayOutcome>(entity.GetString(nameof(RelayRecord.Outcome)), out var outcome))
            {
                records[blobName] = new RelayRecord(
                    blobName,
                    entity.GetString(nameof(RelayRecord.ETag)) ?? string.Empty,
                    outcome,
                    entity.GetInt32(nameof(RelayRecord.Attempts)) ?? 0,
                    entity.GetString(nameof(RelayRecord.LastError)),
                    entity.GetDateTimeOffset(nameof(RelayRecord.At)) ?? DateTimeOffset.MinValue);
            }
        }

        return records;
    }

    public async Task SaveAsync(string functionName, RelayRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        await EnsureCreatedAsync(cancellationToken);
        var entity = new TableEntity(functionName, RowKeyFor(record.BlobName))
        {
            [nameof(RelayRecord.BlobName)] = record.BlobName,
            [nameof(RelayRecord.ETag)] = record.ETag,
            [nameof(RelayRecord.Outcome)] = record.Outcome.ToString(),
            [nameof(RelayRecord.Attempts)] = record.Attempts,
            [nameof(RelayRecord.LastError)] = record.LastError,
            [nameof(RelayRecord.At)] = record.At,
        };
        await _writers.GetOrAdd(functionName, _ => new GroupCommit<TableEntity>(WriteAsync, row => row.RowKey, MaxRowsPerTransaction))
            .SubmitAsync(entity, cancellationToken);
    }

    /// <summary>
    /// Records saved while a write is in flight (a sweep's deliveries, an import's) go together in one transaction of the
    /// function's partition: one call for many where an import of a thousand files made a thousand.
    /// </summary>
    private async Task WriteAsync(IReadOnlyList<TableEntity> rows)
    {
        if (rows is [var only])
        {
            await _table.UpsertEntityAsync(only, TableUpdateMode.Replace);
        }
        else
        {
            await _table.SubmitTransactionAsync(rows.Select(row => new TableTransactionAction(TableTransactionActionType.UpsertReplace, row)));
        }
    }

    /// <summary>Forgets a blob that is gone, so that a new blob of the same name counts as new.</summary>
    public async Task ForgetAsync(string functionName, string blobName, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        await _table.DeleteEntityAsync(functionName, RowKeyFor(blobName), ETag.All, cancellationToken);
    }

    /// <summary>
    /// A row key for a blob name: the name itself, readable, with the characters table keys forbid
    /// (<c>/ \ # ?</c>, control characters) and the escape character <c>%</c> and the quote percent-encoded;
    /// a hash for names too long to be a key once encoded.
    /// </summary>
    public static string RowKeyFor(string blobName)
    {
        ArgumentNullException.ThrowIfNull(blobName);
        var key = new StringBuilder(blobName.Length);
        foreach (var c in blobName)
        {
            if (c is '/' or '\\' or '#' or '?' or '%' or '\'' || char.IsControl(c))
            {
                key.Append('%').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                key.Append(c);
            }
        }

        return key.Length <= 512
            ? key.ToString()
            : "sha256-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(blobName)));
    }

    private async ValueTask EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        if (!_created)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken);
            _created = true;
        }
    }
}
