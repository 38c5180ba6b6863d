using System.CommandLine;
using System.CommandLine.Parsing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Publishing.Local.Relay;
using Publishing.Local.Worker;

namespace Publishing.Local.Commands;

/// <summary>
/// <c>serve</c> (the default): the local host, until Ctrl+C. Every other argument is a configuration override as
/// ASP.NET Core reads it (<c>--Worker:AppDirectory &lt;folder&gt;</c>, <c>--LocalHost:EnableAuth true</c>,
/// <c>--Section:Key=value</c>), passed through to the host's configuration; the worker takes the app's settings from
/// the settings files and the environment, as under <c>func start</c>.
/// </summary>
internal sealed class ServeCommand : Command
{
    private readonly Option<string?> _urls = CommandOptions.Text(
        "--urls",
        "Where to listen (';'-separated); default http://localhost:<Host.LocalHttpPort>, loopback only",
        "urls");

    private readonly Argument<string[]> _settings = new("settings")
    {
        Description = "The host's configuration overrides, '--Section:Key value' or '--Section:Key=value': --Worker:AppDirectory <build output>, "
            + "--LocalHost:EnableAuth true, --LocalHost:AllowedHosts <names, ';'-separated>, --Relay:PollInterval 00:00:00.5. "
            + "The app's own settings reach its worker as environment variables (Comments__PostsPerMinute=100 ./pub serve)",
        Arity = ArgumentArity.ZeroOrMore,
        HelpName = "--Section:Key value",
    };

    public ServeCommand(CommandContext context)
        : base("serve", "Run the function app's real worker and serve it as the Functions host does (the default command), "
            + "with the blob webhook, the blob-trigger queue and the event relay that turns Azurite drops into Event Grid events. "
            + "It answers only requests whose Host is localhost, a loopback address, a name in --urls or in LocalHost:AllowedHosts. "
            + "See docs/local-host.md and docs/security.md.")
    {
        ArgumentNullException.ThrowIfNull(context);
        Options.Add(_urls);
        Arguments.Add(_settings);
        _settings.Validators.Add(result => ValidateSettings(result, result.Tokens.Select(t => t.Value).ToList()));
        SetAction((parsed, _) => RunAsync(HostArguments(parsed)));
    }

    /// <summary>The arguments the host's configuration reads: <c>--urls</c> and the overrides, in order.</summary>
    internal IReadOnlyList<string> HostArguments(ParseResult parsed)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        var urls = parsed.GetValue(_urls);
        return [.. urls is null ? [] : new[] { "--urls", urls }, .. parsed.GetValue(_settings) ?? []];
    }

    /// <summary>Runs the local host with configuration arguments as ASP.NET Core reads them (<c>--urls http://localhost:7080</c>).</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var app = LocalServer.Build(new LocalServerSetup
        {
            Args = args,
            Defaults = new Dictionary<string, string?>
            {
                [ConfigurationPath.Combine(RelayOptions.SectionName, nameof(RelayOptions.BlobEndpoint))] = RelayOptions.DefaultBlobEndpoint,
            },
        });
        await using (app)
        {
            var worker = app.Services.GetRequiredService<WorkerHost>();
            await app.RunAsync();

            // Stopped because the worker could not load the app (the reason is in the log): a failed run.
            return worker.Catalog.IsFaulted ? 1 : 0;
        }
    }

    /// <summary>Each override is '--Key value' or '--Key=value'; a stray word would otherwise be ignored silently.</summary>
    private static void ValidateSettings(ArgumentResult result, List<string> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (!token.StartsWith("--", StringComparison.Ordinal) || token.Length == 2 || token.StartsWith("--=", StringComparison.Ordinal))
            {
                result.AddError($"'{token}' is not a setting: serve takes configuration overrides as '--Section:Key value' or '--Section:Key=value'.");
                return;
            }

            if (!token.Contains('=', StringComparison.Ordinal) && ++i >= tokens.Count)
            {
                result.AddError($"{token} needs a value ('{token} value' or '{token}=value').");
                return;
            }
        }
    }
}
