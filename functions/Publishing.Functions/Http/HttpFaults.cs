using Microsoft.AspNetCore.Http;
using Publishing.Storage;

namespace Publishing.Functions.Http;

/// <summary>
/// The answer to a request whose function failed: storage trouble is a 503 the client may retry, anything else
/// a 500. Both are problem details without a stack trace. The worker middleware and the local host share it.
/// </summary>
public static class HttpFaults
{
    /// <summary>Seconds a client should wait before retrying after a storage fault.</summary>
    public const int RetryAfterSeconds = 5;

    public static IResult ToResult(Exception exception, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(context);
        if (StorageFaults.IsStorageFault(exception))
        {
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Problem(
                title: "Storage unavailable",
                detail: $"The service could not reach its storage. Try again in {RetryAfterSeconds} seconds.",
                statusCode: StatusCodes.Status503ServiceUnavailable,
                instance: context.Request.Path);
        }

        return Results.Problem(
            title: "Unexpected error",
            detail: "The request failed on the server. It has been logged.",
            statusCode: StatusCodes.Status500InternalServerError,
            instance: context.Request.Path);
    }
}
