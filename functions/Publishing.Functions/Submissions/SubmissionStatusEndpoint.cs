using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Publishing.Functions.Http;
using Publishing.Publication;
using Publishing.Storage;
using Publishing.Submissions;

namespace Publishing.Functions.Submissions;

/// <summary><c>GET /api/submissions/{*name}</c>: what became of a dropped file, for editors only.</summary>
/// <remarks>
/// Behind a function key (<see cref="AuthorizationLevel.Function"/>): a status says that a draft or embargoed file
/// exists, quotes its front matter in a rejection, and names the file that already holds a slug, none of which is for
/// readers. In Azure a function or host key opens it (<c>x-functions-key</c> or <c>?code=</c>); the local host, like
/// Core Tools, checks keys only when asked (<c>LocalHost__EnableAuth=true</c>).
/// </remarks>
public sealed class SubmissionStatusEndpoint([FromKeyedServices(StorageLayout.Reads)] SubmissionLog submissions, IOptions<PublishingOptions> options, StorageReadBudget budget)
{
    [Function(nameof(SubmissionStatus))]
    public Task<IActionResult> SubmissionStatus(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/submissions/{*name}")] HttpRequest request,
        string name,
        CancellationToken cancellationToken) =>
        budget.RunAsync(token => AnswerAsync(request, name, token), cancellationToken);

    private async Task<IActionResult> AnswerAsync(
        HttpRequest request,
        string name,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(name) || name.Length > 1024
            || await submissions.GetAsync(name, cancellationToken) is not { } status)
        {
            return ActionResults.Problem(
                request,
                StatusCodes.Status404NotFound,
                "Submission not found",
                $"No file named '{name}' has been processed yet. Files are processed seconds after they are dropped into the 'articles' container.");
        }

        request.HttpContext.Response.Headers.CacheControl = "no-store";
        return Results.Json(SubmissionStatusResponse.From(status, options.Value), SubmissionJson.Default.SubmissionStatusResponse).ToActionResult();
    }
}
