using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Publishing.Local.Configuration;

/// <summary>
/// Resolves <c>%Setting%</c> references in binding expressions (<c>%ArticlesContainer%/{name}</c>) from app
/// settings, as the Functions host does. A setting may name a section with <c>__</c> or <c>:</c>.
/// </summary>
internal static partial class AppSettingReferences
{
    public static string Resolve(string expression, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(expression);
        ArgumentNullException.ThrowIfNull(configuration);
        return Reference().Replace(expression, match =>
        {
            var name = match.Groups["name"].Value;
            var value = configuration[name.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)];
            return string.IsNullOrEmpty(value)
                ? throw new InvalidOperationException($"'{expression}' refers to the app setting '{name}', which is not set.")
                : value;
        });
    }

    [GeneratedRegex("%(?<name>[^%]+)%")]
    private static partial Regex Reference();
}
