using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Publishing.Listings;

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

    /// <summary>A <c>400</c> problem naming the listing parameter (<c>limit</c>, <c>cursor</c>) to fix.</summary>
    public static IActionResult BadParameter(HttpRequest request, ListingRequest.Invalid invalid)
    {
        ArgumentNullException.ThrowIfNull(invalid);
        return BadParameter(request, invalid.Parameter, invalid.Detail);
    }

    /// <summary>A <c>400</c> problem naming the query parameter to fix (as the <c>parameter</c> member).</summary>
    public static IActionResult BadParameter(HttpRequest request, string parameter, string detail)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Results.Problem(
            detail: detail,
            instance: request.Path,
            statusCode: StatusCodes.Status400BadRequest,
            title: $"Invalid '{parameter}'",
            extensions: new Dictionary<string, object?> { ["parameter"] = parameter }).ToActionResult();
    }

    /// <summary>A <c>400</c> problem naming the field of a posted body to fix (as the <c>field</c> member).</summary>
    public static IActionResult BadField(HttpRequest request, string field, string detail)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Results.Problem(
            detail: detail,
            instance: request.Path,
            statusCode: StatusCodes.Status400BadRequest,
            title: $"Invalid '{field}'",
            extensions: new Dictionary<string, object?> { ["field"] = field }).ToActionResult();
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
