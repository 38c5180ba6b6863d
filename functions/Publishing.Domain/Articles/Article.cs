namespace Publishing.Articles;

/// <summary>An article as parsed from a dropped file, before it is published.</summary>
public sealed record Article
{
    public required string Title { get; init; }

    /// <summary>URL-safe identity of the article: <c>/articles/{Slug}</c>.</summary>
    public required string Slug { get; init; }

    public required ArticleBody Body { get; init; }

    public IReadOnlyList<Tag> Tags { get; init; } = [];

    public string? Author { get; init; }

    public string? Source { get; init; }

    /// <summary>Publication date from the file; when absent the publisher uses the time it first saw the article.</summary>
    public DateTimeOffset? Published { get; init; }

    public DateTimeOffset? Updated { get; init; }

    /// <summary>The editor's summary; when absent the page derives one from the first paragraph.</summary>
    public string? Summary { get; init; }

    public bool Draft { get; init; }

    public string? Image { get; init; }

    /// <summary>BCP 47 language tag from the file (<c>lang</c>), when it names one.</summary>
    public string? Language { get; init; }

    /// <summary>Front matter keys the spec does not name, kept as written.</summary>
    public IReadOnlyDictionary<string, string> Extra { get; init; } = new Dictionary<string, string>();
}

/// <summary>A tag as the editor wrote it (<see cref="Name"/>) and as it appears in URLs (<see cref="Slug"/>).</summary>
public sealed record Tag(string Slug, string Name);

/// <summary>The text of an article: Markdown, or blocks recovered from plain text.</summary>
public abstract record ArticleBody;

/// <summary>Markdown source; <see cref="FirstLine"/> is its line number in the file (after front matter).</summary>
public sealed record MarkdownBody(string Markdown, int FirstLine = 1) : ArticleBody;

/// <summary>Plain text split into headings and paragraphs; every string is raw text, encoded only when rendered.</summary>
public sealed record PlainTextBody(IReadOnlyList<TextBlock> Blocks) : ArticleBody;

public abstract record TextBlock(string Text);

public sealed record Paragraph(string Text) : TextBlock(Text);

public sealed record Heading(string Text) : TextBlock(Text);
