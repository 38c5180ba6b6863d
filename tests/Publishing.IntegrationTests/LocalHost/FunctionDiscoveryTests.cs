using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Publishing.Local.Functions;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>
/// Functions the local host could not serve faithfully stop it at start-up, with every problem named, instead of
/// failing on the first request. (These classes are internal, so the hosts of the other tests never see them.)
/// </summary>
public sealed class FunctionDiscoveryTests
{
    private static readonly IConfiguration Settings = new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { ["Watched"] = "watched" })
        .Build();

    [Fact]
    public void Parameter_the_local_host_cannot_bind_stops_it_at_start_up_naming_the_function_and_parameter()
    {
        var problem = Assert.Throws<InvalidOperationException>(() => FunctionDiscovery.Discover([typeof(UnbindableFunctions)], Settings, ""));

        Assert.Contains("Function 'NeedsContext'", problem.Message, StringComparison.Ordinal);
        Assert.Contains("'context'", problem.Message, StringComparison.Ordinal);
        Assert.Contains("Function 'NeedsQuery'", problem.Message, StringComparison.Ordinal);
        Assert.Contains("'limit'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Polling_blob_trigger_stops_the_local_host_at_start_up()
    {
        var problem = Assert.Throws<InvalidOperationException>(() => FunctionDiscovery.Discover([typeof(PollingBlobFunction)], Settings, ""));

        Assert.Contains("Function 'Polls'", problem.Message, StringComparison.Ordinal);
        Assert.Contains("EventGrid", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Blob_path_naming_a_missing_app_setting_stops_the_local_host_at_start_up()
    {
        var problem = Assert.Throws<InvalidOperationException>(() => FunctionDiscovery.Discover([typeof(UnsetSettingFunction)], Settings, ""));

        Assert.Contains("'NotSet'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Routes_get_the_host_json_route_prefix_and_methods_as_declared()
    {
        var catalog = FunctionDiscovery.Discover([typeof(PrefixedFunction)], Settings, "api");

        var function = Assert.Single(catalog.HttpFunctions);
        Assert.Equal("things/{id:int}", function.Route);
        Assert.Equal("api/things/{id:int}", function.RoutePattern);
        Assert.Equal(["get", "post"], function.Methods);
    }

#pragma warning disable CA1822, IDE0060 // shapes of functions, never called
    internal sealed class UnbindableFunctions
    {
        [Function("NeedsContext")]
        public IActionResult NeedsContext([HttpTrigger(AuthorizationLevel.Anonymous, "get")] HttpRequest request, FunctionContext context) => new OkResult();

        [Function("NeedsQuery")]
        public IActionResult NeedsQuery([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "things")] HttpRequest request, int limit) => new OkResult();
    }

    internal sealed class PollingBlobFunction
    {
        [Function("Polls")]
        public Task Polls([BlobTrigger("%Watched%/{name}")] BlobClient blob, string name) => Task.CompletedTask;
    }

    internal sealed class UnsetSettingFunction
    {
        [Function("Unset")]
        public Task Unset([BlobTrigger("%NotSet%/{name}", Source = BlobTriggerSource.EventGrid)] BlobClient blob) => Task.CompletedTask;
    }

    internal sealed class PrefixedFunction
    {
        [Function("Prefixed")]
        public IActionResult Run([HttpTrigger(AuthorizationLevel.Function, "GET", "post", Route = "things/{id:int}")] HttpRequest request, int id) => new OkResult();
    }
#pragma warning restore CA1822, IDE0060
}
