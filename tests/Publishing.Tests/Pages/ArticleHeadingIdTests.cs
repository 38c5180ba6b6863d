using System.Diagnostics;
using System.Text.RegularExpressions;
using Markdig;
using Markdig.Extensions.AutoIdentifiers;
using Publishing.Pages;

namespace Publishing.Tests.Pages;

public sealed partial class ArticleHeadingIdTests
{
    private static List<string> Ids(string markdown, MarkdownPipeline pipeline) =>
        [.. HeadingId().Matches(Markdown.ToHtml(markdown, pipeline)).Select(m => m.Groups[1].Value)];

    [Fact]
    public void Heading_ids_are_those_markdigs_github_auto_identifiers_give()
    {
        var markdown = """
            # Talks *resume* in [Geneva](https://example.com)

            ## Lavrov's `plan`: what's next?

            ### Ёлки & палки — 2025

            ## Talks resume in Geneva

            ## Talks resume in Geneva

            ## Talks resume in Geneva-1

            ## ???

            ## 

            Setext
            ======
            """;
        var markdigs = new MarkdownPipelineBuilder().UseAutoIdentifiers(AutoIdentifierOptions.GitHub).Build();
        var ours = new MarkdownPipelineBuilder().UseArticleHeadings().Build();

        Assert.Equal(Ids(markdown, markdigs), Ids(markdown, ours));
    }

    [Fact]
    public void Headings_never_take_the_ids_the_page_uses()
    {
        var ids = Ids("## Comments\n\n## Comments\n\n## Main\n", ArticleMarkdown.Pipeline);

        Assert.Equal(["comments-1", "comments-2", "main-1"], ids);
    }

    [Fact]
    public void A_thousand_headings_with_the_same_text_get_distinct_ids_in_linear_time()
    {
        var markdown = string.Concat(Enumerable.Repeat("## Update\n\n", 1_000));
        var started = Stopwatch.StartNew();

        var ids = Ids(markdown, ArticleMarkdown.Pipeline);

        Assert.True(started.Elapsed < TimeSpan.FromSeconds(2), $"took {started.Elapsed}");
        Assert.Equal(1_000, ids.Distinct().Count());
        Assert.Equal(["update", "update-1", "update-2"], ids.Take(3));
        Assert.Equal("update-999", ids[^1]);
    }

    [GeneratedRegex("<h[1-6] id=\"([^\"]*)\"")]
    private static partial Regex HeadingId();
}
