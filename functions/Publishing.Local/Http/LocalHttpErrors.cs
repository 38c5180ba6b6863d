using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Publishing.Local.Http;

/// <summary>
/// The local host's answer to a failure of its own (never a function's: the worker answers for those): a request
/// Kestrel could not read gets 400, a bug in the host 500, both as problem details without internals. A client
/// that has gone gets nothing.
/// </summary>
internal sealed partial class LocalHttpErrors(RequestDelegate next, ILogger<LocalHttpErrors> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client has gone; nobody is listening for an answer.
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            await Problems.WriteAsync(context, e.StatusCode, "Bad request", e.Message);
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            LogUnhandled(e, context.Request.Method, context.Request.Path);
            context.Response.Clear();
            await Problems.WriteAsync(context, StatusCodes.Status500InternalServerError, "Unexpected error", "The local host failed to handle the request. It has been logged.");
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The local host failed on {Method} {Path}")]
    private partial void LogUnhandled(Exception exception, string method, string path);
}

/// <summary>Marks the endpoints the host serves itself (the blob webhook), as opposed to the app's functions.</summary>
internal sealed class HostEndpoint
{
    public static readonly HostEndpoint Instance = new();

    private HostEndpoint()
    {
    }
}
