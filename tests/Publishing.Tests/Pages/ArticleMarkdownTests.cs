using static Publishing.Tests.Pages.TestPages;

namespace Publishing.Tests.Pages;

public sealed class ArticleMarkdownTests
{
    [Fact]
    public void Pipe_tables_render_with_header_cells_and_column_alignment_as_classes()
    {
        var body = Body(RenderDocument(Markdown(
            """
            | Country | Votes |
            |:--------|------:|
            | France  | 12    |
            | Spain   | 7     |
            """)));

        var table = Assert.Single(body.QuerySelectorAll("table"));
        Assert.Equal(["Country", "Votes"], table.QuerySelectorAll("thead th").Select(th => th.TextContent));
        Assert.Equal(4, table.QuerySelectorAll("tbody td").Length);
        Assert.Equal(["align-left", "align-right"], table.QuerySelectorAll("thead th").Select(th => th.ClassName));
        Assert.Equal("align-right", table.QuerySelectorAll("tbody td")[1].ClassName);
        Assert.Empty(table.QuerySelectorAll("[style], col"));
    }

    [Fact]
    public void Grid_tables_render_as_tables()
    {
        var body = Body(RenderDocument(Markdown(
            """
            +-------+-------+
            | Name  | Seats |
            +=======+=======+
            | Left  | 120   |
            +-------+-------+
            """)));

        Assert.Equal(["Name", "Seats"], body.QuerySelectorAll("table th").Select(th => th.TextContent.Trim()));
        Assert.Equal(["Left", "120"], body.QuerySelectorAll("table td").Select(td => td.TextContent.Trim()));
        Assert.Empty(body.QuerySelectorAll("[style], col"));
    }

    [Fact]
    public void Footnotes_link_to_their_notes_and_back()
    {
        var body = Body(RenderDocument(Markdown(
            """
            The figure was disputed.[^count]

            [^count]: By the opposition.
            """)));

        var reference = Assert.Single(body.QuerySelectorAll("a.footnote-ref"));
        var noteId = reference.GetAttribute("href")![1..];
        var note = Assert.Single(body.QuerySelectorAll("li"), li => li.Id == noteId);
        Assert.Contains("By the opposition.", note.TextContent, StringComparison.Ordinal);
        Assert.Equal("#" + reference.Id, note.QuerySelector("a.footnote-back-ref")?.GetAttribute("href"));
    }

    [Fact]
    public void Headings_get_github_style_ids()
    {
        var body = Body(RenderDocument(Markdown("## Hello, World!\n\n## Hello, World!")));

        Assert.Equal(["hello-world", "hello-world-1"], body.QuerySelectorAll("h2").Select(h => h.Id));
    }

    [Fact]
    public void Body_heading_named_like_the_comments_section_leaves_it_its_id()
    {
        var page = RenderDocument(Markdown("## Comments\n\nWhat readers said.\n\n## Main"));

        Assert.Equal("section", Single(page, "#comments").LocalName);
        Assert.Equal("main", Single(page, "#main").LocalName);
        Assert.Equal(["comments-1", "main-1"], Body(page).QuerySelectorAll("h2").Select(h => h.Id));
    }

    [Fact]
    public void Bare_urls_and_www_addresses_become_links()
    {
        var body = Body(RenderDocument(Markdown("See https://example.org/report and www.example.com today.")));

        Assert.Equal(
            ["https://example.org/report", "https://www.example.com"],
            body.QuerySelectorAll("a").Select(a => a.GetAttribute("href")));
    }

    [Fact]
    public void Quotes_dashes_and_ellipses_become_typographic()
    {
        var body = Body(RenderDocument(Markdown("He said \"no\" -- and 'never'...")));

        Assert.Equal("He said “no” – and ‘never’…", body.TextContent.Trim());
    }

    [Fact]
    public void Strikethrough_emphasis_and_code_keep_their_meaning()
    {
        var body = Body(RenderDocument(Markdown("~~old~~ *new* **bold** `a < b`\n\n```\nif (a < b) {}\n```")));

        Assert.Equal("old", body.QuerySelector("del")?.TextContent);
        Assert.Equal("new", body.QuerySelector("em")?.TextContent);
        Assert.Equal("bold", body.QuerySelector("strong")?.TextContent);
        Assert.Equal("a < b", body.QuerySelector("p code")?.TextContent);
        Assert.Equal("if (a < b) {}\n", body.QuerySelector("pre > code")?.TextContent);
    }

    [Fact]
    public void Ordered_lists_keep_their_start_number()
    {
        var body = Body(RenderDocument(Markdown("3. third\n4. fourth")));

        Assert.Equal("3", body.QuerySelector("ol")?.GetAttribute("start"));
    }

    [Theory]
    [InlineData("# One\n\n## Two\n\n### Three", "h2 h3 h4")]
    [InlineData("## One\n\n### Two", "h2 h3")]
    [InlineData("### One\n\n#### Two\n\n### Three", "h2 h3 h2")]
    [InlineData("#### Deep only", "h2")]
    [InlineData("# One\n\n###### Six", "h2 h6")]
    [InlineData("One\n===\n\nTwo\n---", "h2 h3")]
    public void Body_headings_are_shifted_so_the_highest_is_h2_and_none_passes_h6(string markdown, string levels)
    {
        var page = RenderDocument(Markdown(markdown));

        Assert.Single(page.QuerySelectorAll("h1"));
        Assert.Equal(levels, string.Join(' ', Body(page).QuerySelectorAll("h1, h2, h3, h4, h5, h6").Select(h => h.LocalName)));
    }

    [Fact]
    public void Feature_sample_article_renders_every_construct()
    {
        var page = RenderDocument(Markdown(MarkdownOf(ArticleFile("features.md"))));
        var body = Body(page);

        AssertNoActiveContent(page);
        Assert.NotEmpty(body.QuerySelectorAll("table"));
        Assert.NotEmpty(body.QuerySelectorAll("a.footnote-ref"));
        Assert.NotEmpty(body.QuerySelectorAll("blockquote"));
        Assert.NotEmpty(body.QuerySelectorAll("h2[id]"));
        Assert.Contains("Привет, мир", body.TextContent, StringComparison.Ordinal);
        Assert.Contains("“", body.TextContent, StringComparison.Ordinal);
    }
}
