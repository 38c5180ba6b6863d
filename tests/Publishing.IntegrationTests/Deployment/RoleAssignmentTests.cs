using System.Text.RegularExpressions;

namespace Publishing.IntegrationTests.Deployment;

/// <summary>
/// Who can do what, read from the compiled infra/main.bicep: every role assignment it deploys (in any module), with its
/// principal followed up to what main.bicep passes, its built-in role and its scope, must be a row of
/// <see cref="Expected"/>, and every row must be deployed. A new assignment fails here until it is added to this table
/// and to docs/deploy.md ("Who can do what") with its reason.
/// </summary>
public sealed partial class RoleAssignmentTests
{
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageBlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    private const string StorageBlobDataReader = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string StorageQueueDataMessageSender = "c6a89b2d-59bc-44d0-9896-0f6e12d7b80a";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";

    private const string AppIdentity = "app identity";
    private const string Editors = "editors group";
    private const string EventGridTopic = "Event Grid system topic";
    private const string DeployingUser = "deploying user";

    private const string StorageAccount = "storage account";
    private const string ArticlesContainer = "container articles";
    private const string DeadLetterContainer = "container eventgrid-deadletter";
    private const string ApplicationInsights = "Application Insights";
    private const string DeletionsQueue = "queue article-deletions";

    /// <summary>What main.bicep passes as a principal id, as <see cref="ArmTemplate"/> evaluates it, and who that is.</summary>
    private static readonly Dictionary<string, string> Principals = new(StringComparer.Ordinal)
    {
        ["ref:identity.outputs.principalId.value"] = AppIdentity,
        ["param:editorsGroupId"] = Editors,
        ["ref:events.outputs.principalId.value"] = EventGridTopic,
        ["param:principalId"] = DeployingUser,
    };

    /// <summary>Every role assignment the deployment makes. Optional: made only when its principal parameter is set.</summary>
    private static readonly Assignment[] Expected =
    [
        new(AppIdentity, StorageBlobDataOwner, StorageAccount, Optional: false),
        new(AppIdentity, StorageQueueDataContributor, StorageAccount, Optional: false),
        new(AppIdentity, StorageTableDataContributor, StorageAccount, Optional: false),
        new(AppIdentity, MonitoringMetricsPublisher, ApplicationInsights, Optional: false),
        new(Editors, StorageBlobDataContributor, ArticlesContainer, Optional: true),
        new(EventGridTopic, StorageBlobDataContributor, DeadLetterContainer, Optional: false),
        new(EventGridTopic, StorageQueueDataMessageSender, DeletionsQueue, Optional: false),
        new(DeployingUser, StorageBlobDataReader, DeadLetterContainer, Optional: true),
    ];

    [Fact]
    public async Task Every_role_assignment_in_the_compiled_bicep_is_a_row_of_the_expected_table()
    {
        var deployed = await DeployedAssignmentsAsync();

        var unexpected = deployed.Except(Expected).ToList();
        var missing = Expected.Except(deployed).ToList();
        Assert.True(unexpected.Count == 0 && missing.Count == 0,
            string.Join('\n', new[]
            {
                unexpected.Count > 0 ? $"Deployed but not in the table (add it here and to docs/deploy.md, with its reason, or remove it):\n  {string.Join("\n  ", unexpected)}" : null,
                missing.Count > 0 ? $"In the table but not deployed:\n  {string.Join("\n  ", missing)}" : null,
            }.OfType<string>()));
        Assert.Equal(deployed.Count, deployed.Distinct().Count());
    }

    [Fact]
    public async Task Editors_touch_only_the_articles_container_and_the_deploying_user_is_no_editor()
    {
        var deployed = await DeployedAssignmentsAsync();

        Assert.All(deployed.Where(a => a.Principal == Editors), a => Assert.Equal(ArticlesContainer, a.Scope));
        Assert.DoesNotContain(deployed, a => a.Principal == DeployingUser && a.Scope is ArticlesContainer or StorageAccount);
        Assert.DoesNotContain(deployed, a => a.Principal != AppIdentity && a.Scope == StorageAccount);

        // Nobody is an editor unless named: the group parameter defaults to empty.
        var main = ArmTemplate.Root(await BicepCli.MainTemplateAsync());
        Assert.Equal("", (string?)main.Parameter("editorsGroupId")?["defaultValue"]);
    }

    private static async Task<List<Assignment>> DeployedAssignmentsAsync()
    {
        var main = ArmTemplate.Root(await BicepCli.MainTemplateAsync());
        var found = new List<Assignment>();
        foreach (var assignment in main.Resources("Microsoft.Authorization/roleAssignments"))
        {
            Assert.True(assignment.Json["copy"] is null,
                $"Role assignment {assignment.Json["name"]} is made in a loop: declare each on its own, so that its role and scope can be read here.");

            var properties = assignment.Json["properties"];
            var principal = assignment.Template.EvaluateString(properties?["principalId"]);
            var roleDefinition = assignment.Template.EvaluateString(properties?["roleDefinitionId"]);
            var scope = assignment.Evaluate("scope");
            var condition = assignment.Evaluate("condition");

            found.Add(new Assignment(
                Principals.GetValueOrDefault(principal, $"unknown principal {principal}"),
                BuiltInRole().Match(roleDefinition) is { Success: true } role ? role.Groups["id"].Value : $"not a built-in role: {roleDefinition}",
                ScopeOf(scope),
                Optional: condition.Length > 0));
        }

        return found;
    }

    /// <summary>A scope as a row names it; an assignment without one would apply to the whole resource group.</summary>
    private static string ScopeOf(string scope) => scope switch
    {
        "" => "resource group",
        _ when StorageAccountId().IsMatch(scope) => StorageAccount,
        _ when ContainerId().Match(scope) is { Success: true } container => $"container {container.Groups["name"].Value}",
        _ when QueueId().Match(scope) is { Success: true } queue => $"queue {queue.Groups["name"].Value}",
        _ when ApplicationInsightsId().IsMatch(scope) => ApplicationInsights,
        _ => scope,
    };

    [GeneratedRegex("^Microsoft.Authorization/roleDefinitions/(?<id>[0-9a-f-]{36})$")]
    private static partial Regex BuiltInRole();

    [GeneratedRegex("^Microsoft.Storage/storageAccounts/[^/]+$")]
    private static partial Regex StorageAccountId();

    [GeneratedRegex("^Microsoft.Storage/storageAccounts/[^/]+/blobServices/default/containers/(?<name>[^/]+)$")]
    private static partial Regex ContainerId();

    [GeneratedRegex("^Microsoft.Storage/storageAccounts/[^/]+/queueServices/default/queues/(?<name>[^/]+)$")]
    private static partial Regex QueueId();

    [GeneratedRegex("^Microsoft.Insights/components/[^/]+$", RegexOptions.IgnoreCase)]
    private static partial Regex ApplicationInsightsId();

    private sealed record Assignment(string Principal, string Role, string Scope, bool Optional)
    {
        public override string ToString() => $"{Principal}: {RoleName(Role)} on {Scope}{(Optional ? " (when its parameter is set)" : "")}";

        private static string RoleName(string id) => id switch
        {
            StorageBlobDataOwner => "Storage Blob Data Owner",
            StorageBlobDataContributor => "Storage Blob Data Contributor",
            StorageBlobDataReader => "Storage Blob Data Reader",
            StorageQueueDataContributor => "Storage Queue Data Contributor",
            StorageQueueDataMessageSender => "Storage Queue Data Message Sender",
            StorageTableDataContributor => "Storage Table Data Contributor",
            MonitoringMetricsPublisher => "Monitoring Metrics Publisher",
            _ => id,
        };
    }
}
