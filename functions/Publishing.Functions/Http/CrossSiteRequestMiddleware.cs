using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Publishing.Publication;

namespace Publishing.Functions.Http;

/// <summary>
/// Refuses, with a <c>403</c> problem, what a browser sends on behalf of another site: a request that changes state
/// (any method but GET, HEAD and OPTIONS: the comment form, approve, delete) and any request to an editors' route
/// (one behind a function key: pending comments, submission outcomes), so that no other site can make its visitors
/// post comments here or work a developer's local instance, which checks no keys.
/// </summary>
/// <remarks>
/// The rule, in order:
/// <list type="number">
/// <item><c>Sec-Fetch-Site</c> (sent by every current browser, and not settable by a page): <c>same-origin</c> and
/// <c>none</c> (typed, bookmarked) pass; <c>same-site</c> (a sibling subdomain) and <c>cross-site</c> are refused.</item>
/// <item>Else <c>Origin</c> (older browsers): it must be this site's own origin, as the request names it (scheme and
/// <c>Host</c>, which in Azure is always one of the app's names and which the local host checks) or as
/// <c>Publishing:PublicBaseUrl</c> names it. <c>Origin: null</c> (a sandboxed or privacy-stripped page) is refused.</item>
/// <item>Else, with neither header, the client is not a browser that says where it came from: curl, a script, a
/// server. It passes, except with a body a cross-site HTML form can send (urlencoded, multipart, text/plain): every
/// browser this app can protect sends <c>Origin</c> on such a post, so a form post without it is refused rather than
/// trusted. JSON posts need neither header: a page elsewhere cannot send <c>application/json</c> without a CORS
/// preflight, which this app never grants.</item>
/// </list>
/// </remarks>
public sealed class CrossSiteRequestMiddleware(IOptions<PublishingOptions> options) : IFunctionsWorkerMiddleware
{
    private static readonly string[] FormMediaTypes = ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"];

    /// <summary>Per function id: whether it is behind a key (read once from its trigger attribute).</summary>
    private readonly ConcurrentDictionary<string, bool> _editorRoutes = new();

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.GetHttpContext() is { } http
            && (ChangesState(http.Request.Method) || _editorRoutes.GetOrAdd(context.FunctionId, _ => NeedsKey(context.FunctionDefinition)))
            && Refusal(http.Request, options.Value.PublicBaseUrl) is { } detail)
        {
            context.GetInvocationResult().Value = ActionResults.Problem(
                http.Request, StatusCodes.Status403Forbidden, "Cross-site request refused", detail);
            return;
        }

        await next(context);
    }

    /// <summary>Why <paramref name="request"/> is refused as sent for another site, or null when it is not.</summary>
    public static string? Refusal(HttpRequest request, Uri publicBaseUrl)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(publicBaseUrl);
        const string only = "Comments and editors' actions are accepted only from this site's own pages, or from clients that are not browsers.";
        var fetchSite = request.Headers["Sec-Fetch-Site"].ToString();
        if (fetchSite.Length > 0)
        {
            return fetchSite is "same-origin" or "none"
                ? null
                : $"The browser says this request came from another site (Sec-Fetch-Site: {fetchSite}). {only}";
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0)
        {
            return Uri.TryCreate(origin, UriKind.Absolute, out var from) && (SameOrigin(from, OwnOrigin(request)) || SameOrigin(from, publicBaseUrl))
                ? null
                : $"The browser says this request came from '{origin}', not from this site. {only}";
        }

        return MediaTypeHeaderValue.TryParse(request.ContentType, out var media)
            && FormMediaTypes.Any(form => media.MediaType.Equals(form, StringComparison.OrdinalIgnoreCase))
            ? $"A form post must say where it came from (Origin), as browsers do. {only} Other clients: post JSON, or no body, or send Origin with this site's address."
            : null;
    }

    private static bool ChangesState(string method) => !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method));

    private static Uri? OwnOrigin(HttpRequest request) =>
        Uri.TryCreate($"{request.Scheme}://{request.Host}", UriKind.Absolute, out var own) ? own : null;

    private static bool SameOrigin(Uri origin, Uri? site) =>
        site is not null
        && string.Equals(origin.Scheme, site.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(origin.IdnHost, site.IdnHost, StringComparison.OrdinalIgnoreCase)
        && origin.Port == site.Port;

    /// <summary>
    /// Whether the function's HTTP trigger asks for a key (any level but <see cref="AuthorizationLevel.Anonymous"/>), read
    /// from the attribute the host's metadata was made from. A function that cannot be found counts as keyed: stricter.
    /// </summary>
    private static bool NeedsKey(FunctionDefinition function)
    {
        var split = function.EntryPoint.LastIndexOf('.');
        var assemblyName = Path.GetFileNameWithoutExtension(function.PathToAssembly);
        var method = AppDomain.CurrentDomain.GetAssemblies()
            .FirstOrDefault(a => string.Equals(a.GetName().Name, assemblyName, StringComparison.OrdinalIgnoreCase))
            ?.GetType(function.EntryPoint[..Math.Max(split, 0)])
            ?.GetMethod(function.EntryPoint[(split + 1)..]);
        var trigger = method?.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null);
        return trigger is not { AuthLevel: AuthorizationLevel.Anonymous };
    }
}
