using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Publishing.Local.BlobTriggers;

namespace Publishing.Local.Functions;

/// <summary>
/// The functions the local host serves, found by reflection over the function assemblies
/// (<see cref="FunctionDiscovery"/>). A test holds this against the build's <c>functions.metadata</c>, so the
/// local host and the real one cannot drift apart.
/// </summary>
internal sealed class FunctionCatalog(string routePrefix, IReadOnlyList<HttpFunction> httpFunctions, IReadOnlyList<BlobTriggerFunction> blobTriggerFunctions)
{
    /// <summary>How the Functions host names a function in its webhooks' <c>functionName</c> and its blob-trigger queue messages.</summary>
    public const string HostFunctionPrefix = "Host.Functions.";

    /// <summary><c>extensions.http.routePrefix</c> of host.json (the Functions default is <c>api</c>).</summary>
    public string RoutePrefix { get; } = routePrefix;

    public IReadOnlyList<HttpFunction> HttpFunctions { get; } = httpFunctions;

    public IReadOnlyList<BlobTriggerFunction> BlobTriggerFunctions { get; } = blobTriggerFunctions;

    /// <summary>The blob-triggered function a webhook call or queue message names (<c>Host.Functions.X</c>, or plain <c>X</c>).</summary>
    public BlobTriggerFunction? FindBlobTrigger(string? functionId)
    {
        if (string.IsNullOrEmpty(functionId))
        {
            return null;
        }

        var name = functionId.StartsWith(HostFunctionPrefix, StringComparison.OrdinalIgnoreCase)
            ? functionId[HostFunctionPrefix.Length..]
            : functionId;
        return BlobTriggerFunctions.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>An HTTP-triggered function: its route (with the route prefix applied) and methods, as mapped in ASP.NET Core.</summary>
internal sealed class HttpFunction
{
    public required string Name { get; init; }

    /// <summary>Lower-case, as in functions.metadata; empty for "any method".</summary>
    public required IReadOnlyList<string> Methods { get; init; }

    /// <summary>The route as the function declares it (functions.metadata's <c>route</c>).</summary>
    public required string Route { get; init; }

    /// <summary>The route as served: the route prefix, then <see cref="Route"/>.</summary>
    public required string RoutePattern { get; init; }

    /// <remarks>Not enforced locally, as <c>func start</c> does not enforce it either.</remarks>
    public required AuthorizationLevel AuthorizationLevel { get; init; }

    public required FunctionMethod<HttpContext> Method { get; init; }
}

/// <summary>A blob-triggered function: the container it watches and how a blob's name binds to its parameters.</summary>
internal sealed class BlobTriggerFunction
{
    public required string Name { get; init; }

    public string FunctionId => FunctionCatalog.HostFunctionPrefix + Name;

    /// <summary>The path as the function declares it, app-setting references unresolved (functions.metadata's <c>path</c>).</summary>
    public required string Path { get; init; }

    public required BlobTriggerSource Source { get; init; }

    /// <summary>The name of the storage connection setting (<c>AzureWebJobsStorage</c> unless the trigger names another).</summary>
    public required string Connection { get; init; }

    /// <summary><see cref="Path"/> resolved against the app settings.</summary>
    public required BlobPathPattern Pattern { get; init; }

    public required FunctionMethod<BlobTriggerInvocation> Method { get; init; }
}

/// <summary>What a blob trigger fires with: the blob, and the binding data its name yields (<c>{name}</c> and the like).</summary>
internal sealed record BlobTriggerInvocation(BlobClient Blob, IReadOnlyDictionary<string, string> BindingData);
