using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Publishing.IntegrationTests.Deployment;

/// <summary>
/// Reads a compiled ARM template the way the tests need it: every resource it deploys, nested module templates
/// included, each with the template it is declared in, and a small evaluator for the template expressions Bicep emits
/// for names, ids and scopes (<c>parameters</c>, <c>variables</c>, <c>format</c>, <c>resourceId</c> and its kin), so that a
/// module's parameter can be followed up to the value <c>main.bicep</c> passes it. What cannot be known before
/// deployment (a module's output, the subscription id) evaluates to a symbol: <c>ref:identity.outputs.principalId.value</c>,
/// <c>param:principalId</c> for a parameter of the top template, <c>?</c> for the rest.
/// </summary>
internal sealed class ArmTemplate
{
    private readonly JsonObject _template;
    private readonly JsonObject? _callParameters;
    private readonly ArmTemplate? _caller;

    private ArmTemplate(JsonObject template, JsonObject? callParameters, ArmTemplate? caller)
    {
        _template = template;
        _callParameters = callParameters;
        _caller = caller;
    }

    public static ArmTemplate Root(JsonObject template) => new(template, null, null);

    /// <summary>Every resource deployed (not <c>existing</c> references), here and in nested module deployments, with the template declaring it.</summary>
    public IEnumerable<ArmResource> Resources()
    {
        foreach (var resource in Declared(_template["resources"]))
        {
            if ((resource["existing"] as JsonValue)?.GetValue<bool>() == true)
            {
                continue;
            }

            yield return new ArmResource(resource, this);
            if (Is(resource, "Microsoft.Resources/deployments") && resource["properties"]?["template"] is JsonObject nested)
            {
                var module = new ArmTemplate(nested, resource["properties"]?["parameters"] as JsonObject, this);
                foreach (var inner in module.Resources())
                {
                    yield return inner;
                }
            }
        }
    }

    public IEnumerable<ArmResource> Resources(string type) => Resources().Where(r => Is(r.Json, type));

    public JsonObject? Parameter(string name) => _template["parameters"]?[name] as JsonObject;

    public JsonNode? Output(string name) => _template["outputs"]?[name]?["value"];

    /// <summary>A template value with its expressions evaluated, in objects and arrays too (each in the template that wrote it).</summary>
    public JsonNode? Evaluate(JsonNode? value) => value switch
    {
        JsonValue v when v.TryGetValue<string>(out var text) && text.StartsWith('[') && !text.StartsWith("[[", StringComparison.Ordinal)
            => new ExpressionReader(text[1..^1], this).ReadWhole(),
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Evaluate(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Evaluate)]),
        _ => value?.DeepClone(),
    };

    public string EvaluateString(JsonNode? value) => Text(Evaluate(value));

    private JsonNode? ParameterValue(string name)
    {
        if (_caller is null)
        {
            return JsonValue.Create($"param:{name}");
        }

        return _callParameters?[name] is JsonObject passed
            ? _caller.Evaluate(passed["value"])
            : Evaluate(Parameter(name)?["defaultValue"]);
    }

    private JsonNode? Variable(string name) =>
        _template["variables"]?[name] is { } declared
            ? Evaluate(declared)
            : throw new InvalidOperationException($"The template has no variable '{name}'.");

    private static bool Is(JsonObject resource, string type) =>
        string.Equals((string?)resource["type"], type, StringComparison.OrdinalIgnoreCase);

    /// <summary>Resources as Bicep writes them: an array, or (language version 2.0) an object keyed by symbolic name.</summary>
    private static IEnumerable<JsonObject> Declared(JsonNode? resources) => resources switch
    {
        JsonArray array => array.OfType<JsonObject>(),
        JsonObject byName => byName.Select(p => p.Value).OfType<JsonObject>(),
        _ => [],
    };

    private static string Text(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node?.ToJsonString() ?? "";

    private static JsonNode? Call(string function, IReadOnlyList<JsonNode?> args, ArmTemplate scope)
    {
        switch (function.ToLowerInvariant())
        {
            case "parameters":
                return scope.ParameterValue(Text(args[0]));
            case "variables":
                return scope.Variable(Text(args[0]));
            case "format":
                var pattern = Text(args[0]);
                return JsonValue.Create(string.Format(CultureInfo.InvariantCulture, pattern, args.Skip(1).Select(Text).ToArray<object>()));
            case "resourceid":
            case "subscriptionresourceid":
            case "tenantresourceid":
                return JsonValue.Create(ResourceId(args.Select(Text).ToList()));
            case "extensionresourceid":
                return JsonValue.Create(ResourceId(args.Skip(1).Select(Text).ToList()));
            case "reference":
                return JsonValue.Create("ref:" + Text(args[0]).Split('/')[^1]);
            default:
                return JsonValue.Create("?");
        }
    }

    /// <summary><c>resourceId('Microsoft.Storage/storageAccounts/blobServices/containers', 'st', 'default', 'articles')</c> as
    /// <c>Microsoft.Storage/storageAccounts/st/blobServices/default/containers/articles</c>; a leading subscription or group is dropped.</summary>
    private static string ResourceId(List<string> args)
    {
        var typeAt = args.FindIndex(a => a.Contains('/', StringComparison.Ordinal));
        if (typeAt < 0)
        {
            return "?";
        }

        var segments = args[typeAt].Split('/');
        var names = args.Skip(typeAt + 1).ToList();
        var id = new StringBuilder(segments[0]);
        for (var i = 1; i < segments.Length; i++)
        {
            id.Append('/').Append(segments[i]).Append('/').Append(i - 1 < names.Count ? names[i - 1] : "?");
        }

        return id.ToString();
    }

    /// <summary>Recursive descent over one expression: calls, 'strings', numbers, <c>.property</c> and <c>[index]</c>.</summary>
    private sealed class ExpressionReader(string text, ArmTemplate scope)
    {
        private int _at;

        public JsonNode? ReadWhole()
        {
            var value = ReadExpression();
            SkipSpace();
            return _at == text.Length ? value : throw Unexpected();
        }

        private JsonNode? ReadExpression()
        {
            var value = ReadPrimary();
            while (true)
            {
                SkipSpace();
                if (Peek('.'))
                {
                    _at++;
                    value = Member(value, ReadName());
                }
                else if (Peek('['))
                {
                    _at++;
                    var index = ReadExpression();
                    Expect(']');
                    value = index is JsonValue i && i.TryGetValue<int>(out var n) && value is JsonArray array ? array[n]?.DeepClone() : Member(value, Text(index));
                }
                else
                {
                    return value;
                }
            }
        }

        private JsonNode? ReadPrimary()
        {
            SkipSpace();
            if (Peek('\''))
            {
                return JsonValue.Create(ReadString());
            }

            if (_at < text.Length && (char.IsDigit(text[_at]) || text[_at] == '-'))
            {
                var start = _at++;
                while (_at < text.Length && char.IsDigit(text[_at]))
                {
                    _at++;
                }

                return JsonValue.Create(int.Parse(text[start.._at], CultureInfo.InvariantCulture));
            }

            var function = ReadName();
            Expect('(');
            var args = new List<JsonNode?>();
            SkipSpace();
            if (!Peek(')'))
            {
                do
                {
                    args.Add(ReadExpression());
                    SkipSpace();
                }
                while (TryTake(','));
            }

            Expect(')');
            return Call(function, args, scope);
        }

        /// <summary>A property of an object; of a symbol (a module's outputs), the symbol with the path appended.</summary>
        private static JsonNode? Member(JsonNode? target, string name) => target switch
        {
            JsonObject o => o[name]?.DeepClone(),
            JsonValue v when v.TryGetValue<string>(out var symbol) && symbol.StartsWith("ref:", StringComparison.Ordinal) => JsonValue.Create($"{symbol}.{name}"),
            _ => JsonValue.Create("?"),
        };

        private string ReadString()
        {
            var value = new StringBuilder();
            _at++;
            while (true)
            {
                if (_at >= text.Length)
                {
                    throw Unexpected();
                }

                if (text[_at] == '\'')
                {
                    if (_at + 1 < text.Length && text[_at + 1] == '\'')
                    {
                        value.Append('\'');
                        _at += 2;
                        continue;
                    }

                    _at++;
                    return value.ToString();
                }

                value.Append(text[_at++]);
            }
        }

        private string ReadName()
        {
            SkipSpace();
            var start = _at;
            while (_at < text.Length && (char.IsLetterOrDigit(text[_at]) || text[_at] is '_' or '$' or '#'))
            {
                _at++;
            }

            return _at > start ? text[start.._at] : throw Unexpected();
        }

        private void SkipSpace()
        {
            while (_at < text.Length && char.IsWhiteSpace(text[_at]))
            {
                _at++;
            }
        }

        private bool Peek(char c) => _at < text.Length && text[_at] == c;

        private bool TryTake(char c)
        {
            SkipSpace();
            if (!Peek(c))
            {
                return false;
            }

            _at++;
            return true;
        }

        private void Expect(char c)
        {
            if (!TryTake(c))
            {
                throw Unexpected();
            }
        }

        private FormatException Unexpected() => new($"Cannot read the template expression at {_at}: [{text}]");
    }
}
