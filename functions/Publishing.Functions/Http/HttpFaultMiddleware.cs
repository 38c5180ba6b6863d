using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;

namespace Publishing.Functions.Http;

/// <summary>Answers an HTTP function's failure with <see cref="HttpFaults"/> instead of the host's empty 500.</summary>
public sealed partial class HttpFaultMiddleware(ILogger<HttpFaultMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            await next(context);
        }
        catch (Exception e) when (context.GetHttpContext() is { } http && !http.Response.HasStarted)
        {
            LogFailed(e, context.FunctionDefinition.Name);
            await HttpFaults.ToResult(e, http).ExecuteAsync(http);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Function {Function} failed")]
    private partial void LogFailed(Exception exception, string function);
}
