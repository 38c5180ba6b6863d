using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Publishing.Functions.Http;
using Publishing.Local.Functions;

namespace Publishing.Local.Http;

/// <summary>
/// The local host's own error answers, as problem details: <c>404</c> for a path no function serves,
/// <c>405</c> for a method a function's route does not accept, and for an exception a function lets escape the
/// answer the function app gives (<see cref="HttpFaults"/>: 503 for storage faults, else 500; logged, no stack trace). What a function answers itself is passed through untouched.
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
            return; // the client has gone; nobody is listening for an answer
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            await Problems.WriteAsync(context, e.StatusCode, "Bad request", e.Message);
            return;
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            var function = context.GetEndpoint()?.Metadata.GetMetadata<HttpFunction>()?.Name ?? context.GetEndpoint()?.DisplayName ?? "(none)";
            LogUnhandled(e, context.Request.Method, context.Request.Path, function);
            context.Response.Clear();
            // The answer the function app's own worker middleware gives: 503 for storage faults, else 500.
            await HttpFaults.ToResult(e, context).ExecuteAsync(context);
            return;
        }

        if (context.Response.HasStarted || context.Response.ContentType is not null
            || context.GetEndpoint()?.Metadata.GetMetadata<HttpFunction>() is not null)
        {
            return;
        }

        switch (context.Response.StatusCode)
        {
            case StatusCodes.Status404NotFound:
                await Problems.WriteAsync(
                    context, StatusCodes.Status404NotFound, "Not Found",
                    $"No function serves {context.Request.Method} {context.Request.Path}.");
                break;
            case StatusCodes.Status405MethodNotAllowed:
                await Problems.WriteAsync(
                    context, StatusCodes.Status405MethodNotAllowed, "Method Not Allowed",
                    $"{context.Request.Path} does not accept {context.Request.Method}; it accepts {context.Response.Headers.Allow}.");
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception in {Method} {Path} (function '{Function}')")]
    private partial void LogUnhandled(Exception exception, string method, string path, string function);
}
