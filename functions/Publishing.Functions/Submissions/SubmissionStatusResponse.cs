using System.Text.Json;
using System.Text.Json.Serialization;
using Publishing.Publication;
using Publishing.Submissions;

namespace Publishing.Functions.Submissions;

/// <summary>The JSON body of <c>/api/submissions/{name}</c>. <c>slug</c> and <c>url</c> name the live page, if any: after a rejected update, the earlier version that stays published. A deleted file keeps the <c>slug</c> it had, without a <c>url</c>.</summary>
public sealed record SubmissionStatusResponse(
    string Name,
    string Status,
    string? Slug,
    Uri? Url,
    string? Reason,
    string? Code,
    int? Line,
    DateTimeOffset ProcessedAt,
    string SourceETag)
{
    public static SubmissionStatusResponse From(SubmissionStatus status, PublishingOptions options)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(options);
        return new SubmissionStatusResponse(
            status.Name,
            status.State switch
            {
                SubmissionState.Published => "published",
                SubmissionState.Draft => "draft",
                SubmissionState.Deleted => "deleted",
                _ => "rejected",
            },
            status.Slug,
            status.Slug is null || status.State == SubmissionState.Deleted ? null : options.ArticleUrl(status.Slug),
            status.Rejection?.ToString(),
            status.Rejection is { } r ? CamelCase(r.Code.ToString()) : null,
            status.Rejection?.Line,
            status.ProcessedAt.ToUniversalTime(),
            status.SourceETag);
    }

    private static string CamelCase(string name) => JsonNamingPolicy.CamelCase.ConvertName(name);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SubmissionStatusResponse))]
internal sealed partial class SubmissionJson : JsonSerializerContext;
