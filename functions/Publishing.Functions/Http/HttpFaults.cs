using Azure;
using Microsoft.AspNetCore.Http;

namespace Publishing.Functions.Http;

/// <summary>
/// The answer to a request whose function failed: storage trouble is a 503 the client may retry, anything else
/// a 500. Both are problem details without a stack trace. The worker middleware and the local host share it.
/// </summary>
public static class HttpFaults
{
    /// <summary>Seconds a client should wait before retrying after a storage fault.</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>
    /// Storage refused or failed a request (<see cref="RequestFailedException"/>), or did not answer in time
    /// (<see cref="TimeoutException"/>, as the read path's budget reports it), here or anywhere inside: the SDK
    /// reports retries that all failed as an <see cref="AggregateException"/> of them.
    /// </summary>
    public static bool IsStorageFault(Exception exception) => exception switch
    {
        RequestFailedException or TimeoutException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsStorageFault),
        { InnerException: { } inner } => IsStorageFault(inner),
        _ => false,
    };

    public static IResult ToResult(Exception exception, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(context);
        if (IsStorageFault(exception))
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
