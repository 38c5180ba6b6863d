using Azure;
using Azure.Data.Tables;
using Publishing.Articles;
using Publishing.Publication;
using Publishing.Storage;

namespace Publishing.Submissions;

/// <summary>
/// The last outcome for every dropped file, one entity per blob name. Written only by the delivery holding the file's
/// lock, with the lock's release (<see cref="PublishLock.HeldLock.RecordAsync"/>); read here.
/// </summary>
public sealed class SubmissionLog(StorageLayout storage)
{
    private const string RowKey = "status";

    public async Task<SubmissionStatus?> GetAsync(string blobName, CancellationToken cancellationToken)
    {
        try
        {
            var response = await storage.Submissions.GetEntityIfExistsAsync<TableEntity>(
                SubmissionKey.For(blobName), RowKey, cancellationToken: cancellationToken);
            return response is { HasValue: true, Value: { } entity } ? FromEntity(entity) : null;
        }
        catch (RequestFailedException e) when (e.IsNotFound())
        {
            return null; // no table yet: nothing was ever dropped
        }
    }

    /// <summary>
    /// The entity <paramref name="status"/> is stored as. Written only by <see cref="PublishLock.HeldLock.RecordAsync"/>,
    /// together with the lock's release, as the last write of every delivery.
    /// </summary>
    internal static TableEntity ToEntity(SubmissionStatus status) =>
        new(SubmissionKey.For(status.Name), RowKey)
        {
            ["Name"] = status.Name,
            ["State"] = status.State.ToString(),
            ["SourceETag"] = status.SourceETag,
            ["ProcessedAt"] = status.ProcessedAt,
            ["Slug"] = status.Slug,
            ["RejectionCode"] = status.Rejection?.Code.ToString(),
            ["Reason"] = status.Rejection?.Reason,
            ["Line"] = status.Rejection?.Line,
        };

    private static SubmissionStatus FromEntity(TableEntity entity)
    {
        var reason = entity.GetString("Reason");
        return new SubmissionStatus
        {
            Name = entity.GetString("Name"),
            State = Enum.Parse<SubmissionState>(entity.GetString("State")),
            SourceETag = entity.GetString("SourceETag"),
            ProcessedAt = entity.GetDateTimeOffset("ProcessedAt") ?? DateTimeOffset.MinValue,
            Slug = entity.GetString("Slug"),
            Rejection = reason is null
                ? null
                : new Rejection(
                    Enum.TryParse<RejectionCode>(entity.GetString("RejectionCode"), out var code) ? code : RejectionCode.InvalidField,
                    reason,
                    entity.GetInt32("Line")),
        };
    }
}

/// <summary>Table keys for blob names, which may hold characters keys forbid ('/', '#', '?', '\', controls).</summary>
internal static class SubmissionKey
{
    public static string For(string blobName)
    {
        ArgumentNullException.ThrowIfNull(blobName);

        // Percent-encoding keeps keys readable in Storage Explorer; a name too long for a key (1 KiB) is hashed.
        var escaped = Uri.EscapeDataString(blobName);
        return escaped.Length <= 512
            ? escaped
            : "sha256-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(blobName)));
    }
}
