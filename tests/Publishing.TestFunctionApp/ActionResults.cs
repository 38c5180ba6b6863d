using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Publishing.TestFunctionApp;

/// <summary>
/// Lets these functions answer with minimal-API <see cref="IResult"/>s, as the app's own <c>ActionResults</c> does
/// (not linked: it needs the domain): the worker executes only <see cref="IActionResult"/>s, and MVC's results need
/// MVC's services, which a worker app does not register.
/// </summary>
internal static class ActionResults
{
    public static IActionResult ToActionResult(this IResult result) => new HttpResultAction(result);

    private sealed class HttpResultAction(IResult result) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            return result.ExecuteAsync(context.HttpContext);
        }
    }
}
