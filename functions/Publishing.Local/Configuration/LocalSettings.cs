using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;

namespace Publishing.Local.Configuration;

/// <summary>
/// The app's settings as <c>func start</c> gives them to the worker: the <c>Values</c> of
/// <c>local.settings.sample.json</c> (the repository's defaults), then those of the function app's
/// <c>local.settings.json</c> if a developer has one, then environment variables. Values keys name sections
/// with <c>__</c> (<c>Publishing__SiteName</c>), which is how they reach the worker as environment variables.
/// </summary>
internal sealed class LocalSettings
{
    public const string SampleFileName = "local.settings.sample.json";
    public const string FileName = "local.settings.json";
    public const string FunctionAppFolder = "functions/Publishing.Functions";
    public const int DefaultHttpPort = 7071;

    private LocalSettings(string? repositoryRoot, IReadOnlyList<SettingsFile> files)
    {
        RepositoryRoot = repositoryRoot;
        Files = files;
    }

    /// <summary>The folder holding <c>local.settings.sample.json</c>, or null when run outside the repository.</summary>
    public string? RepositoryRoot { get; }

    /// <summary>The files read, lowest precedence first.</summary>
    public IReadOnlyList<SettingsFile> Files { get; }

    /// <summary><c>Host.LocalHttpPort</c> of the last file that sets it, as <c>func start</c> reads it.</summary>
    public int HttpPort => Files.LastOrDefault(f => f.LocalHttpPort is not null)?.LocalHttpPort ?? DefaultHttpPort;

    public string FunctionAppDirectory => Path.Combine(RepositoryRoot ?? Directory.GetCurrentDirectory(), FunctionAppFolder);

    public static LocalSettings Load(string? repositoryRoot = null)
    {
        var root = repositoryRoot ?? FindRepositoryRoot();
        if (root is null)
        {
            return new LocalSettings(null, []);
        }

        var files = new List<SettingsFile>();
        foreach (var path in new[] { Path.Combine(root, SampleFileName), Path.Combine(root, FunctionAppFolder, FileName) })
        {
            if (File.Exists(path))
            {
                files.Add(SettingsFile.Read(path));
            }
        }

        return new LocalSettings(root, files);
    }

    /// <summary>
    /// The settings files as configuration sources, lowest precedence first. A host puts them beneath its own
    /// sources (environment variables, command line), as <c>func start</c> never overrides a variable already set.
    /// </summary>
    public IEnumerable<IConfigurationSource> Sources() =>
        Files.Select(f => f.Values).Prepend(LoggingDefaults)
            .Select(values => new MemoryConfigurationSource { InitialData = values });

    /// <summary>Puts <see cref="Sources"/> beneath the sources a host builder already has.</summary>
    public void AddBeneath(IConfigurationManager configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var index = 0;
        foreach (var source in Sources())
        {
            configuration.Sources.Insert(index++, source);
        }
    }

    /// <summary>A configuration on its own, for the commands that run without a host (<c>drop</c>, <c>measure-drops</c>).</summary>
    public IConfigurationRoot BuildConfiguration(IEnumerable<KeyValuePair<string, string?>>? overrides = null)
    {
        var builder = new ConfigurationBuilder();
        foreach (var source in Sources())
        {
            builder.Add(source);
        }

        builder.AddEnvironmentVariables();
        if (overrides is not null)
        {
            builder.AddInMemoryCollection(overrides);
        }

        return builder.Build();
    }

    /// <summary>
    /// The repository root, searched upwards from the working directory and then from the executable, so that
    /// both <c>dotnet run --project …</c> from anywhere in the clone and the built binary find it.
    /// </summary>
    public static string? FindRepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, SampleFileName)))
                {
                    return directory.FullName;
                }
            }
        }

        return null;
    }

    /// <summary>Quiet defaults: the Azure SDK logs every request at Information.</summary>
    private static readonly Dictionary<string, string?> LoggingDefaults = new()
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
        // Azure.Core logs every 404 as a warning, and the app meets 404s in its normal course (a page not published yet).
        ["Logging:LogLevel:Azure"] = "Error",
        ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
        // The local host's forwarding to the worker logs every request at Information.
        ["Logging:LogLevel:Yarp"] = "Warning",
        ["Logging:LogLevel:Grpc"] = "Warning",
    };
}

/// <summary>One <c>local.settings*.json</c>: its <c>Values</c> and <c>ConnectionStrings</c> as configuration keys.</summary>
internal sealed record SettingsFile(string Path, IReadOnlyDictionary<string, string?> Values, int? LocalHttpPort)
{
    public static SettingsFile Read(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions
            {
                AllowTrailingCommas = true,
                CommentHandling = JsonCommentHandling.Skip,
            });
            var root = document.RootElement;
            var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            if (root.TryGetProperty(nameof(Values), out var settings) && settings.ValueKind == JsonValueKind.Object)
            {
                foreach (var setting in settings.EnumerateObject())
                {
                    values[setting.Name.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)] = AsString(setting.Value);
                }
            }

            if (root.TryGetProperty("ConnectionStrings", out var connections) && connections.ValueKind == JsonValueKind.Object)
            {
                foreach (var connection in connections.EnumerateObject())
                {
                    values[ConfigurationPath.Combine("ConnectionStrings", connection.Name)] = AsString(connection.Value);
                }
            }

            int? port = root.TryGetProperty("Host", out var host) && host.ValueKind == JsonValueKind.Object
                && host.TryGetProperty(nameof(LocalHttpPort), out var p) && p.TryGetInt32(out var number)
                ? number
                : null;
            return new SettingsFile(path, values, port);
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"{path} is not valid JSON (line {e.LineNumber + 1}): {e.Message}", e);
        }
    }

    private static string? AsString(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Null => null,
        _ => value.GetRawText(),
    };
}
