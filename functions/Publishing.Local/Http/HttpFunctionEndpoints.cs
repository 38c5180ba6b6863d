using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Publishing.Local.Functions;

namespace Publishing.Local.Http;

/// <summary>
/// Maps every HTTP-triggered function to an ASP.NET Core endpoint with its route and methods, and calls it the
/// way the worker's ASP.NET Core integration does: the request's service scope, the function class activated in
/// it, route values bound by parameter name, and a returned <see cref="IActionResult"/> executed with an
/// <see cref="ActionContext"/>. Authorization levels are not enforced, as under <c>func start</c>, where keys
/// are not checked either.
/// </summary>
internal static class HttpFunctionEndpoints
{
    public static void MapHttpFunctions(this IEndpointRouteBuilder endpoints, FunctionCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        foreach (var function in catalog.HttpFunctions)
        {
            var endpoint = function.Methods.Count == 0
                ? endpoints.Map(function.RoutePattern, context => InvokeAsync(function, context))
                : endpoints.MapMethods(function.RoutePattern, function.Methods.Select(m => m.ToUpperInvariant()), context => InvokeAsync(function, context));
            endpoint.WithDisplayName($"Functions.{function.Name}").WithMetadata(function);
        }
    }

    private static async Task InvokeAsync(HttpFunction function, HttpContext context)
    {
        object? result;
        try
        {
            // The request's scope is the invocation's scope, as in the worker.
            result = await function.Method.InvokeAsync(context.RequestServices, context, context.RequestAborted);
        }
        catch (RouteValueException e)
        {
            await Problems.WriteAsync(context, StatusCodes.Status400BadRequest, "Bad request", e.Message);
            return;
        }

        if (result is IActionResult action && !context.RequestAborted.IsCancellationRequested)
        {
            await action.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
        }
    }
}
