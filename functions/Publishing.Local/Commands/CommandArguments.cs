namespace Publishing.Local.Commands;

/// <summary>A command's arguments: positionals, <c>--name value</c> (or <c>--name=value</c>) options and <c>--flag</c>s.</summary>
internal sealed class CommandArguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _positionals = [];

    private CommandArguments()
    {
    }

    public IReadOnlyList<string> Positionals => _positionals;

    /// <param name="flags">Options that take no value.</param>
    public static CommandArguments Parse(IReadOnlyList<string> args, params string[] flags)
    {
        ArgumentNullException.ThrowIfNull(args);
        var parsed = new CommandArguments();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                parsed._positionals.Add(arg);
                continue;
            }

            var name = arg[2..];
            string? value = null;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }
            else if (!flags.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                value = i + 1 < args.Count ? args[++i] : throw new CommandLineException($"--{name} needs a value.");
            }

            parsed._options[name] = value;
        }

        return parsed;
    }

    public bool Has(string name) => _options.ContainsKey(name);

    public string? Option(string name) => _options.TryGetValue(name, out var value) ? value : null;

    public int IntOption(string name, int defaultValue, int min, int max)
    {
        if (Option(name) is not { } text)
        {
            return defaultValue;
        }

        return int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new CommandLineException($"--{name} must be a whole number from {min} to {max}, not '{text}'.");
    }

    public Uri UriOption(string name, Uri defaultValue) =>
        Option(name) is not { } text ? defaultValue
        : Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri
        : throw new CommandLineException($"--{name} must be an http(s) URL, not '{text}'.");

    public void RejectUnknown(params string[] known)
    {
        if (_options.Keys.FirstOrDefault(k => !known.Contains(k, StringComparer.OrdinalIgnoreCase)) is { } unknown)
        {
            throw new CommandLineException($"Unknown option --{unknown}.");
        }
    }
}

/// <summary>A mistake on the command line: reported with the usage, exit code 2.</summary>
internal sealed class CommandLineException(string message) : Exception(message);
