using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Publishing.Articles;

/// <summary>The YAML block between <c>---</c> lines at the top of a Markdown file, with the file line of every key.</summary>
internal sealed class FrontMatter
{
    private readonly Dictionary<string, (YamlNode Value, int Line)> _entries;

    private FrontMatter(Dictionary<string, (YamlNode, int)> entries) => _entries = entries;

    /// <summary>The first value that could not be read as its key requires, in the order the values were read.</summary>
    public Rejection? Problem { get; private set; }

    /// <summary>
    /// Splits <paramref name="lines"/> into front matter and body. <paramref name="bodyStart"/> is the index of
    /// the first body line; a file without front matter has its body start at 0.
    /// </summary>
    public static Result Read(IReadOnlyList<string> lines, out int bodyStart)
    {
        bodyStart = 0;
        if (lines.Count == 0 || !IsFence(lines[0]))
        {
            return new Result.Read(new FrontMatter([]));
        }

        var close = -1;
        for (var i = 1; i < lines.Count; i++)
        {
            if (IsFence(lines[i]) || lines[i].TrimEnd() == "...")
            {
                close = i;
                break;
            }
        }

        if (close < 0)
        {
            return new Result.Broken(new Rejection(
                RejectionCode.BrokenFrontMatter, "front matter opened with '---' is never closed by a '---' line", 1));
        }

        bodyStart = close + 1;
        var yaml = string.Join('\n', lines.Skip(1).Take(close - 1));
        if (string.IsNullOrWhiteSpace(yaml))
        {
            return new Result.Read(new FrontMatter([]));
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            // YAML lines count from the line after the opening fence.
            var line = (int)e.Start.Line + 1;
            return new Result.Broken(new Rejection(RejectionCode.BrokenFrontMatter, $"front matter is not valid YAML: {Describe(e)}", line));
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails this way on some malformed input (an unclosed flow list running into
            // the next key); the line is where the parser got to before it gave up.
            return new Result.Broken(new Rejection(
                RejectionCode.BrokenFrontMatter, "front matter is not valid YAML: check brackets and quotes", LastParsedLine(yaml) + 1));
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return new Result.Read(new FrontMatter([]));
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode mapping)
        {
            return new Result.Broken(new Rejection(
                RejectionCode.BrokenFrontMatter, "front matter must be 'key: value' lines", 2));
        }

        var entries = new Dictionary<string, (YamlNode, int)>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in mapping.Children)
        {
            var line = (int)key.Start.Line + 1;
            if (key is not YamlScalarNode { Value: { Length: > 0 } name })
            {
                return new Result.Broken(new Rejection(RejectionCode.BrokenFrontMatter, "front matter keys must be plain words", line));
            }

            if (!entries.TryAdd(name, (value, line)))
            {
                return new Result.Broken(new Rejection(RejectionCode.BrokenFrontMatter, $"'{name}' is given twice", line));
            }
        }

        return new Result.Read(new FrontMatter(entries));
    }

    public IEnumerable<string> Keys => _entries.Keys;

    public int LineOf(string key) => _entries.TryGetValue(key, out var entry) ? entry.Line : 1;

    /// <summary>A text value; null when absent or empty, or (reported in <see cref="Problem"/>) when it is a list or a map.</summary>
    public string? Text(string key)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            return null;
        }

        if (entry.Value is YamlScalarNode scalar)
        {
            return string.IsNullOrWhiteSpace(scalar.Value) ? null : scalar.Value.Trim();
        }

        Report(new Rejection(RejectionCode.InvalidField, $"'{key}' must be a single value, not a list or a map", entry.Line));
        return null;
    }

    /// <summary>Tags as a YAML list or a comma-separated string.</summary>
    public IReadOnlyList<Tag> Tags(string key)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            return [];
        }

        switch (entry.Value)
        {
            case YamlScalarNode scalar:
                return TagList.FromCommaSeparated(scalar.Value ?? "");
            case YamlSequenceNode sequence when sequence.Children.All(c => c is YamlScalarNode):
                return TagList.From(sequence.Children.Select(c => ((YamlScalarNode)c).Value ?? ""));
            default:
                Report(new Rejection(RejectionCode.InvalidField, $"'{key}' must be a list of names or a comma-separated line", entry.Line));
                return [];
        }
    }

    /// <summary>An ISO 8601 date or date-time; a date without an offset is taken as UTC.</summary>
    public DateTimeOffset? Date(string key)
    {
        var text = Text(key);
        if (text is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParseExact(text, IsoFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            return date.ToUniversalTime();
        }

        Report(new Rejection(RejectionCode.InvalidField, $"'{key}' is not an ISO 8601 date such as 2025-05-14 or 2025-05-14T09:30:00Z: '{text}'", LineOf(key)));
        return null;
    }

    public bool Flag(string key)
    {
        var text = Text(key);
        switch (text?.ToUpperInvariant())
        {
            case null:
                return false;
            case "TRUE" or "YES":
                return true;
            case "FALSE" or "NO":
                return false;
            default:
                Report(new Rejection(RejectionCode.InvalidField, $"'{key}' must be true or false, not '{text}'", LineOf(key)));
                return false;
        }
    }

    /// <summary>Any value as text: scalars as written, lists joined with commas, maps as their YAML.</summary>
    public string Raw(string key)
    {
        var value = _entries[key].Value;
        return value switch
        {
            YamlScalarNode scalar => scalar.Value ?? "",
            YamlSequenceNode sequence => string.Join(", ", sequence.Children.Select(c => c is YamlScalarNode s ? s.Value : c.ToString())),
            _ => value.ToString(),
        };
    }

    /// <summary>The last YAML line the parser read events from before failing.</summary>
    private static int LastParsedLine(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        var line = 1L;
        try
        {
            while (parser.MoveNext())
            {
                line = parser.Current?.End.Line ?? line;
            }
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
        }

        return (int)line;
    }

    private void Report(Rejection rejection) => Problem ??= rejection;

    private static bool IsFence(string line) => line.TrimEnd() == "---";

    private static string Describe(YamlException e)
    {
        // YamlDotNet prefixes messages with "(Line: 3, Col: 5, Idx: 40) - (Line: ...): "; the line is reported separately.
        var message = e.InnerException?.Message ?? e.Message;
        var marker = message.LastIndexOf("): ", StringComparison.Ordinal);
        return (marker >= 0 ? message[(marker + 3)..] : message).TrimEnd('.');
    }

    private static readonly string[] IsoFormats =
    [
        "yyyy-MM-dd", "yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ss.FFFFFFF",
        "yyyy-MM-ddTHH:mmzzz", "yyyy-MM-ddTHH:mm:sszzz", "yyyy-MM-ddTHH:mm:ss.FFFFFFFzzz",
        "yyyy-MM-ddTHH:mmZ", "yyyy-MM-ddTHH:mm:ssZ", "yyyy-MM-ddTHH:mm:ss.FFFFFFFZ",
        "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:sszzz", "yyyy-MM-dd HH:mm:ssZ",
    ];

    public abstract record Result
    {
        private Result()
        {
        }

        public sealed record Read(FrontMatter FrontMatter) : Result;

        public sealed record Broken(Rejection Rejection) : Result;
    }
}
