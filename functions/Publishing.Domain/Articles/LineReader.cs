namespace Publishing.Articles;

/// <summary>
/// The lines of a text whose line breaks are all <c>\n</c>, as <c>Split('\n')</c> would give them (a text ending in a
/// line break has an empty last line), without a string for each.
/// </summary>
internal ref struct LineReader
{
    private readonly ReadOnlySpan<char> _text;

    public LineReader(ReadOnlySpan<char> text) => _text = text;

    /// <summary>Where the next line starts in the text; past its end (by one) once the last line has been read.</summary>
    public int Offset { get; private set; }

    /// <summary>How many lines have been read: the index of the next one.</summary>
    public int Index { get; private set; }

    public bool TryNext(out ReadOnlySpan<char> line)
    {
        if (Offset > _text.Length)
        {
            line = default;
            return false;
        }

        var rest = _text[Offset..];
        var end = rest.IndexOf('\n');
        line = end < 0 ? rest : rest[..end];
        Offset += line.Length + 1;
        Index++;
        return true;
    }
}
