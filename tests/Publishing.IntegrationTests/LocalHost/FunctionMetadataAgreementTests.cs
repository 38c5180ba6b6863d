using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Publishing.Local.BlobTriggers;
using Publishing.Local.Functions;
using Publishing.Local.Relay;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>
/// The local host serves what the worker reports (worker indexing, as in Azure), and that must be what the build's
/// generated functions.metadata says (what <c>func start</c>'s relay and the deployment read): the same routes,
/// methods, authorization levels and blob paths, each really mapped.
/// </summary>
public sealed class FunctionMetadataAgreementTests
{
    private static readonly string MetadataPath = Path.Combine(AppContext.BaseDirectory, "FunctionApp", FunctionMetadataFile.FileName);

    [Fact]
    public async Task Local_host_serves_exactly_the_http_functions_of_the_built_functions_metadata()
    {
        var expected = FunctionMetadataFile.Read(MetadataPath)
            .SelectMany(f => f.Bindings.Where(b => b.IsHttpTrigger).Select(b => Describe(f.Name, b.Methods ?? [], b.Route ?? f.Name)))
            .Order(StringComparer.Ordinal)
            .ToList();
        await using var storage = new LocalHostStorage();
        await using var host = await TestLocalHost.StartAsync(storage);
        var catalog = await host.Worker.Catalog;
        var fromFile = FunctionCatalog.From(FunctionMetadataFile.Read(MetadataPath), host.App.Configuration, catalog.RoutePrefix);

        Assert.NotEmpty(expected);
        Assert.Equal(expected, catalog.HttpFunctions.Select(f => Describe(f.Name, f.Methods, f.Route)).Order(StringComparer.Ordinal));
        Assert.Equal(
            fromFile.HttpFunctions.Select(f => $"{Describe(f.Name, f.Methods, f.Route)} {f.AuthorizationLevel} {f.TriggerParameter}").Order(StringComparer.Ordinal),
            catalog.HttpFunctions.Select(f => $"{Describe(f.Name, f.Methods, f.Route)} {f.AuthorizationLevel} {f.TriggerParameter}").Order(StringComparer.Ordinal));

        // And each is really mapped, with its methods, under host.json's route prefix.
        var endpoints = ((IEndpointRouteBuilder)host.App).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>().ToList();
        foreach (var function in catalog.HttpFunctions)
        {
            var pattern = string.Join('/', new[] { catalog.RoutePrefix, function.Route }.Where(s => s.Length > 0));
            Assert.Contains(endpoints, e =>
                e.RoutePattern.RawText == pattern
                && e.Metadata.GetMetadata<HttpFunction>() == function
                && (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m => m.ToLowerInvariant()).Order().SequenceEqual(function.Methods.Order()));
        }

        Assert.Contains(endpoints, e => e.RoutePattern.RawText == BlobWebhook.Route
            && e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.SequenceEqual(["POST"]) == true);
    }

    [Fact]
    public async Task Local_host_dispatches_exactly_the_event_grid_blob_triggers_of_the_built_functions_metadata()
    {
        var metadata = FunctionMetadataFile.Read(MetadataPath);
        var expected = metadata
            .SelectMany(f => f.Bindings.Where(b => b.IsBlobTrigger).Select(b => $"{f.Name} {b.Path} {b.Source} {b.Connection}"))
            .Order(StringComparer.Ordinal)
            .ToList();
        await using var storage = new LocalHostStorage();
        await using var host = await TestLocalHost.StartAsync(storage);
        var catalog = await host.Worker.Catalog;

        Assert.NotEmpty(expected);
        Assert.Equal(expected, catalog.BlobTriggerFunctions.Select(f => $"{f.Name} {f.Path} EventGrid {f.Connection}").Order(StringComparer.Ordinal));
        Assert.All(catalog.BlobTriggerFunctions, f => Assert.Equal(storage.Settings["ArticlesContainer"], f.Pattern.Container));
    }

    [Fact]
    public async Task Relay_delivers_to_the_function_names_the_built_functions_metadata_gives_its_blob_triggers()
    {
        var metadata = FunctionMetadataFile.Read(MetadataPath);
        var expected = metadata
            .Where(f => f.Bindings.Any(b => b.IsBlobTrigger && b.Source == "EventGrid"))
            .Select(f => "Host.Functions." + f.Name)
            .Order(StringComparer.Ordinal)
            .ToList();
        await using var storage = new LocalHostStorage();
        await using var host = await TestLocalHost.StartAsync(storage);

        var served = await host.Services.GetRequiredService<RelaySubscriptions>().Items;
        var nextToFuncStart = await RelaySubscriptions.FromMetadata(metadata, host.App.Configuration).Items;

        Assert.NotEmpty(expected);
        Assert.Equal(expected, served.Select(s => s.FunctionId).Order(StringComparer.Ordinal));
        Assert.Equal(served.OrderBy(s => s.FunctionName, StringComparer.Ordinal), nextToFuncStart.OrderBy(s => s.FunctionName, StringComparer.Ordinal));
    }

    private static string Describe(string name, IEnumerable<string> methods, string route) =>
        $"{name} [{string.Join(',', methods.Select(m => m.ToLowerInvariant()).Order(StringComparer.Ordinal))}] {route}";
}
