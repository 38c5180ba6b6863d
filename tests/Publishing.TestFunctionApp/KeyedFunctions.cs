using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Publishing.TestFunctionApp;

/// <summary>A function that needs a function key, for the host's key enforcement switch.</summary>
public static class KeyedFunctions
{
    [Function(nameof(Keyed))]
    public static IActionResult Keyed([HttpTrigger(AuthorizationLevel.Function, "get", Route = "test/keyed")] HttpRequest request) =>
        Results.Text("ok", "text/plain").ToActionResult();
}
