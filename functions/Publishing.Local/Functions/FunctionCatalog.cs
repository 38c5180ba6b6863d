using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.Configuration;
using Publishing.Local.BlobTriggers;
using Publishing.Local.Configuration;
using Publishing.Storage;

namespace Publishing.Local.Functions;

/// <summary>
/// The functions the local host serves, built from the metadata the worker reports when it starts (worker
/// indexing, as in Azure): each HTTP function's route, methods and authorization level, each blob trigger's path.
/// What the local host cannot serve stops it at start-up with every problem named, instead of failing at the first
/// request. A test holds this catalog against the build's <c>functions.metadata</c>, which <c>func start</c> reads.
/// </summary>
internal sealed class FunctionCatalog(
    string routePrefix,
    IReadOnlyList<HttpFunction> httpFunctions,
    IReadOnlyList<BlobTriggerFunction> blobTriggerFunctions,
    IReadOnlyList<QueueTriggerFunction>? queueTriggerFunctions = null,
    string queueMessageEncoding = "base64")
{
    /// <summary>host.json's <c>extensions.queues.messageEncoding</c>: whether queue messages are Base64-decoded for the function.</summary>
    public bool DecodesQueueMessages { get; } = queueMessageEncoding != "none";

    /// <summary>How the Functions host names a function in its webhooks' <c>functionName</c> and its blob-trigger queue messages.</summary>
    public const string HostFunctionPrefix = "Host.Functions.";

    /// <summary><c>extensions.http.routePrefix</c> of host.json (the Functions default is <c>api</c>).</summary>
    public string RoutePrefix { get; } = routePrefix;

    /// <summary>In the order the worker reported them, which is the order the host matches routes in.</summary>
    public IReadOnlyList<HttpFunction> HttpFunctions { get; } = httpFunctions;

    public IReadOnlyList<BlobTriggerFunction> BlobTriggerFunctions { get; } = blobTriggerFunctions;

    public IReadOnlyList<QueueTriggerFunction> QueueTriggerFunctions { get; } = queueTriggerFunctions ?? [];

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

    /// <summary>
    /// The catalog of <paramref name="functions"/> (from the worker, or from functions.metadata), with app-setting
    /// references in blob paths resolved against <paramref name="settings"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">A function the local host cannot serve, with every problem listed.</exception>
    public static FunctionCatalog From(IEnumerable<FunctionMetadata> functions, IConfiguration settings, string routePrefix, string queueMessageEncoding = "base64")
    {
        ArgumentNullException.ThrowIfNull(functions);
        ArgumentNullException.ThrowIfNull(settings);
        var problems = new List<string>();
        var http = new List<HttpFunction>();
        var blobs = new List<BlobTriggerFunction>();
        var queues = new List<QueueTriggerFunction>();
        foreach (var function in functions)
        {
            try
            {
                var triggers = function.Bindings.Where(b => b.Type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase)).ToList();
                if (triggers.Count != 1)
                {
                    throw new NotSupportedException($"has {triggers.Count} triggers; a function has exactly one.");
                }

                var others = function.Bindings.Where(b => b != triggers[0] && !IsHttpReturn(b)).Select(b => $"{b.Type} '{b.Name}'").ToList();
                if (others.Count > 0)
                {
                    throw new NotSupportedException($"has bindings besides its trigger ({string.Join(", ", others)}); the local host supports none.");
                }

                var trigger = triggers[0];
                if (trigger.IsHttpTrigger)
                {
                    http.Add(HttpFunctionOf(function, trigger, routePrefix));
                }
                else if (trigger.IsBlobTrigger)
                {
                    blobs.Add(BlobTriggerFunctionOf(function, trigger, settings));
                }
                else if (trigger.IsQueueTrigger)
                {
                    queues.Add(QueueTriggerFunctionOf(function, trigger, settings));
                }
                else
                {
                    throw new NotSupportedException(
                        $"has a {trigger.Type}; the local host runs HTTP, Event Grid blob and Storage queue triggers only. Extend Publishing.Local (Functions/FunctionCatalog.cs) to serve it.");
                }
            }
            catch (Exception e) when (e is NotSupportedException or FormatException or InvalidOperationException)
            {
                problems.Add($"Function '{function.Name}' {e.Message}");
            }
        }

        foreach (var duplicate in http.Select(f => f.Name).Concat(blobs.Select(f => f.Name)).Concat(queues.Select(f => f.Name))
                     .GroupBy(n => n, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            problems.Add($"Function name '{duplicate.Key}' is used {duplicate.Count()} times; function names are unique in an app.");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException(
                "The local host cannot serve the function app as it is:" + Environment.NewLine
                + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)));
        }

        return new FunctionCatalog(routePrefix, http, blobs, queues, queueMessageEncoding);
    }

    /// <summary>The <c>$return</c> HTTP output the worker SDK declares for functions returning an HTTP response.</summary>
    private static bool IsHttpReturn(BindingMetadata binding) =>
        string.Equals(binding.Type, "http", StringComparison.OrdinalIgnoreCase)
        && string.Equals(binding.Direction, "Out", StringComparison.OrdinalIgnoreCase);

    private static HttpFunction HttpFunctionOf(FunctionMetadata function, BindingMetadata trigger, string routePrefix)
    {
        // As the Functions host does: an empty route is no route, and the function answers under its name.
        var route = string.IsNullOrEmpty(trigger.Route) ? function.Name : trigger.Route;
        var pattern = string.Join('/', new[] { routePrefix.Trim('/'), route.Trim('/') }.Where(s => s.Length > 0));
        try
        {
            RoutePatternFactory.Parse(pattern);
        }
        catch (RoutePatternException e)
        {
            throw new FormatException($"has the route '{route}', which is not a valid route template: {e.Message}", e);
        }

        return new HttpFunction
        {
            Name = function.Name,
            TriggerParameter = trigger.Name,
            Methods = trigger.Methods?.Select(m => m.ToLowerInvariant()).ToArray() ?? [],
            Route = route,
            RoutePattern = pattern,
            AuthorizationLevel = Enum.TryParse<AuthorizationLevel>(trigger.AuthLevel, ignoreCase: true, out var level)
                ? level
                : throw new FormatException($"has the authorization level '{trigger.AuthLevel}', which is not one of {string.Join(", ", Enum.GetNames<AuthorizationLevel>())}."),
        };
    }

    private static QueueTriggerFunction QueueTriggerFunctionOf(FunctionMetadata function, BindingMetadata trigger, IConfiguration settings)
    {
        var queueName = AppSettingReferences.Resolve(
            trigger.QueueName ?? throw new FormatException("has a queue trigger without a queue name."), settings);
        if (!System.Text.RegularExpressions.Regex.IsMatch(queueName, StorageNames.ContainerOrQueue))
        {
            throw new FormatException($"watches the queue '{queueName}', which is not a valid queue name (lower case letters, digits and dashes, 3 to 63).");
        }

        return new QueueTriggerFunction
        {
            Name = function.Name,
            TriggerParameter = trigger.Name,
            QueueName = queueName,
            Connection = string.IsNullOrEmpty(trigger.Connection) ? StorageConnection.Name : trigger.Connection,
        };
    }

    private static BlobTriggerFunction BlobTriggerFunctionOf(FunctionMetadata function, BindingMetadata trigger, IConfiguration settings)
    {
        if (!string.Equals(trigger.Source, "EventGrid", StringComparison.OrdinalIgnoreCase))
        {
            throw new NotSupportedException(
                $"uses a {trigger.Source ?? "LogsAndContainerScan"} blob trigger; the local host runs Event Grid-sourced blob triggers only, as the Flex Consumption plan does (Source = BlobTriggerSource.EventGrid).");
        }

        var path = trigger.Path ?? throw new FormatException("has a blob trigger without a path.");
        return new BlobTriggerFunction
        {
            Name = function.Name,
            TriggerParameter = trigger.Name,
            Path = path,
            Connection = string.IsNullOrEmpty(trigger.Connection) ? StorageConnection.Name : trigger.Connection,
            Pattern = BlobPathPattern.Parse(AppSettingReferences.Resolve(path, settings)),
        };
    }
}

/// <summary>An HTTP-triggered function: its route (with the route prefix applied), methods and authorization level.</summary>
internal sealed class HttpFunction
{
    public required string Name { get; init; }

    /// <summary>The trigger's binding name, which an invocation's input data is keyed by.</summary>
    public required string TriggerParameter { get; init; }

    /// <summary>Lower-case, as in functions.metadata; empty for "any method".</summary>
    public required IReadOnlyList<string> Methods { get; init; }

    /// <summary>The route as the function declares it (functions.metadata's <c>route</c>).</summary>
    public required string Route { get; init; }

    /// <summary>The route as served: the route prefix, then <see cref="Route"/>.</summary>
    public required string RoutePattern { get; init; }

    /// <remarks>Enforced only when the host runs with <c>LocalHost:EnableAuth</c>, as <c>func start</c> enforces it only with <c>--enableAuth</c>.</remarks>
    public required AuthorizationLevel AuthorizationLevel { get; init; }
}

/// <summary>A blob-triggered function: the container it watches and how a blob's name binds to its parameters.</summary>
internal sealed class BlobTriggerFunction
{
    public required string Name { get; init; }

    /// <summary>How the host names the function in webhook calls and queue messages (<c>Host.Functions.X</c>).</summary>
    public string FunctionId => FunctionCatalog.HostFunctionPrefix + Name;

    /// <summary>The trigger's binding name, which an invocation's input data is keyed by.</summary>
    public required string TriggerParameter { get; init; }

    /// <summary>The path as the function declares it, app-setting references unresolved (functions.metadata's <c>path</c>).</summary>
    public required string Path { get; init; }

    /// <summary>The name of the storage connection setting (<c>AzureWebJobsStorage</c> unless the trigger names another).</summary>
    public required string Connection { get; init; }

    /// <summary><see cref="Path"/> resolved against the app settings.</summary>
    public required BlobPathPattern Pattern { get; init; }
}

/// <summary>An HTTP trigger's <c>authLevel</c>, as the Functions host reads it from the function metadata.</summary>
internal enum AuthorizationLevel
{
    Anonymous,
    User,
    Function,
    System,
    Admin,
}

/// <summary>A Storage queue-triggered function: the queue it reads (app-setting references resolved) and its connection.</summary>
internal sealed class QueueTriggerFunction
{
    public required string Name { get; init; }

    /// <summary>The parameter the message binds to.</summary>
    public required string TriggerParameter { get; init; }

    public required string QueueName { get; init; }

    /// <summary>Where the host parks a message that failed <c>maxDequeueCount</c> times: <c>&lt;queue&gt;-poison</c>.</summary>
    public string PoisonQueueName => QueueName + "-poison";

    public required string Connection { get; init; }
}
