using Microsoft.AspNetCore.Http;

namespace Publishing.Local.Http;

/// <summary>RFC 9457 problem details (<c>application/problem+json</c>) for what the local host itself answers.</summary>
internal static class Problems
{
    public static Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Results.Problem(detail: detail, instance: context.Request.Path, statusCode: status, title: title).ExecuteAsync(context);
    }
}
