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

/// <summary>
/// A page being written, one template at a time, into a buffer from the shared pool: the page's string (<see cref="Build"/>)
/// is the one allocation its size costs. A builder abandoned half-written (an exception) leaves its buffer to the collector.
/// </summary>
internal sealed class HtmlBuilder(int capacity)
{
    private char[] _buffer = ArrayPool<char>.Shared.Rent(Math.Max(capacity, 256));

    private int _length;

    public HtmlBuilder Append([InterpolatedStringHandlerArgument("")] ref HtmlHandler html) => this;

    public HtmlBuilder Append(TrustedHtml html)
    {
        Write(html.Value);
        return this;
    }

    /// <summary>Text as it is, already markup.</summary>
    internal void Write(ReadOnlySpan<char> text)
    {
        text.CopyTo(Reserve(text.Length));
        _length += text.Length;
    }

    /// <summary>UTF-8 text as it is, already markup.</summary>
    internal void WriteUtf8(ReadOnlySpan<byte> utf8)
    {
        _length += Encoding.UTF8.GetChars(utf8, Reserve(Encoding.UTF8.GetMaxCharCount(utf8.Length)));
    }

    /// <summary>Room for at least <paramref name="size"/> characters at the end, to be kept with <see cref="Advance"/>.</summary>
    internal Span<char> Reserve(int size)
    {
        if (_buffer.Length - _length < size)
        {
            var larger = ArrayPool<char>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + size));
            _buffer.AsSpan(0, _length).CopyTo(larger);
            ArrayPool<char>.Shared.Return(_buffer);
            _buffer = larger;
        }

        return _buffer.AsSpan(_length);
    }

    internal void Advance(int count) => _length += count;

    /// <summary>The page as written so far.</summary>
    public override string ToString() => new(_buffer, 0, _length);

    /// <summary>The page, with the buffer given back to the pool: the builder is empty afterwards.</summary>
    public string Build()
    {
        var text = ToString();
        var buffer = _buffer;
        (_buffer, _length) = ([], 0);
        ArrayPool<char>.Shared.Return(buffer);
        return text;
    }
}

/// <summary>
/// Interpolated string handler for HTML templates. Literal parts are the template's own markup; every
/// <see cref="string"/> hole is encoded for text and for double- or single-quoted attribute values.
/// </summary>
[InterpolatedStringHandler]
internal ref struct HtmlHandler
{
    private readonly HtmlBuilder _builder;

    public HtmlHandler(int literalLength, int formattedCount)
    {
        _builder = new HtmlBuilder(literalLength + (formattedCount * 16));
    }

    public HtmlHandler(int literalLength, int formattedCount, HtmlBuilder page)
    {
        ArgumentNullException.ThrowIfNull(page);
        _builder = page;
    }

    public readonly void AppendLiteral(string value) => _builder.Write(value);

    public readonly void AppendFormatted(string? value) => HtmlText.Encode(_builder, value);

    public readonly void AppendFormatted(TrustedHtml value) => _builder.Write(value.Value);

    public readonly void AppendFormatted(int value)
    {
        var room = _builder.Reserve(11);
        value.TryFormat(room, out var written, provider: CultureInfo.InvariantCulture);
        _builder.Advance(written);
    }

    /// <summary>A URL, written in its escaped absolute form and encoded like any other attribute value.</summary>
    public readonly void AppendFormatted(Uri value)
    {
        ArgumentNullException.ThrowIfNull(value);
        HtmlText.Encode(_builder, value.IsAbsoluteUri ? value.AbsoluteUri : value.OriginalString);
    }

    internal readonly string ToStringAndClear() => _builder.Build();
}

/// <summary>HTML character encoding: the five characters that can end text or a quoted attribute value.</summary>
internal static class HtmlText
{
    private static readonly SearchValues<char> Special = SearchValues.Create("&<>\"'");

    public static void Encode(HtmlBuilder builder, ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty)
        {
            var next = text.IndexOfAny(Special);
            if (next < 0)
            {
                builder.Write(text);
                return;
            }

            builder.Write(text[..next]);
            builder.Write(text[next] switch
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
