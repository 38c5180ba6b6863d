// The one place untrusted text becomes HTML: templates are interpolated strings whose string holes are
// encoded by HtmlHandler, and only TrustedHtml (markup we wrote, or the safe Markdown renderer's) passes through as is.
using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Publishing.Pages;

/// <summary>Markup that is safe to write as is: produced by a template here, or by the article Markdown pipeline.</summary>
internal readonly record struct TrustedHtml(string Value)
{
    public static TrustedHtml Empty { get; } = new(string.Empty);

    /// <summary>Builds a fragment from an HTML template: string holes are encoded, <see cref="TrustedHtml"/> holes are not.</summary>
    public static TrustedHtml Format(ref HtmlHandler html) => new(html.ToStringAndClear());

    public override string ToString() => Value;
}

/// <summary>A page being written, one template at a time.</summary>
internal sealed class HtmlBuilder(int capacity)
{
    internal StringBuilder Inner { get; } = new(capacity);

    public HtmlBuilder Append([InterpolatedStringHandlerArgument("")] ref HtmlHandler html) => this;

    public HtmlBuilder Append(TrustedHtml html)
    {
        Inner.Append(html.Value);
        return this;
    }

    public override string ToString() => Inner.ToString();
}

/// <summary>
/// Interpolated string handler for HTML templates. Literal parts are the template's own markup; every
/// <see cref="string"/> hole is encoded for text and for double- or single-quoted attribute values.
/// </summary>
[InterpolatedStringHandler]
internal ref struct HtmlHandler
{
    private readonly StringBuilder _builder;

    public HtmlHandler(int literalLength, int formattedCount)
    {
        _builder = new StringBuilder(literalLength + (formattedCount * 16));
    }

    public HtmlHandler(int literalLength, int formattedCount, HtmlBuilder page)
    {
        ArgumentNullException.ThrowIfNull(page);
        _builder = page.Inner;
    }

    public readonly void AppendLiteral(string value) => _builder.Append(value);

    public readonly void AppendFormatted(string? value) => HtmlText.Encode(_builder, value);

    public readonly void AppendFormatted(TrustedHtml value) => _builder.Append(value.Value);

    public readonly void AppendFormatted(int value) => _builder.Append(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>A URL, written in its escaped absolute form and encoded like any other attribute value.</summary>
    public readonly void AppendFormatted(Uri value)
    {
        ArgumentNullException.ThrowIfNull(value);
        HtmlText.Encode(_builder, value.IsAbsoluteUri ? value.AbsoluteUri : value.OriginalString);
    }

    internal readonly string ToStringAndClear()
    {
        var text = _builder.ToString();
        _builder.Clear();
        return text;
    }
}

/// <summary>HTML character encoding: the five characters that can end text or a quoted attribute value.</summary>
internal static class HtmlText
{
    private static readonly SearchValues<char> Special = SearchValues.Create("&<>\"'");

    public static void Encode(StringBuilder builder, ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty)
        {
            var next = text.IndexOfAny(Special);
            if (next < 0)
            {
                builder.Append(text);
                return;
            }

            builder.Append(text[..next]);
            builder.Append(text[next] switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                _ => "&#39;",
            });
            text = text[(next + 1)..];
        }
    }
}
