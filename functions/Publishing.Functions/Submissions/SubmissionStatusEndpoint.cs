using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Publishing.Functions.Http;
using Publishing.Publishing;
using Publishing.Submissions;

namespace Publishing.Functions.Submissions;

/// <summary><c>GET /api/submissions/{*name}</c>: what became of a dropped file.</summary>
public sealed class SubmissionStatusEndpoint(SubmissionLog submissions, IOptions<PublishingOptions> options)
{
    [Function("SubmissionStatus")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/submissions/{*name}")] HttpRequest request,
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
