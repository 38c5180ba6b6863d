using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Publishing.Local.BlobTriggers;
using Publishing.Local.Configuration;
using Publishing.Local.QueueTriggers;
using Publishing.Local.Relay;
using Publishing.Local.Triggers;

namespace Publishing.Local;

/// <summary>The local host's own services, beside the app's (which come from the function app's <c>AddPublishingApp</c>).</summary>
internal static class LocalHostServiceCollectionExtensions
{
    /// <summary>The blob-trigger queue, its dispatcher and the invoker that runs blob triggers in the worker.</summary>
    public static IServiceCollection AddLocalFunctionsHost(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LocalHostOptions>()
            .Bind(configuration.GetSection(LocalHostOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<StorageAccounts>();
        services.AddSingleton<BlobTriggerQueue>();
        services.AddSingleton<BlobTriggerInvoker>();
        services.AddSingleton<BlobTriggerCompletions>();
        services.AddSingleton<TriggerMessagePump>();
        services.AddHostedService<BlobTriggerDispatcher>();
        services.AddSingleton<QueueTriggerInvoker>();
        services.AddHostedService<QueueTriggerDispatcher>();
        return services;
    }

    /// <summary>The event relay for <paramref name="subscriptions"/>, delivering to <c>Relay:Target</c> or to the host it runs in.</summary>
    public static IServiceCollection AddEventRelay(this IServiceCollection services, IConfiguration configuration, RelaySubscriptions subscriptions) =>
        services.AddEventRelay(configuration, _ => subscriptions);

    /// <summary>The event relay, for subscriptions known only once the app has started (the worker reports its functions).</summary>
    public static IServiceCollection AddEventRelay(this IServiceCollection services, IConfiguration configuration, Func<IServiceProvider, RelaySubscriptions> subscriptions)
    {
        services.AddOptions<RelayOptions>()
            .Bind(configuration.GetSection(RelayOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StorageAccounts>();
        services.AddSingleton(subscriptions);
        services.AddSingleton<RelayLedger>();
        services.AddSingleton<DeadLetterStore>();
        services.AddSingleton<WebhookTarget>();
        services.AddHttpClient(EventRelay.HttpClientName);
        services.AddSingleton<BlobChanges>();
        services.AddHostedService<EventRelay>();
        return services;
    }
}
