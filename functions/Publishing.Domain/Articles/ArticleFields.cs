using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.RegularExpressions;
using Publishing.Pages;

namespace Publishing.Articles;

/// <summary>
/// An article's text fields as a file gives them, each with the line it came from: single-line fields with their
/// runs of whitespace made one space, and <see cref="Check"/> holding each to <see cref="ArticleLimits"/>.
/// </summary>
internal sealed partial class ArticleFields(string title, int titleLine)
{
    public string Title { get; } = OneLine(title);

    public (string? Value, int Line) Summary { get; init; }

    public (string? Value, int Line) Author { get => field; init => field = (OneLine(value.Value), value.Line); }

    public (string? Value, int Line) Source { get => field; init => field = (OneLine(value.Value), value.Line); }

    public (string? Value, int Line) Image { get; init; }

    public (string? Value, int Line) Language { get; init; }

    public IReadOnlyList<Tag> Tags { get; init; } = [];

    /// <summary>The line of the tag at an index of <see cref="Tags"/>.</summary>
    public required Func<int, int> TagLine { get; init; }

    /// <summary>
    /// The first field past its limit, in the order the fields appear on a page, or an <c>image</c> over http where
    /// <paramref name="allowHttpImages"/> is false; null when all fit.
    /// </summary>
    public Rejection? Check(bool allowHttpImages) =>
        TooLong("title", Title, titleLine, ArticleLimits.MaxTitleLength)
        ?? TooLong("author", Author.Value, Author.Line, ArticleLimits.MaxAuthorLength)
        ?? TooLong("source", Source.Value, Source.Line, ArticleLimits.MaxSourceLength)
        ?? TooLong("summary", Summary.Value, Summary.Line, ArticleLimits.MaxSummaryLength)
        ?? TooLong("image", Image.Value, Image.Line, ArticleLimits.MaxImageUrlLength)
        ?? (!allowHttpImages && Image.Value is { } image && SafeUrl.IsPlainHttp(image) ? Rejection.HttpImage(image, Image.Line) : null)
        ?? CheckLanguage()
        ?? CheckTags();

    private Rejection? CheckLanguage()
    {
        if (Language.Value is not { } language)
        {
            return null;
        }

        return language.Length <= ArticleLimits.MaxLanguageLength && LanguageTag().IsMatch(language)
            ? null
            : new Rejection(RejectionCode.InvalidField, $"'lang' must be a language tag such as en, en-GB or ru, not '{Excerpt(language)}'", Language.Line);
    }

    private Rejection? CheckTags()
    {
        if (Tags.Count > ArticleLimits.MaxTags)
        {
            return new Rejection(
                RejectionCode.InvalidField,
                $"the article has {Tags.Count} tags; at most {ArticleLimits.MaxTags} are accepted",
                TagLine(ArticleLimits.MaxTags));
        }

        for (var i = 0; i < Tags.Count; i++)
        {
            if (Tags[i].Name.Length > ArticleLimits.MaxTagNameLength)
            {
                return new Rejection(
                    RejectionCode.InvalidField,
                    $"the tag '{Excerpt(Tags[i].Name)}' is {Tags[i].Name.Length} characters long; at most {ArticleLimits.MaxTagNameLength} are accepted",
                    TagLine(i));
            }
        }

        return null;
    }

    private static Rejection? TooLong(string field, string? value, int line, int limit) =>
        value is not null && value.Length > limit
            ? new Rejection(RejectionCode.InvalidField, $"the {field} is {value.Length:N0} characters long; at most {limit:N0} are accepted", line)
            : null;

    /// <summary>The start of a long value, enough for an editor to recognise it.</summary>
    private static string Excerpt(string value) => value.Length <= 40 ? value : value[..40] + "…";

    [return: NotNullIfNotNull(nameof(value))]
    private static string? OneLine(string? value)
    {
        if (value is null || !value.Any(char.IsWhiteSpace))
        {
            return value;
        }

        var line = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (!char.IsWhiteSpace(c))
            {
                line.Append(c);
            }
            else if (line.Length > 0 && line[^1] != ' ')
            {
                line.Append(' ');
            }
        }

        return line.ToString().TrimEnd();
    }

    [GeneratedRegex("^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$", RegexOptions.CultureInvariant)]
    private static partial Regex LanguageTag();
}
