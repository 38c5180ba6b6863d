using Azure.Data.Tables;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Publishing.TestFunctionApp;

/// <summary>The settings the call log needs, top-level as the local host passes them (environment variables).</summary>
public sealed class CallLogOptions
{
    /// <summary>The storage connection: <c>UseDevelopmentStorage=true</c> or a full connection string.</summary>
    public string AzureWebJobsStorage { get; set; } = "";

    /// <summary>The table the calls are recorded in (<see cref="CallLog.TableSetting"/>), one per test.</summary>
    public string CallsTable { get; set; } = "";
}

public static class CallLogServices
{
    public static IServiceCollection AddCallLog(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<CallLogOptions>()
            .Bind(configuration)
            .Validate(o => !string.IsNullOrWhiteSpace(o.AzureWebJobsStorage), "Set 'AzureWebJobsStorage' to a storage connection string ('UseDevelopmentStorage=true' for Azurite).")
            .Validate(o => !string.IsNullOrWhiteSpace(o.CallsTable), $"Set '{CallLog.TableSetting}' to the table this app records its calls in.")
            .ValidateOnStart();
        services.AddAzureClients(clients => clients.AddClient<TableServiceClient, TableClientOptions>(
            (clientOptions, _, provider) => new TableServiceClient(provider.GetRequiredService<IOptions<CallLogOptions>>().Value.AzureWebJobsStorage, clientOptions)));
        services.AddSingleton(provider => new CallLog(provider.GetRequiredService<TableServiceClient>()
            .GetTableClient(provider.GetRequiredService<IOptions<CallLogOptions>>().Value.CallsTable)));
        return services;
    }
}
