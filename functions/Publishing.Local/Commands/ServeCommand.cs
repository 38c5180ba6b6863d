using Microsoft.AspNetCore.Builder;

namespace Publishing.Local.Commands;

/// <summary><c>serve</c> (the default): the local host, until Ctrl+C.</summary>
internal static class ServeCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var app = LocalServer.Build(new LocalServerSetup { Args = args });
        await using (app)
        {
            await app.RunAsync();
        }

        return 0;
    }
}
