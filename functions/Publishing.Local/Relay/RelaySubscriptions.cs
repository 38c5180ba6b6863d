using Microsoft.Extensions.Configuration;
using Publishing.Local.BlobTriggers;
using Publishing.Local.Configuration;
using Publishing.Local.Functions;
using Publishing.Storage;

namespace Publishing.Local.Relay;

/// <summary>One Event Grid subscription the relay stands in for: a container's blob drops, delivered to one function.</summary>
internal sealed record RelaySubscription(string FunctionName, string Container, string Connection)
{
    /// <summary>The webhook's <c>functionName</c>.</summary>
    public string FunctionId => FunctionCatalog.HostFunctionPrefix + FunctionName;
}

/// <summary>
/// What the relay watches: every Event Grid-sourced blob trigger of the app, as the worker reports them to the
/// local host (<c>serve</c>) or as the build's functions.metadata lists them (<c>relay</c>, next to
/// <c>func start</c>), never a hard-coded function name.
/// </summary>
internal sealed class RelaySubscriptions(Task<IReadOnlyList<RelaySubscription>> items)
{
    public RelaySubscriptions(IReadOnlyList<RelaySubscription> items)
        : this(Task.FromResult(items))
    {
    }

    /// <summary>Known at once from functions.metadata; in the local host, once the worker has loaded the functions.</summary>
    public Task<IReadOnlyList<RelaySubscription>> Items { get; } = items;

    public static RelaySubscriptions FromCatalog(Task<FunctionCatalog> catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new(SubscriptionsOf(catalog));

        static async Task<IReadOnlyList<RelaySubscription>> SubscriptionsOf(Task<FunctionCatalog> catalog) =>
            [.. (await catalog).BlobTriggerFunctions.Select(f => new RelaySubscription(f.Name, f.Pattern.Container, f.Connection))];
    }

    public static RelaySubscriptions FromMetadata(IEnumerable<FunctionMetadata> functions, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(functions);
        return new([
            .. from function in functions
               from binding in function.Bindings
               where binding.IsBlobTrigger && string.Equals(binding.Source, "EventGrid", StringComparison.OrdinalIgnoreCase)
               let path = binding.Path ?? throw new InvalidOperationException($"The blob trigger of '{function.Name}' has no path in functions.metadata.")
               select new RelaySubscription(
                   function.Name,
                   BlobPathPattern.Parse(AppSettingReferences.Resolve(path, configuration)).Container,
                   string.IsNullOrEmpty(binding.Connection) ? StorageConnection.Name : binding.Connection),
        ]);
    }
}
