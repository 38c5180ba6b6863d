using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.Primitives;
using Publishing.Local.Functions;

namespace Publishing.Local.Http;

/// <summary>
/// The HTTP functions as ASP.NET Core endpoints, added once the worker has reported them: each function's route
/// pattern (route prefix applied) and methods, ordered as the worker listed them so that, as in the Functions
/// host, the first function whose route and method match serves the request.
/// </summary>
internal sealed class FunctionEndpoints(HttpFunctionForwarder forwarder) : EndpointDataSource, IDisposable
{
    private CancellationTokenSource _changed = new();
    private readonly TaskCompletionSource _published = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IReadOnlyList<Endpoint> _endpoints = [];

    public override IReadOnlyList<Endpoint> Endpoints => Volatile.Read(ref _endpoints);

    public override IChangeToken GetChangeToken() => new CancellationChangeToken(Volatile.Read(ref _changed).Token);

    /// <summary>Completes once the functions' endpoints are in place.</summary>
    public Task Published => _published.Task;

    public void Dispose() => _changed.Dispose();

    public void Publish(FunctionCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var endpoints = new List<Endpoint>(catalog.HttpFunctions.Count);
        for (var order = 0; order < catalog.HttpFunctions.Count; order++)
        {
            var function = catalog.HttpFunctions[order];
            var builder = new RouteEndpointBuilder(context => forwarder.ForwardAsync(context, function), RoutePatternFactory.Parse(function.RoutePattern), order)
            {
                DisplayName = $"Functions.{function.Name}",
            };
            builder.Metadata.Add(function);
            if (function.Methods.Count > 0)
            {
                builder.Metadata.Add(new HttpMethodMetadata([.. function.Methods.Select(m => m.ToUpperInvariant())]));
            }

            endpoints.Add(builder.Build());
        }

        Volatile.Write(ref _endpoints, endpoints);
        // A fired token stays fired: the next change needs a new one, in place before the old one fires.
        var fired = Interlocked.Exchange(ref _changed, new CancellationTokenSource());
        fired.Cancel();
        fired.Dispose();
        _published.TrySetResult();
    }
}
