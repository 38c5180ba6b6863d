using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Publishing.IntegrationTests.Deployment;

/// <summary>
/// The Event Grid subscription that feeds the blob trigger never drops an event without a trace: it states its retry
/// policy and dead-letters to a container of the storage account, with the system topic's identity. The subscription is
/// infra/app/event-subscription.bicep, deployed by the postdeploy hooks (it needs the host's key); main.bicep makes the
/// container, the topic's identity and its role (the role itself is in <see cref="RoleAssignmentTests"/>).
/// </summary>
public sealed partial class EventDeliveryTests
{
    private const string DeadLetterContainer = "eventgrid-deadletter";

    private static readonly string[] Hooks = ["postdeploy.sh", "postdeploy.ps1"];

    [Fact]
    public async Task The_subscription_retries_for_a_day_then_dead_letters_to_a_container_with_the_topics_identity()
    {
        var template = ArmTemplate.Root(await BicepCli.EventSubscriptionTemplateAsync());
        var properties = Subscription(template, "WebHook");

        Assert.Equal(30, (int?)properties["retryPolicy"]?["maxDeliveryAttempts"]);
        Assert.Equal(1440, (int?)properties["retryPolicy"]?["eventTimeToLiveInMinutes"]);

        // With the topic's identity, not Event Grid's own (deadLetterDestination): the account takes Entra ID tokens only.
        Assert.Null(properties["deadLetterDestination"]);
        var deadLetter = properties["deadLetterWithResourceIdentity"];
        Assert.Equal("SystemAssigned", (string?)deadLetter?["identity"]?["type"]);
        Assert.Equal("StorageBlob", (string?)deadLetter?["deadLetterDestination"]?["endpointType"]);
        Assert.Equal("Microsoft.Storage/storageAccounts/param:storageAccountName",
            template.EvaluateString(deadLetter?["deadLetterDestination"]?["properties"]?["resourceId"]));
        Assert.Equal("param:deadLetterContainer",
            template.EvaluateString(deadLetter?["deadLetterDestination"]?["properties"]?["blobContainerName"]));
    }

    [Fact]
    public async Task The_subscription_delivers_finished_blobs_of_the_articles_container_to_a_webhook_url_kept_secret()
    {
        var template = ArmTemplate.Root(await BicepCli.EventSubscriptionTemplateAsync());
        var properties = Subscription(template, "WebHook");

        Assert.Equal("WebHook", (string?)properties["destination"]?["endpointType"]);
        Assert.Equal("param:webhookUrl", template.EvaluateString(properties["destination"]?["properties"]?["endpointUrl"]));
        Assert.Equal("secureString", (string?)template.Parameter("webhookUrl")?["type"], ignoreCase: true);
        Assert.Equal(["Microsoft.Storage.BlobCreated"], properties["filter"]?["includedEventTypes"]?.AsArray().Select(t => (string?)t));
        Assert.Equal("/blobServices/default/containers/param:articlesContainer/", template.EvaluateString(properties["filter"]?["subjectBeginsWith"]));
        var api = Assert.Single(properties["filter"]?["advancedFilters"]?.AsArray() ?? []);
        Assert.Equal("data.api", (string?)api?["key"]);
        Assert.Equal(["PutBlob", "PutBlockList", "CopyBlob", "FlushWithClose"], api?["values"]?.AsArray().Select(v => (string?)v));
    }

    [Fact]
    public async Task Main_bicep_makes_the_dead_letter_container_gives_the_topic_an_identity_and_tells_the_hooks_the_container()
    {
        var main = ArmTemplate.Root(await BicepCli.MainTemplateAsync());

        Assert.Contains(DeadLetterContainer, ContainersPassedToStorage(main));

        var topic = Assert.Single(main.Resources("Microsoft.EventGrid/systemTopics"));
        Assert.Equal("SystemAssigned", (string?)topic.Json["identity"]?["type"]);
        Assert.Equal(DeadLetterContainer, main.EvaluateString(main.Output("AZURE_EVENTGRID_DEADLETTER_CONTAINER")));
    }

    [Fact]
    public async Task Both_postdeploy_hooks_deploy_the_subscription_template_with_every_parameter_it_requires()
    {
        var required = RequiredParameters(await BicepCli.EventSubscriptionTemplateAsync()).ToList();
        Assert.Contains("webhookUrl", required);

        foreach (var hook in Hooks)
        {
            var text = File.ReadAllText(Path.Combine(BicepCli.InfraDirectory, "hooks", hook));

            Assert.Contains("az deployment group create", text, StringComparison.Ordinal);
            Assert.Contains("app/event-subscription.bicep", text.Replace('\\', '/'), StringComparison.Ordinal);
            // The system-topic CLI command cannot dead-letter with the topic's identity: the template does it instead.
            Assert.DoesNotContain("event-subscription create", text, StringComparison.Ordinal);
            Assert.All(required, p => Assert.True(Regex.IsMatch(text, $@"\b{p}\b"), $"{hook} does not pass the template's parameter '{p}'."));
        }
    }

    [Fact]
    public async Task Every_azd_value_the_hooks_read_is_an_output_of_main_bicep()
    {
        var outputs = (await BicepCli.MainTemplateAsync())["outputs"]!.AsObject().Select(o => o.Key).ToHashSet(StringComparer.Ordinal);

        foreach (var hook in Hooks)
        {
            var text = File.ReadAllText(Path.Combine(BicepCli.InfraDirectory, "hooks", hook));
            var read = AzdValue().Matches(text).Select(m => m.Value).Distinct().ToList();

            Assert.Contains("AZURE_EVENTGRID_DEADLETTER_CONTAINER", read);
            Assert.All(read, name => Assert.True(outputs.Contains(name), $"{hook} reads {name}, which main.bicep does not output."));
        }
    }

    [Fact]
    public async Task Deletions_of_the_articles_container_go_to_the_deletions_queue_with_the_topics_identity_retried_then_dead_lettered()
    {
        var template = ArmTemplate.Root(await BicepCli.EventSubscriptionTemplateAsync());
        var properties = Subscription(template, "StorageQueue");

        Assert.Equal(["Microsoft.Storage.BlobDeleted"], properties["filter"]?["includedEventTypes"]?.AsArray().Select(t => (string?)t));
        Assert.Equal("/blobServices/default/containers/param:articlesContainer/", template.EvaluateString(properties["filter"]?["subjectBeginsWith"]));
        var delivery = properties["deliveryWithResourceIdentity"];
        Assert.Equal("SystemAssigned", (string?)delivery?["identity"]?["type"]);
        Assert.Equal("Microsoft.Storage/storageAccounts/param:storageAccountName",
            template.EvaluateString(delivery?["destination"]?["properties"]?["resourceId"]));
        Assert.Equal("param:deletionsQueue", template.EvaluateString(delivery?["destination"]?["properties"]?["queueName"]));
        Assert.Equal(30, (int?)properties["retryPolicy"]?["maxDeliveryAttempts"]);
        Assert.Equal(1440, (int?)properties["retryPolicy"]?["eventTimeToLiveInMinutes"]);
        Assert.Equal("param:deadLetterContainer",
            template.EvaluateString(properties["deadLetterWithResourceIdentity"]?["deadLetterDestination"]?["properties"]?["blobContainerName"]));
    }

    [Fact]
    public async Task Main_bicep_makes_the_deletions_queue_names_it_in_the_app_settings_and_tells_the_hooks()
    {
        var main = ArmTemplate.Root(await BicepCli.MainTemplateAsync());

        var queues = main.Resources("Microsoft.Resources/deployments")
            .Where(m => m.Evaluate("name") == "storage")
            .SelectMany(m => Strings(m.Template.Evaluate(m.Json["properties"]?["parameters"]?["queues"]?["value"])));
        Assert.Contains("article-deletions", queues);
        Assert.Equal("article-deletions", main.EvaluateString(main.Output("AZURE_ARTICLE_DELETIONS_QUEUE")));
        foreach (var hook in Hooks)
        {
            Assert.Contains("AZURE_ARTICLE_DELETIONS_QUEUE", File.ReadAllText(Path.Combine(BicepCli.InfraDirectory, "hooks", hook)), StringComparison.Ordinal);
        }
    }

    /// <summary>The one subscription of the template that delivers to <paramref name="endpointType"/>.</summary>
    private static JsonNode Subscription(ArmTemplate template, string endpointType) =>
        Assert.Single(
            template.Resources("Microsoft.EventGrid/systemTopics/eventSubscriptions"),
            s => (string?)(s.Json["properties"]?["destination"] ?? s.Json["properties"]?["deliveryWithResourceIdentity"]?["destination"])?["endpointType"] == endpointType)
        .Json["properties"]!;

    /// <summary>Parameters without a default: the hook must pass each.</summary>
    private static IEnumerable<string> RequiredParameters(JsonObject template) =>
        template["parameters"]!.AsObject().Where(p => p.Value?["defaultValue"] is null).Select(p => p.Key);

    /// <summary>The container names main.bicep passes to the storage module.</summary>
    private static IEnumerable<string> ContainersPassedToStorage(ArmTemplate main) =>
        main.Resources("Microsoft.Resources/deployments")
            .Where(m => m.Evaluate("name") == "storage")
            .SelectMany(m => Strings(m.Template.Evaluate(m.Json["properties"]?["parameters"]?["containers"]?["value"])));

    private static IEnumerable<string> Strings(JsonNode? node) =>
        node is JsonArray array ? array.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : "") : [];

    [GeneratedRegex(@"\b(?:AZURE|SERVICE)_[A-Z0-9_]+\b")]
    private static partial Regex AzdValue();
}
