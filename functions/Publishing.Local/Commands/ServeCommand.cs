using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Publishing.Local.Worker;

namespace Publishing.Local.Commands;

/// <summary><c>serve</c> (the default): the local host, until Ctrl+C.</summary>
internal static class ServeCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var app = LocalServer.Build(new LocalServerSetup { Args = args });
        await using (app)
        {
            var worker = app.Services.GetRequiredService<WorkerHost>();
            await app.RunAsync();

            // Stopped because the worker could not load the app (the reason is in the log): a failed run.
            return worker.Catalog.IsFaulted ? 1 : 0;
        }
    }
}
