using Azure;
using Azure.Data.Tables;

namespace Publishing.TestFunctionApp;

/// <summary>
/// The calls of this app's functions, kept in a table because the worker is another process than the test:
/// one row per call, <c>PartitionKey</c> = function name + <c>|</c> + blob name (or id), <c>RowKey</c> = a new
/// Guid, <c>What</c> = <see cref="Call"/>, <see cref="Started"/> or <see cref="Cancelled"/>. The integration
/// tests compile this file too (linked) and count the rows with <see cref="CountAsync"/>, so the key is written
/// and read by the same code.
/// </summary>
public sealed class CallLog(TableClient table)
{
    /// <summary>The setting that names the table.</summary>
    public const string TableSetting = "CallsTable";

    public const string Call = "call";
    public const string Started = "started";
    public const string Cancelled = "cancelled";

    public async Task RecordAsync(string function, string key, string what, CancellationToken cancellationToken)
    {
        var row = new TableEntity(PartitionKey(function, key), Guid.NewGuid().ToString("N")) { ["What"] = what };
        try
        {
            await table.AddEntityAsync(row, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // The first call of a test's run: its table does not exist yet.
            await table.CreateIfNotExistsAsync(cancellationToken);
            await table.AddEntityAsync(row, cancellationToken);
        }
    }

    /// <summary>How many rows <paramref name="function"/> recorded for <paramref name="key"/> with <paramref name="what"/>; 0 before the table exists.</summary>
    public async Task<int> CountAsync(string function, string key, string what, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {PartitionKey(function, key)} and What eq {what}");
        var count = 0;
        try
        {
            await foreach (var _ in table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken))
            {
                count++;
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return 0;
        }

        return count;
    }

    /// <remarks>
    /// Table keys may not hold <c>/</c>, <c>\</c>, <c>#</c>, <c>?</c> or control characters, and blob names
    /// usually hold <c>/</c> (<c>2025/doomed.md</c>), so the name is percent-encoded.
    /// </remarks>
    public static string PartitionKey(string function, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(function);
        ArgumentNullException.ThrowIfNull(key);
        return $"{function}|{Uri.EscapeDataString(key)}";
    }
}
