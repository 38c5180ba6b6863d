using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Options;
using Publishing.Pages;
using Publishing.Publication;

namespace Publishing.Functions.Http;

/// <summary>
/// The security headers of every HTTP answer the app makes, set in this one place before the function runs: pages,
/// JSON, feeds, redirects and problem details alike (and so a <c>304</c> carries what its <c>200</c> did). The
/// Content-Security-Policy is <see cref="ContentSecurityPolicy"/>; <c>nosniff</c> keeps browsers from reading a body
/// as anything but its declared type; the referrer policy sends other sites the origin only, never a page's path.
/// </summary>
public sealed class SecurityHeadersMiddleware(IOptions<PublishingOptions> options) : IFunctionsWorkerMiddleware
{
    public const string ReferrerPolicy = "strict-origin-when-cross-origin";

    private readonly string _contentSecurityPolicy = ContentSecurityPolicy.For(options.Value.AllowHttpImages);

    public Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.GetHttpContext() is { } http)
        {
            var headers = http.Response.Headers;
            headers.ContentSecurityPolicy = _contentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = ReferrerPolicy;
        }

        return next(context);
    }
}
