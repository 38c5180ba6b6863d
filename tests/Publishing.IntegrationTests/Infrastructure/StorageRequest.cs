using System.Text.RegularExpressions;
using Azure.Core;

namespace Publishing.IntegrationTests.Infrastructure;

/// <summary>
/// A storage request as fault rules match it, read the same way from the app's pipeline
/// (<see cref="FaultInjectionPolicy"/>) and from the wire (<see cref="StorageFaultProxy"/>). <see cref="Table"/>,
/// <see cref="PartitionKey"/> and <see cref="RowKeys"/> are also read from inside an entity group transaction
/// (<see cref="IsTransaction"/>), whose URL is only <c>$batch</c>: <see cref="RowKeys"/> then holds the row key of
/// every operation in it.
/// </summary>
/// <param name="Uri">The storage address the request is for (Azurite's, also when it came through the proxy).</param>
public sealed partial record StorageRequest(
    RequestMethod Method,
    Uri Uri,
    StorageService Service,
    string? Container,
    string? Blob,
    string? Queue,
    string? Table,
    string? PartitionKey,
    IReadOnlyList<string> RowKeys,
    bool IsTransaction)
{
    private const string TransactionSegment = "$batch";

    public bool IsRead => Method == RequestMethod.Get || Method == RequestMethod.Head;

    public bool IsWrite => !IsRead;

    /// <summary>The row key of a single-entity request (a point read, an insert or update by key); null otherwise.</summary>
    public string? RowKey => !IsTransaction && RowKeys is [var only] ? only : null;

    public override string ToString() =>
        $"{Method} {Service} {Container ?? Queue ?? Table}{(Blob is null ? "" : "/" + Blob)}"
        + (IsTransaction ? " (transaction)" : "") + (RowKeys.Count > 0 ? $" [{PartitionKey}: {string.Join(", ", RowKeys)}]" : "");

    /// <summary>The service at <paramref name="uri"/>: by host name in Azure, by port on Azurite.</summary>
    public static StorageService ServiceAt(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var host = uri.Host;
        if (host.Contains(".blob.", StringComparison.OrdinalIgnoreCase))
        {
            return StorageService.Blob;
        }

        if (host.Contains(".queue.", StringComparison.OrdinalIgnoreCase))
        {
            return StorageService.Queue;
        }

        if (host.Contains(".table.", StringComparison.OrdinalIgnoreCase))
        {
            return StorageService.Table;
        }

        foreach (var (service, port) in Azurite.Ports)
        {
            if (uri.Port == port)
            {
                return service;
            }
        }

        return StorageService.Other;
    }

    /// <summary>
    /// Whether a request to <paramref name="uri"/> is an entity group transaction, whose tables and keys are in its
    /// content: the one request whose content <see cref="Read"/> needs.
    /// </summary>
    public static bool IsTransactionAddress(StorageService service, Uri uri) =>
        service == StorageService.Table && Segments(uri) is [TransactionSegment, ..];

    /// <summary>
    /// Reads a request as the rules see it. <paramref name="content"/> is its content as text, read only for a
    /// transaction (<see cref="IsTransactionAddress"/>); null for any other request.
    /// </summary>
    public static StorageRequest Read(RequestMethod method, Uri uri, StorageService service, string? content)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var segments = Segments(uri);
        var first = segments.Count > 0 ? segments[0] : null;
        switch (service)
        {
            case StorageService.Blob:
                return new(method, uri, service, first, segments.Count > 1 ? string.Join('/', segments.Skip(1)) : null, null, null, null, [], false);
            case StorageService.Queue:
                return new(method, uri, service, null, null, first, null, null, [], false);
            case StorageService.Table when first == TransactionSegment:
                var batch = content ?? "";
                var operations = BatchOperation().Matches(batch).Select(m => EntityAddress(m.Groups["address"].Value)).ToList();
                var rowKeys = operations.Select(o => o.RowKey).OfType<string>()
                    .Concat(JsonRowKey().Matches(batch).Select(m => Regex.Unescape(m.Groups["key"].Value)))
                    .Distinct(StringComparer.Ordinal)
                    .ToList();
                var partition = operations.Select(o => o.PartitionKey).FirstOrDefault(p => p is not null)
                    ?? JsonPartitionKey().Matches(batch).Select(m => Regex.Unescape(m.Groups["key"].Value)).FirstOrDefault();
                return new(method, uri, service, null, null, null, operations.Select(o => o.Table).FirstOrDefault(), partition, rowKeys, true);
            case StorageService.Table:
                var (table, partitionKey, rowKey) = EntityAddress(first ?? "");
                return new(method, uri, service, null, null, null, table, partitionKey, rowKey is null ? [] : [rowKey], false);
            default:
                return new(method, uri, service, null, null, null, null, null, [], false);
        }
    }

    /// <summary>The path's segments, unescaped, without the account name that Azurite (and any emulator on an IP address or localhost) puts first.</summary>
    private static List<string> Segments(Uri uri)
    {
        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToList();
        if (segments.Count > 0 && (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 || uri.IsLoopback))
        {
            segments.RemoveAt(0);
        }

        return segments;
    }

    /// <summary><c>table</c>, <c>table()</c> or <c>table(PartitionKey='p',RowKey='r')</c> (quotes doubled inside keys).</summary>
    private static (string? Table, string? PartitionKey, string? RowKey) EntityAddress(string segment)
    {
        var match = EntityPath().Match(Uri.UnescapeDataString(segment));
        if (!match.Success)
        {
            return (null, null, null);
        }

        string? Key(string name) => match.Groups[name].Success ? match.Groups[name].Value.Replace("''", "'", StringComparison.Ordinal) : null;
        return (match.Groups["table"].Value, Key("partition"), Key("row"));
    }

    [GeneratedRegex(@"^(?<table>[A-Za-z][A-Za-z0-9]*)(?:\((?:PartitionKey='(?<partition>(?:[^']|'')*)',RowKey='(?<row>(?:[^']|'')*)')?\))?$")]
    private static partial Regex EntityPath();

    // "PUT http://host/account/table(PartitionKey='p',RowKey='r')?$format=... HTTP/1.1": keys hold no '/' and no '?'.
    [GeneratedRegex(@"^(?:GET|POST|PUT|MERGE|PATCH|DELETE) https?://[^/\s]+(?:/[^/\s?]+)*?/(?<address>[^/\s?]+)(?:\?\S*)? HTTP/1\.1\r?$", RegexOptions.Multiline)]
    private static partial Regex BatchOperation();

    [GeneratedRegex(@"""RowKey""\s*:\s*""(?<key>(?:[^""\\]|\\.)*)""")]
    private static partial Regex JsonRowKey();

    [GeneratedRegex(@"""PartitionKey""\s*:\s*""(?<key>(?:[^""\\]|\\.)*)""")]
    private static partial Regex JsonPartitionKey();
}
