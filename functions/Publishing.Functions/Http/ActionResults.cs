using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Publishing.Functions.Http;

/// <summary>
/// Lets functions answer with minimal-API <see cref="IResult"/>s. The worker's ASP.NET Core integration
/// executes only <see cref="IActionResult"/>s, and MVC's own results need MVC's services registered.
/// </summary>
public static class ActionResults
{
    public static IActionResult ToActionResult(this IResult result) => new HttpResultAction(result);

    /// <summary>An RFC 9457 problem details answer (<c>application/problem+json</c>).</summary>
    public static IActionResult Problem(HttpRequest request, int status, string title, string detail)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Results.Problem(detail: detail, instance: request.Path, statusCode: status, title: title).ToActionResult();
    }

    private sealed class HttpResultAction(IResult result) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            return result.ExecuteAsync(context.HttpContext);
        }
    }
}
