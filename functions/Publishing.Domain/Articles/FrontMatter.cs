using System.Buffers;
using System.Globalization;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Publishing.Articles;

/// <summary>The YAML block between <c>---</c> lines at the top of a Markdown file, with the file line of every key.</summary>
/// <remarks>
/// Built from YamlDotNet's event stream, not its document model: the limits (<see cref="ArticleLimits.MaxFrontMatterDepth"/>,
/// <see cref="ArticleLimits.MaxFrontMatterEvents"/>, no anchors or aliases) are checked event by event, so a value nested
/// 50,000 deep or an alias bomb is refused before anything is built, and building is a loop, not a recursion.
/// </remarks>
internal sealed class FrontMatter
{
    private readonly Dictionary<string, Entry> _entries;

    private FrontMatter(Dictionary<string, Entry> entries) => _entries = entries;

    /// <summary>The first value that could not be read as its key requires, in the order the values were read.</summary>
    public Rejection? Problem { get; private set; }

    /// <summary>
    /// Splits <paramref name="text"/> (lines separated by <c>\n</c> only) into front matter and body.
    /// <paramref name="bodyLine"/> is the index of the first body line and <paramref name="bodyOffset"/> where it starts
    /// in <paramref name="text"/>; a file without front matter has its body start at 0.
    /// </summary>
    public static Result Read(ReadOnlySpan<char> text, out int bodyLine, out int bodyOffset)
    {
        (bodyLine, bodyOffset) = (0, 0);
        var lines = new LineReader(text);
        if (!lines.TryNext(out var first) || !IsFence(first))
        {
            return new Result.Read(new FrontMatter([]));
        }

        var yamlStart = lines.Offset;
        var close = -1;
        var closeStart = 0;
        while (true)
        {
            var lineStart = lines.Offset;
            if (!lines.TryNext(out var line))
            {
                break;
            }

            if (IsFence(line) || line.TrimEnd().SequenceEqual("..."))
            {
                (close, closeStart) = (lines.Index - 1, lineStart);
                break;
            }
        }

        if (close < 0)
        {
            return Broken("front matter opened with '---' is never closed by a '---' line", 1);
        }

        (bodyLine, bodyOffset) = (close + 1, Math.Min(lines.Offset, text.Length));
        var yaml = close > 1 ? text[yamlStart..(closeStart - 1)] : [];
        if (yaml.IsWhiteSpace())
        {
            return new Result.Read(new FrontMatter([]));
        }

        return ReadSimple(yaml) ?? Load(yaml.ToString());
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

        if (entry.Value is Scalar scalar)
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
            case Scalar scalar:
                return DistinctTags.FromCommaSeparated(scalar.Value);
            case Sequence sequence when sequence.Items.All(c => c is Scalar):
                return DistinctTags.From(sequence.Items.Select(c => ((Scalar)c).Value));
            default:
                Report(new Rejection(RejectionCode.InvalidField, $"'{key}' must be a list of names or a comma-separated line", entry.Line));
                return [];
        }
    }

    /// <summary>An ISO 8601 date or date-time within <see cref="ArticleLimits"/>' range; a date without an offset is taken as UTC.</summary>
    public DateTimeOffset? Date(string key)
    {
        var text = Text(key);
        if (text is null)
        {
            return null;
        }

        if (!DateTimeOffset.TryParseExact(text, IsoFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            Report(new Rejection(RejectionCode.InvalidField, $"'{key}' is not an ISO 8601 date such as 2025-05-14 or 2025-05-14T09:30:00Z: '{text}'", LineOf(key)));
            return null;
        }

        if (date < ArticleLimits.EarliestDate || date > ArticleLimits.LatestDate)
        {
            Report(new Rejection(
                RejectionCode.InvalidField,
                $"'{key}' is {text}; dates from {ArticleLimits.EarliestDate:yyyy-MM-dd} to {ArticleLimits.LatestDate:yyyy-MM-dd} are accepted",
                LineOf(key)));
            return null;
        }

        return date.ToUniversalTime();
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

    /// <summary>Any value as text: scalars as written, lists joined with commas, maps in YAML's flow style.</summary>
    public string Raw(string key) => _entries[key].Value switch
    {
        Scalar scalar => scalar.Value,
        Sequence sequence => string.Join(", ", sequence.Items.Select(Flow)),
        var value => Flow(value),
    };

    private void Report(Rejection rejection) => Problem ??= rejection;

    /// <summary>
    /// The front matter read without YamlDotNet when every line is one this reader is sure of: <c>key: value</c> at the
    /// start of the line, the key a plain word, the value a plain scalar on that line (or nothing) or a flow list of
    /// plain scalars on that line (<c>[a, b]</c>), with no character that could start a quote, a comment, an anchor, a
    /// tag, a block, a nested map or a continuation. Null for anything else (a quote, an indented or a list line, a
    /// comment, a repeated key, more values than the limit allows, ...), which YamlDotNet then reads, so the result and
    /// every rejection are the same as YamlDotNet's, only cheaper for the front matter editors usually write.
    /// </summary>
    internal static Result.Read? ReadSimple(ReadOnlySpan<char> yaml)
    {
        var entries = new Dictionary<string, Entry>(StringComparer.OrdinalIgnoreCase);
        var events = 6; // stream, document and mapping, each a start and an end
        var lines = new LineReader(yaml);
        while (lines.TryNext(out var line))
        {
            if (line.TrimStart(' ').IsEmpty)
            {
                continue;
            }

            var colon = line.IndexOf(':');
            if (colon <= 0 || colon > MaxSimpleKeyLength || !IsSimpleKey(line[..colon]))
            {
                return null;
            }

            var rest = line[(colon + 1)..];
            if (!rest.IsEmpty && rest[0] != ' ')
            {
                return null;
            }

            var value = rest.Trim(' ');
            Node node;
            if (value.IsEmpty)
            {
                node = new Scalar(string.Empty);
                events += 2;
            }
            else if (value[0] == '[')
            {
                if (ReadFlowList(value) is not { } list)
                {
                    return null;
                }

                node = list;
                events += 3 + list.Items.Count;
            }
            else if (IsSimpleScalar(value, inFlow: false))
            {
                node = new Scalar(XmlSafeText.Clean(value.ToString()));
                events += 2;
            }
            else
            {
                return null;
            }

            // YAML lines count from the line after the opening fence.
            if (events > ArticleLimits.MaxFrontMatterEvents - 8 || !entries.TryAdd(line[..colon].ToString(), new Entry(node, lines.Index + 1)))
            {
                return null;
            }
        }

        return entries.Count == 0 ? null : new Result.Read(new FrontMatter(entries));
    }

    /// <summary><c>[a, b c, d]</c>: plain scalars between commas, none empty; null for anything else.</summary>
    private static Sequence? ReadFlowList(ReadOnlySpan<char> value)
    {
        if (value.Length < 3 || value[^1] != ']')
        {
            return null;
        }

        var items = new List<Node>();
        foreach (var range in value[1..^1].Split(','))
        {
            var item = value[1..^1][range].Trim(' ');
            if (!IsSimpleScalar(item, inFlow: true))
            {
                return null;
            }

            items.Add(new Scalar(XmlSafeText.Clean(item.ToString())));
        }

        return new Sequence(items);
    }

    /// <summary>A key YAML reads as the word it is: an ASCII letter, then letters, digits, <c>_</c> and <c>-</c>.</summary>
    private static bool IsSimpleKey(ReadOnlySpan<char> key) =>
        char.IsAsciiLetter(key[0]) && !key.ContainsAnyExcept(SimpleKeyCharacters);

    /// <summary>
    /// A plain scalar that means its own text (trimmed of spaces): not empty, not starting with an indicator, no tab,
    /// no control or byte order mark character, no <c>": "</c> or trailing <c>:</c> (a nested map),
    /// no surrogate (YAML's printable set is checked by YamlDotNet, and a character outside the Basic Multilingual Plane
    /// goes there), no <c>" #"</c> (a comment), no bracket or brace, and in a flow list no <c>:</c> at all (commas end it there).
    /// </summary>
    private static bool IsSimpleScalar(ReadOnlySpan<char> value, bool inFlow)
    {
        if (value.IsEmpty || Indicators.Contains(value[0]) || char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]))
        {
            return false;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case < ' ' or (>= '\u007F' and <= '\u009F') or (>= '\uD800' and <= '\uDFFF') or '\uFEFF' or '\uFFFE' or '\uFFFF' or '[' or ']' or '{' or '}':
                    return false;
                case ':' when inFlow || i == value.Length - 1 || value[i + 1] == ' ':
                    return false;
                case '#' when value[i - 1] == ' ':
                    return false;
            }
        }

        return true;
    }

    private const int MaxSimpleKeyLength = 200;

    private static readonly SearchValues<char> SimpleKeyCharacters =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");

    private static readonly SearchValues<char> Indicators = SearchValues.Create("-?:,[]{}#&*!|>'\"%@`");

    /// <summary>Whether both hold the same keys, at the same lines, with the same values (for the tests of <see cref="ReadSimple"/>).</summary>
    internal bool SameAs(FrontMatter other) => Shapes(this).SequenceEqual(Shapes(other), StringComparer.Ordinal);

    private static IEnumerable<string> Shapes(FrontMatter frontMatter) =>
        frontMatter._entries.Select(pair => pair.Value.Key(pair.Key)).Order(StringComparer.Ordinal);

    /// <summary>The front matter through YamlDotNet's parser: any YAML, with the limits checked event by event.</summary>
    internal static Result Load(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        var open = new Stack<Collection>();
        Node? root = null;
        var rootKeyLines = new List<int>();
        var events = 0;
        var line = 1;
        try
        {
            while (parser.MoveNext())
            {
                var current = parser.Current!;

                // YAML lines count from the line after the opening fence.
                line = (int)current.Start.Line + 1;
                if (++events > ArticleLimits.MaxFrontMatterEvents)
                {
                    return Broken(
                        RejectionCode.TooComplex,
                        $"front matter has more than {ArticleLimits.MaxFrontMatterEvents:N0} YAML values; keep it to the article's fields",
                        line);
                }

                Node? complete = null;
                switch (current)
                {
                    case AnchorAlias alias:
                        return Broken($"front matter repeats a value with the alias '*{alias.Value}'; write the value out instead", line);
                    case NodeEvent { Anchor.IsEmpty: false } anchored:
                        return Broken($"front matter names a value with the anchor '&{anchored.Anchor}'; anchors and aliases are not accepted", line);
                    case YamlDotNet.Core.Events.Scalar scalar:
                        complete = new Scalar(XmlSafeText.Clean(scalar.Value));
                        break;
                    case SequenceStart or MappingStart:
                        if (open.Count >= ArticleLimits.MaxFrontMatterDepth)
                        {
                            return Broken(
                                RejectionCode.TooComplex,
                                $"front matter nests lists or maps more than {ArticleLimits.MaxFrontMatterDepth} deep",
                                line);
                        }

                        open.Push(current is SequenceStart ? new Sequence([]) : new Mapping([]));
                        continue;
                    case SequenceEnd or MappingEnd:
                        complete = open.Pop();
                        break;
                    default:
                        continue; // stream and document boundaries, comments
                }

                if (open.Count == 0)
                {
                    root ??= complete;
                }
                else
                {
                    if (open.Count == 1 && open.Peek() is Mapping { IsAwaitingKey: true })
                    {
                        rootKeyLines.Add(line);
                    }

                    open.Peek().Add(complete);
                }
            }
        }
        catch (YamlException e)
        {
            return Broken($"front matter is not valid YAML: {Describe(e)}", (int)e.Start.Line + 1);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or OverflowException)
        {
            // YamlDotNet's scanner fails this way on some malformed input (an escape of a lone surrogate, an unclosed
            // flow list running into the next key); the line is where it had got to.
            return Broken("front matter is not valid YAML: check escapes, brackets and quotes", line);
        }

        return FromRoot(root, rootKeyLines);
    }

    private static Result FromRoot(Node? root, List<int> keyLines)
    {
        switch (root)
        {
            case null or Scalar { Value: "" }:
                return new Result.Read(new FrontMatter([]));
            case not Mapping:
                return Broken("front matter must be 'key: value' lines", 2);
        }

        var entries = new Dictionary<string, Entry>(StringComparer.OrdinalIgnoreCase);
        var pairs = ((Mapping)root).Pairs;
        for (var i = 0; i < pairs.Count; i++)
        {
            var (key, value) = pairs[i];
            if (key is not Scalar { Value: { Length: > 0 } name })
            {
                return Broken("front matter keys must be plain words", keyLines[i]);
            }

            if (!entries.TryAdd(name, new Entry(value, keyLines[i])))
            {
                return Broken($"'{name}' is given twice", keyLines[i]);
            }
        }

        return new Result.Read(new FrontMatter(entries));
    }

    /// <summary>A value in YAML's flow style (<c>{a: b, c: [d, e]}</c>), written without recursion.</summary>
    private static string Flow(Node node)
    {
        var text = new StringBuilder();
        var pending = new Stack<object>();
        pending.Push(node);
        while (pending.Count > 0)
        {
            switch (pending.Pop())
            {
                case string literal:
                    text.Append(literal);
                    break;
                case Scalar scalar:
                    text.Append(scalar.Value);
                    break;
                case Sequence sequence:
                    pending.Push("]");
                    for (var i = sequence.Items.Count - 1; i >= 0; i--)
                    {
                        pending.Push(sequence.Items[i]);
                        if (i > 0)
                        {
                            pending.Push(", ");
                        }
                    }

                    text.Append('[');
                    break;
                case Mapping mapping:
                    pending.Push("}");
                    for (var i = mapping.Pairs.Count - 1; i >= 0; i--)
                    {
                        pending.Push(mapping.Pairs[i].Value);
                        pending.Push(": ");
                        pending.Push(mapping.Pairs[i].Key);
                        if (i > 0)
                        {
                            pending.Push(", ");
                        }
                    }

                    text.Append('{');
                    break;
            }
        }

        return text.ToString();
    }

    private static Result.Broken Broken(string reason, int line) => Broken(RejectionCode.BrokenFrontMatter, reason, line);

    private static Result.Broken Broken(RejectionCode code, string reason, int line) => new(new Rejection(code, reason, line));

    private static bool IsFence(ReadOnlySpan<char> line) => line.TrimEnd().SequenceEqual("---");

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

    private sealed record Entry(Node Value, int Line)
    {
        /// <summary>The key as written, its line, and its value with its shape (<c>s:</c> a scalar, <c>[</c> a list, <c>{</c> a map).</summary>
        public string Key(string name) => $"{name}@{Line}={Shape(Value)}";

        private static string Shape(Node node) => node switch
        {
            Scalar scalar => $"s:{scalar.Value.Length}:{scalar.Value}",
            Sequence sequence => $"[{string.Join(',', sequence.Items.Select(Shape))}]",
            Mapping mapping => $"{{{string.Join(',', mapping.Pairs.Select(p => Shape(p.Key) + "=" + Shape(p.Value)))}}}",
            _ => "?",
        };
    }

    /// <summary>A YAML value: a scalar (as written, without characters XML cannot carry), a list or a map.</summary>
    private abstract class Node;

    private sealed class Scalar(string value) : Node
    {
        public string Value { get; } = value;
    }

    private abstract class Collection : Node
    {
        public abstract void Add(Node node);
    }

    private sealed class Sequence(List<Node> items) : Collection
    {
        public List<Node> Items { get; } = items;

        public override void Add(Node node) => Items.Add(node);
    }

    private sealed class Mapping(List<(Node Key, Node Value)> pairs) : Collection
    {
        public List<(Node Key, Node Value)> Pairs { get; } = pairs;

        private Node? _key;

        /// <summary>True when the next node added is a key.</summary>
        public bool IsAwaitingKey => _key is null;

        public override void Add(Node node)
        {
            if (_key is null)
            {
                _key = node;
            }
            else
            {
                Pairs.Add((_key, node));
                _key = null;
            }
        }
    }

    public abstract record Result
    {
        private Result()
        {
        }

        public sealed record Read(FrontMatter FrontMatter) : Result;

        public sealed record Broken(Rejection Rejection) : Result;
    }
}
