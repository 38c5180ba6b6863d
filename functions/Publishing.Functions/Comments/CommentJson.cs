using System.Text.Json;
using System.Text.Json.Serialization;
using Publishing.Comments;

namespace Publishing.Functions.Comments;

/// <summary>A comment in JSON. <c>posted</c> is a UTC <see cref="DateTime"/> so it serialises with a <c>Z</c>.</summary>
/// <param name="State"><c>approved</c>, or <c>pending</c> while it waits for an editor.</param>
public sealed record CommentJson(string Id, string Author, string Body, DateTime Posted, string State)
{
    public static CommentJson From(Comment comment)
    {
        ArgumentNullException.ThrowIfNull(comment);
        return new CommentJson(
            comment.Id, comment.Author, comment.Body, comment.Posted.UtcDateTime, comment.State == CommentState.Pending ? "pending" : "approved");
    }
}

public sealed record CommentListJson(IReadOnlyList<CommentJson> Items, string? Next);

/// <summary>A JSON post: <c>{"author","body"}</c>; <c>website</c> is the honeypot, as in the form.</summary>
public sealed record CommentPostJson(string? Author, string? Body, string? Website);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CommentJson))]
[JsonSerializable(typeof(CommentListJson))]
[JsonSerializable(typeof(CommentPostJson))]
internal sealed partial class CommentJsonContext : JsonSerializerContext;
