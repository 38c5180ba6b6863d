using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Azure.Identity;
using Publishing.Functions;
using Publishing.Functions.Telemetry;
using Publishing.Publication;
using Publishing.Storage;

namespace Publishing.IntegrationTests.Deployment;

/// <summary>
/// What infra/ deploys matches what the code reads: the function app's app settings in the compiled Bicep are
/// exactly the configuration keys the app and its host read, none of them holds a secret, and the postdeploy
/// hook subscribes the function that really has the Event Grid blob trigger.
/// </summary>
/// <remarks>
/// Keys the app reads, found rather than listed so that new ones are picked up:
/// <list type="bullet">
/// <item>every <c>%Setting%</c> binding expression and every <c>connection</c> in the build's functions.metadata;
/// a connection is set in its identity form (<c>__accountName</c>, <c>__credential</c>, <c>__clientId</c>);</item>
/// <item>every public settable property of every options class (a type with <c>public const string SectionName</c>)
/// in the domain and function app assemblies, as <c>Section__Property</c>. Each must be set explicitly, even where
/// the class has a default: those defaults are for a laptop (<c>PublicBaseUrl</c> is localhost), the storage names
/// must be the ones the Bicep creates, and a default changed in code should not silently change production;</item>
/// <item>the <c>StorageClient</c> section (Azure SDK retry and timeout tuning, and the read path's budget under
/// <c>StorageClient:Read</c>) is optional: its defaults are meant for production, so its keys may be set (for example
/// during an incident) but need not be.</item>
/// </list>
/// </remarks>
public sealed class SettingsDriftTests
{
    private static readonly string MetadataPath = Path.Combine(AppContext.BaseDirectory, "FunctionApp", "functions.metadata");

    /// <summary>
    /// Read by the Functions host and by the worker's exporter (<see cref="TelemetryExtensions"/>); required in every
    /// deployment, or the app's telemetry goes nowhere.
    /// </summary>
    private static readonly string[] TelemetrySettings =
    [
        // Where telemetry goes; with local auth disabled on the component its key is useless on its own.
        TelemetryExtensions.ConnectionStringSetting,
        // Telemetry sent with the app's managed identity (ClientId=...;Authorization=AAD).
        ApplicationInsightsAuthentication.Setting,
    ];

    /// <summary>An identity-based connection as both the host and <see cref="StorageConnection"/> read it, for a user-assigned identity.</summary>
    private static readonly string[] IdentityConnectionKeys = ["accountName", "credential", "clientId"];

    /// <summary>
    /// Sections whose keys all have defaults meant for production: read if set, never required. The telemetry
    /// section turns on a developer's exporter (console, OTLP); production exports to Application Insights without it.
    /// </summary>
    private static readonly string[] OptionalSections = [PublishingServiceCollectionExtensions.StorageClientSection, TelemetryOptions.SectionName];

    /// <summary>Flex Consumption refuses an app with these: the runtime is set in functionAppConfig.</summary>
    private static readonly string[] RejectedByFlexConsumption = ["FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION"];

    private static readonly Assembly[] AppAssemblies = [typeof(PublishingOptions).Assembly, typeof(PublishingApp).Assembly];

    [Fact]
    public async Task App_settings_in_the_bicep_are_exactly_the_keys_the_app_reads()
    {
        var deployed = AppSettings(await BicepCli.MainTemplateAsync()).Select(s => s.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var required = RequiredKeys();

        var missing = required.Where(k => !deployed.Contains(k)).Order(StringComparer.Ordinal).ToList();
        var unread = deployed
            .Where(k => !required.Contains(k) && !OptionalSections.Any(s => k.StartsWith(s + "__", StringComparison.OrdinalIgnoreCase)))
            .Order(StringComparer.Ordinal)
            .ToList();
        var rejected = deployed.Intersect(RejectedByFlexConsumption, StringComparer.OrdinalIgnoreCase).ToList();

        Assert.True(missing.Count == 0 && unread.Count == 0 && rejected.Count == 0,
            string.Join('\n', new[]
            {
                missing.Count > 0 ? $"Read by the app but not set in infra/core/host/functions-flexconsumption.bicep: {string.Join(", ", missing)}" : null,
                unread.Count > 0 ? $"Set in the Bicep but read by nothing (remove, or read it through an options class): {string.Join(", ", unread)}" : null,
                rejected.Count > 0 ? $"Rejected by Flex Consumption (the runtime goes in functionAppConfig): {string.Join(", ", rejected)}" : null,
            }.OfType<string>()));
    }

    [Fact]
    public void Keys_the_app_reads_include_every_options_property_and_the_trigger_settings()
    {
        // Guards the discovery itself: were it to find nothing, the drift test would pass on an empty list.
        var required = RequiredKeys();

        Assert.Contains("Publishing__PublicBaseUrl", required);
        Assert.Contains("ArticlesContainer", required);
        Assert.Contains("AzureWebJobsStorage__accountName", required);
        Assert.All(typeof(PublishingOptions).GetProperties().Where(p => p.CanWrite), p => Assert.Contains($"{PublishingOptions.SectionName}__{p.Name}", required));
    }

    [Fact]
    public async Task No_app_setting_holds_a_key_or_secret_and_storage_and_telemetry_refuse_keys()
    {
        var template = await BicepCli.MainTemplateAsync();
        string[] secretMarkers = ["AccountKey=", "SharedAccessSignature", "SharedAccessKey", "sig=", "listKeys(", "Password"];

        foreach (var (key, value) in AppSettings(template))
        {
            Assert.False(secretMarkers.Any(m => value.Contains(m, StringComparison.OrdinalIgnoreCase)),
                $"App setting {key} looks like it holds a secret: {value}");
            // Only Application Insights' connection string names an instrumentation key, and it is not a credential
            // while the component refuses local auth (asserted below).
            Assert.False(!key.Equals("APPLICATIONINSIGHTS_CONNECTION_STRING", StringComparison.Ordinal) && value.Contains("InstrumentationKey=", StringComparison.OrdinalIgnoreCase),
                $"App setting {key} holds an instrumentation key.");
        }

        Assert.Contains("Authorization=AAD", AppSettings(template)["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"], StringComparison.Ordinal);
        Assert.Equal("managedidentity", AppSettings(template)["AzureWebJobsStorage__credential"]);
        Assert.All(Resources(template, "Microsoft.Storage/storageAccounts"), r => Assert.False(r["properties"]?["allowSharedKeyAccess"]?.GetValue<bool>() ?? true));
        Assert.All(Resources(template, "Microsoft.Insights/components"), r => Assert.True(r["properties"]?["DisableLocalAuth"]?.GetValue<bool>() ?? false));
        Assert.NotEmpty(Resources(template, "Microsoft.Storage/storageAccounts"));
        Assert.NotEmpty(Resources(template, "Microsoft.Insights/components"));
    }

    [Fact]
    public async Task The_telemetry_authentication_string_deployed_names_a_managed_identity_the_exporter_signs_in_with()
    {
        // The Bicep writes the identity's client id into it: [format('ClientId={0};Authorization=AAD', ...)].
        var deployed = AppSettings(await BicepCli.MainTemplateAsync())[ApplicationInsightsAuthentication.Setting];
        var format = Regex.Match(deployed, @"^\[format\('(?<format>[^']*)'");
        var value = format.Success ? format.Groups["format"].Value.Replace("{0}", Guid.NewGuid().ToString(), StringComparison.Ordinal) : deployed;

        Assert.IsType<ManagedIdentityCredential>(ApplicationInsightsAuthentication.CredentialFor(value));
    }

    [Fact]
    public void Host_json_telemetry_mode_matches_the_workers_OpenTelemetry()
    {
        // The worker exports OpenTelemetry itself (AddTelemetry); a host still in Application Insights mode would
        // send the invocations in another shape, uncorrelated with the worker's spans.
        var hostJson = JsonNode.Parse(File.ReadAllText(Path.Combine(BicepCli.RepositoryRoot, "functions", "Publishing.Functions", "host.json")))!;

        Assert.Equal("OpenTelemetry", (string?)hostJson["telemetryMode"]);
    }

    [Fact]
    public void Postdeploy_hooks_subscribe_the_function_with_the_event_grid_blob_trigger()
    {
        var eventGridFunctions = FunctionsMetadata()
            .Where(f => Bindings(f).Any(b => (string?)b["type"] == "blobTrigger" && (string?)b["source"] == "EventGrid"))
            .Select(f => (string)f["name"]!)
            .ToList();

        var hook = Assert.Single(eventGridFunctions);
        foreach (var script in new[] { "postdeploy.sh", "postdeploy.ps1" })
        {
            var text = File.ReadAllText(Path.Combine(BicepCli.InfraDirectory, "hooks", script));
            var named = Regex.Match(text, @"^\$?function_?name\s*=\s*'?(?<name>\w+)'?\s*$", RegexOptions.Multiline | RegexOptions.IgnoreCase);
            Assert.True(named.Success, $"{script} names no function (function_name=... / $functionName = '...').");
            Assert.Equal(hook, named.Groups["name"].Value);
            Assert.Contains("functionName=Host.Functions.", text, StringComparison.Ordinal);
        }
    }

    private static HashSet<string> RequiredKeys()
    {
        var keys = new HashSet<string>(TelemetrySettings, StringComparer.OrdinalIgnoreCase);

        // Our own code reads the storage connection too (StorageConnection), whatever the bindings say.
        var connections = new HashSet<string>([StorageConnection.Name], StringComparer.OrdinalIgnoreCase);
        foreach (var binding in FunctionsMetadata().SelectMany(Bindings))
        {
            if ((string?)binding["connection"] is { Length: > 0 } connection)
            {
                connections.Add(connection);
            }

            foreach (var value in StringValues(binding))
            {
                foreach (Match expression in Regex.Matches(value, "%(?<name>[^%]+)%"))
                {
                    keys.Add(expression.Groups["name"].Value.Replace(":", "__", StringComparison.Ordinal));
                }
            }
        }

        keys.UnionWith(connections.SelectMany(c => IdentityConnectionKeys.Select(k => $"{c}__{k}")));
        keys.UnionWith(OptionsKeys());
        return keys;
    }

    /// <summary>
    /// Every options class in the app's assemblies, known by its <c>public const string SectionName</c> (a nested
    /// section's <c>:</c> written <c>__</c>), except those inside an <see cref="OptionalSections">optional section</see>.
    /// </summary>
    private static IEnumerable<string> OptionsKeys() =>
        from type in AppAssemblies.SelectMany(a => a.GetTypes())
        let section = type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)
        where section is { IsLiteral: true } && section.FieldType == typeof(string)
        let prefix = (section.GetRawConstantValue() as string ?? "").Replace(":", "__", StringComparison.Ordinal)
        where !OptionalSections.Any(s => prefix.Equals(s, StringComparison.OrdinalIgnoreCase) || prefix.StartsWith(s + "__", StringComparison.OrdinalIgnoreCase))
        from property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
        where property.SetMethod is { IsPublic: true }
        select $"{prefix}__{property.Name}";

    private static List<JsonObject> FunctionsMetadata()
    {
        Assert.True(File.Exists(MetadataPath), $"No functions.metadata at {MetadataPath}; the build copies it there.");
        return JsonNode.Parse(File.ReadAllText(MetadataPath))!.AsArray().OfType<JsonObject>().ToList();
    }

    private static IEnumerable<JsonObject> Bindings(JsonObject function) =>
        function["bindings"]?.AsArray().OfType<JsonObject>() ?? [];

    private static IEnumerable<string> StringValues(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => StringValues(p.Value)),
        JsonArray a => a.SelectMany(StringValues),
        JsonValue v when v.TryGetValue<string>(out var s) => [s],
        _ => [],
    };

    /// <summary>The function app's settings: the properties of the one <c>Microsoft.Web/sites/config</c> appsettings resource.</summary>
    private static Dictionary<string, string> AppSettings(JsonObject template)
    {
        Assert.All(Resources(template, "Microsoft.Web/sites"), site => Assert.Null(site["properties"]?["siteConfig"]?["appSettings"]));
        var config = Assert.Single(Resources(template, "Microsoft.Web/sites/config"),
            r => ((string?)r["name"])?.Contains("appsettings", StringComparison.Ordinal) == true);
        var properties = config["properties"] as JsonObject
            ?? throw new InvalidOperationException("The appsettings resource's properties are an expression, not an object: write them as a literal object.");
        return properties.ToDictionary(
            p => p.Key,
            p => p.Value is JsonValue v && v.TryGetValue<string>(out var text) ? text : p.Value?.ToJsonString() ?? "",
            StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Resources of a type the template deploys, nested module templates included (not <c>existing</c> references).</summary>
    private static List<JsonObject> Resources(JsonObject template, string type) =>
        [.. ArmTemplate.Root(template).Resources(type).Select(r => r.Json)];
}
