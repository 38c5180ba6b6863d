using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Publishing.Local.Functions;
using Publishing.Local.Worker;

namespace Publishing.Local.Http;

/// <summary>
/// Before routing: the HTTP routes are known once the worker has reported its functions, so until then a request
/// waits for them (<see cref="WorkerOptions.ReadyWait"/>), and is answered <c>503</c> with <c>Retry-After</c> if
/// they are not known by then, as the Functions host answers while it starts.
/// </summary>
internal sealed class WaitForFunctions(RequestDelegate next, FunctionEndpoints functions, IOptions<WorkerOptions> options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!functions.Published.IsCompleted)
        {
            try
            {
                await functions.Published.WaitAsync(options.Value.ReadyWait, context.RequestAborted);
            }
            catch (TimeoutException)
            {
                context.Response.Headers.RetryAfter = HttpFunctionForwarder.WorkerRetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                await Problems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Function app unavailable",
                    $"The function app is starting. Try again in {HttpFunctionForwarder.WorkerRetryAfterSeconds} seconds.");
                return;
            }
        }

        await next(context);
    }
}

/// <summary>
/// After routing: a request no function's route and method match gets what the Functions host answers, <c>404</c>
/// with no body, for an unknown path and a wrong method alike (ASP.NET Core alone would answer 405 to the latter).
/// </summary>
internal sealed class NoFunctionRoute(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<HttpFunction>() is null && endpoint?.Metadata.GetMetadata<HostEndpoint>() is null)
        {
            context.SetEndpoint(null);
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        return next(context);
    }
}
