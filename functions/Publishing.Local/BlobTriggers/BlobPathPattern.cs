using System.Text;
using System.Text.RegularExpressions;

namespace Publishing.Local.BlobTriggers;

/// <summary>
/// A blob trigger's path with its app settings resolved (<c>articles/{name}</c>): a literal container, then a
/// pattern for the blob name. A placeholder that ends the pattern takes the rest of the name, folders included
/// (<c>{name}</c> binds <c>2025/05/talks.md</c>); any other placeholder matches within one folder level.
/// </summary>
internal sealed class BlobPathPattern
{
    private readonly Regex _blobName;

    private BlobPathPattern(string path, string container, string blobPattern, IReadOnlyList<string> parameters, Regex blobName)
    {
        Path = path;
        Container = container;
        BlobPattern = blobPattern;
        Parameters = parameters;
        _blobName = blobName;
    }

    public string Path { get; }

    public string Container { get; }

    public string BlobPattern { get; }

    /// <summary>The placeholder names, each bound as binding data of the same name.</summary>
    public IReadOnlyList<string> Parameters { get; }

    public static BlobPathPattern Parse(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == path.Length - 1)
        {
            throw new FormatException($"The blob path '{path}' is not '<container>/<blob name pattern>'.");
        }

        var container = path[..slash];
        if (container.Contains('{', StringComparison.Ordinal))
        {
            throw new FormatException($"The blob path '{path}' has a placeholder in its container name; blob triggers watch one container.");
        }

        var blobPattern = path[(slash + 1)..];
        var regex = new StringBuilder("^");
        var parameters = new List<string>();
        var position = 0;
        while (position < blobPattern.Length)
        {
            var open = blobPattern.IndexOf('{', position);
            if (open < 0)
            {
                regex.Append(Regex.Escape(blobPattern[position..]));
                break;
            }

            var close = blobPattern.IndexOf('}', open);
            var name = close < 0 ? string.Empty : blobPattern[(open + 1)..close];
            if (name.Length == 0 || !name.All(c => char.IsLetterOrDigit(c) || c == '_') || char.IsDigit(name[0]))
            {
                throw new FormatException($"The blob path '{path}' has a malformed placeholder at position {slash + 1 + open}.");
            }

            if (parameters.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                throw new FormatException($"The blob path '{path}' uses the placeholder '{{{name}}}' twice.");
            }

            parameters.Add(name);
            regex.Append(Regex.Escape(blobPattern[position..open]));
            regex.Append("(?<").Append(name).Append(close == blobPattern.Length - 1 ? ">.+)" : ">[^/]+)");
            position = close + 1;
        }

        regex.Append('$');
        return new BlobPathPattern(
            path, container, blobPattern, parameters, new Regex(regex.ToString(), RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture));
    }

    /// <summary>Binding data for a blob this trigger watches, or null when it does not match.</summary>
    public IReadOnlyDictionary<string, string>? Match(string container, string blobName)
    {
        if (!string.Equals(container, Container, StringComparison.Ordinal))
        {
            return null;
        }

        var match = _blobName.Match(blobName);
        if (!match.Success)
        {
            return null;
        }

        var data = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            // The host's own binding data for every blob trigger: the blob's path within the account.
            ["blobTrigger"] = $"{container}/{blobName}",
        };
        foreach (var parameter in Parameters)
        {
            data[parameter] = match.Groups[parameter].Value;
        }

        return data;
    }

    public override string ToString() => Path;
}
