using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Publishing.Articles;

namespace Publishing.Local.Commands;

/// <summary>
/// The kinds of option the commands take, each with its type, default and allowed range declared once: the
/// parser refuses a value out of range with a message naming the range, and <c>--help</c> shows both.
/// </summary>
internal static class CommandOptions
{
    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Option<int> Number(string name, string description, int defaultValue, int min, int max) => new(name)
    {
        Description = string.Create(CultureInfo.InvariantCulture, $"{description} ({min:#,0}–{max:#,0})"),
        HelpName = "n",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => ParseNumber(result, name, min, max) ?? defaultValue,
    };

    /// <summary>A whole number of seconds from <paramref name="min"/> to <paramref name="max"/> (read it with <see cref="GetSeconds"/>).</summary>
    public static Option<int> Seconds(string name, string description, int defaultValue, int min, int max) => new(name)
    {
        Description = string.Create(CultureInfo.InvariantCulture, $"{description} (seconds, {min:#,0}–{max:#,0})"),
        HelpName = "seconds",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => ParseNumber(result, name, min, max) ?? defaultValue,
    };

    /// <summary>The value of a <see cref="Seconds"/> option.</summary>
    public static TimeSpan GetSeconds(this ParseResult parsed, Option<int> option)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        return TimeSpan.FromSeconds(parsed.GetValue(option));
    }

    /// <summary><c>--target</c>: the running app's base URL, by default the local one on the settings' port.</summary>
    public static Option<Uri> Target(CommandContext context) => new("--target")
    {
        Description = "Base URL of the running app",
        HelpName = "url",
        DefaultValueFactory = _ => context.DefaultTarget,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                // A base URL ends with '/', or relative paths would replace its last segment.
                return uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri + "/");
            }

            result.AddError($"--target must be an http(s) URL, not '{text}'.");
            return context.DefaultTarget;
        },
    };

    /// <summary>An option that takes no value.</summary>
    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    /// <summary>For the commands that upload articles: past the running app's blob endpoint, as other tools upload.</summary>
    public static Option<bool> Direct() => Flag(
        "--direct",
        "Upload straight to Azurite, not through the running app's blob endpoint (Relay:BlobEndpoint); the relay's sweep then finds the files, as it finds what other tools upload");

    /// <summary>An optional text value.</summary>
    public static Option<string?> Text(string name, string description, string helpName) => new(name)
    {
        Description = description,
        HelpName = helpName,
    };

    /// <summary>A slug argument or option value: lower-case letters, digits and hyphens.</summary>
    public static void AcceptSlugsOnly(Symbol symbol)
    {
        switch (symbol)
        {
            case Argument<string> argument:
                argument.Validators.Add(result => RequireSlug(result, result.Tokens));
                break;
            case Option<string?> option:
                option.Validators.Add(result => RequireSlug(result, result.Tokens));
                break;
            default:
                throw new ArgumentException($"{symbol.Name} holds no single text value.", nameof(symbol));
        }
    }

    private static void RequireSlug(SymbolResult result, IReadOnlyList<Token> tokens)
    {
        if (tokens.Count == 1 && !Slug.IsSlug(tokens[0].Value))
        {
            result.AddError($"'{tokens[0].Value}' is not a slug (lower-case letters, digits and hyphens).");
        }
    }

    private static int? ParseNumber(ArgumentResult result, string name, int min, int max)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        result.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} must be a whole number from {min} to {max}, not '{text}'."));
        return null;
    }
}

/// <summary>A mistake on the command line found only when the command runs (a folder given with <c>--as</c>): reported like a parse error, exit code 2.</summary>
internal sealed class CommandLineException(string message) : Exception(message);
