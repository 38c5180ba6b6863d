using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Publishing.Benchmarks.Bulk;

/// <summary>
/// Counts the storage requests the app's clients send, by kind (service, container or table, operation), once per
/// try as the integration tests' fault policy sees them. Added to every client built by <c>AddAzureClients</c>.
/// </summary>
public sealed class StorageCallCounter : HttpPipelinePolicy
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    public bool Enabled { get; set; }

    public IReadOnlyDictionary<string, int> Counts => _counts;

    public int Total => _counts.Values.Sum();

    public void Reset() => _counts.Clear();

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Count(message);
        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Count(message);
        return ProcessNextAsync(message, pipeline);
    }

    private void Count(HttpMessage message)
    {
        if (Enabled)
        {
            _counts.AddOrUpdate(Kind(message.Request), 1, (_, n) => n + 1);
        }
    }

    /// <summary>"blob site PUT", "table tagindex$ transaction", "table articles point GET", "blob locks lease acquire"...</summary>
    public static string Kind(Request request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = request.Uri.ToUri();
        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);

        // Azurite puts the account name first in the path; Azure has it in the host name.
        var parts = uri.Host is "127.0.0.1" or "localhost" ? segments.Skip(1).ToArray() : segments;
        var method = request.Method.Method;
        var query = uri.Query;
        if (uri.Port % 1000 == 2 || uri.Host.Contains(".table.", StringComparison.Ordinal))
        {
            var target = parts.Length > 0 ? parts[0] : "";
            if (target == "$batch")
            {
                return $"table {TransactionTable(request)} transaction";
            }

            var open = target.IndexOf('(', StringComparison.Ordinal);
            var table = Shorten(open < 0 ? target : target[..open]);
            var operation = open >= 0 && target.Length > open + 2 ? "entity" : method == "POST" ? "insert" : "query";
            return $"table {table} {operation} {method}";
        }

        var container = parts.Length > 0 ? Shorten(parts[0]) : "";
        var kind = query.Contains("comp=lease", StringComparison.Ordinal)
            ? "lease " + (request.Headers.TryGetValue("x-ms-lease-action", out var action) ? action : "?")
            : method;
        return $"blob {container}{(parts.Length > 1 ? "/blob" : "")} {kind}";
    }

    /// <summary>The table an entity group transaction writes, read from its first operation's address.</summary>
    private static string TransactionTable(Request request)
    {
        if (request.Content is null)
        {
            return "?";
        }

        using var buffer = new MemoryStream();
        request.Content.WriteTo(buffer, CancellationToken.None);
        var match = System.Text.RegularExpressions.Regex.Match(
            System.Text.Encoding.UTF8.GetString(buffer.ToArray()), @"(?:POST|PUT|MERGE|DELETE|PATCH) https?://[^ ]*?/([A-Za-z0-9]+)(?:\(|\s)");
        return match.Success ? Shorten(match.Groups[1].Value) : "?";
    }

    /// <summary>Drops the run's unique suffix from a container or table name.</summary>
    private static string Shorten(string name)
    {
        var dash = name.IndexOf('-', StringComparison.Ordinal);
        var cut = dash > 0 ? name[..dash] : name;
        var digits = cut.AsSpan().IndexOfAnyInRange('0', '9');
        return digits > 0 ? cut[..digits] : cut;
    }
}
