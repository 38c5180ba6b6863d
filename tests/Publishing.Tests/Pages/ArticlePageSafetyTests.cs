using Publishing.Articles;
using Publishing.Fuzzing;
using Publishing.Pages;
using static Publishing.Tests.Pages.TestPages;

namespace Publishing.Tests.Pages;

public sealed class ArticlePageSafetyTests
{
    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("<iframe src=\"https://evil.example/\"></iframe>")]
    [InlineData("<svg onload=alert(1)><circle r=\"5\"/></svg>")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>")]
    [InlineData("<style>body{display:none}</style>")]
    [InlineData("<form action=\"https://evil.example/\"><input name=q></form>")]
    [InlineData("<base href=\"https://evil.example/\">")]
    [InlineData("<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">")]
    public void Raw_html_in_markdown_is_shown_as_text_not_markup(string html)
    {
        var page = RenderDocument(Markdown($"Before {html} after.\n\n{html}"));

        AssertNoActiveContent(page);
        var body = Body(page);
        Assert.Equal($"Before {html} after.", Straight(body.Children[0].TextContent));
        Assert.Equal(html, Straight(body.Children[1].TextContent));
    }

    [Theory]
    [InlineData("[x](javascript:alert(1))")]
    [InlineData("[x](JaVaScRiPt:alert(1))")]
    [InlineData("[x]( javascript:alert(1))")]
    [InlineData("[x](<javascript:alert(1)>)")]
    [InlineData("[x](jav&#x61;script:alert(1))")]
    [InlineData("[x](&#106;avascript:alert(1))")]
    [InlineData("[x](java&#9;script:alert(1))")]
    [InlineData("[x](&#x20;javascript:alert(1))")]
    [InlineData("[x](vbscript:msgbox(1))")]
    [InlineData("[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)")]
    [InlineData("[x](file:///etc/passwd)")]
    [InlineData("[x][1]\n\n[1]: javascript:alert(1)")]
    [InlineData("[x]\n\n[x]: JAVASCRIPT:alert(1)")]
    public void Markdown_link_with_a_dangerous_scheme_is_not_clickable_but_its_text_stays(string markdown)
    {
        var page = RenderDocument(Markdown(markdown));

        AssertNoActiveContent(page);
        var body = Body(page);
        Assert.Empty(body.QuerySelectorAll("a[href]"));
        Assert.Equal("x", body.TextContent.Trim());
    }

    [Theory]
    [InlineData("[x](javascript:alert(1))")]
    [InlineData("[x](jav&#x61;script:alert(1))")]
    [InlineData("[x][1]\n\n[1]: vbscript:msgbox(1)")]
    [InlineData("<javascript:x>")]
    [InlineData("![x](data:text/html;base64,PHNjcmlwdD4=)")]
    [InlineData("[![x](data:image/png;base64,iVBORw0KGgo=)](javascript:alert(1))")]
    public void Markdown_pipeline_drops_dangerous_links_with_no_sanitiser_after_it(string markdown)
    {
        var html = Markdig.Markdown.ToHtml(markdown, ArticleMarkdown.Pipeline);

        var fragment = Parse(html);
        Assert.Empty(fragment.QuerySelectorAll("a, img"));
        Assert.Contains("x", fragment.Body?.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Autolink_with_javascript_scheme_is_plain_text()
    {
        var page = RenderDocument(Markdown("<javascript:alert(1)>"));

        AssertNoActiveContent(page);
        Assert.Empty(Body(page).QuerySelectorAll("a"));
        Assert.Equal("javascript:alert(1)", Body(page).TextContent.Trim());
    }

    [Theory]
    [InlineData("![chart](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)")]
    [InlineData("![chart](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)")]
    [InlineData("![chart](javascript:alert(1))")]
    [InlineData("![chart][img]\n\n[img]: data:image/png;base64,iVBORw0KGgo=")]
    public void Image_with_a_dangerous_source_is_not_loaded_and_its_alt_text_stays(string markdown)
    {
        var page = RenderDocument(Markdown(markdown));

        AssertNoActiveContent(page);
        Assert.Empty(Body(page).QuerySelectorAll("img"));
        Assert.Equal("chart", Body(page).TextContent.Trim());
    }

    [Fact]
    public void Safe_links_and_images_survive()
    {
        var body = Body(RenderDocument(Markdown(
            "[a](https://example.org/a?b=1&c=2) [m](mailto:desk@example.org) [r](/tags/politics) [f](#top) [h](http://example.org) ![i](https://images.example.org/i.png \"Caption\")")));

        Assert.Equal(
            ["https://example.org/a?b=1&c=2", "mailto:desk@example.org", "/tags/politics", "#top", "http://example.org"],
            body.QuerySelectorAll("a").Select(a => a.GetAttribute("href")));
        var image = Assert.Single(body.QuerySelectorAll("img"));
        Assert.Equal("https://images.example.org/i.png", image.GetAttribute("src"));
        Assert.Equal("i", image.GetAttribute("alt"));
        Assert.Equal("Caption", image.GetAttribute("title"));
    }

    [Fact]
    public void Link_title_cannot_break_out_of_its_attribute()
    {
        var body = Body(RenderDocument(Markdown("[t](https://example.org \"\\\" onmouseover=\\\"alert(1)\")")));

        var link = Assert.Single(body.QuerySelectorAll("a"));
        Assert.Equal("\" onmouseover=\"alert(1)", link.GetAttribute("title"));
        Assert.Equal(["href", "title"], link.Attributes.Select(a => a.Name).Order());
    }

    [Fact]
    public void Hostile_metadata_is_encoded_as_text_everywhere_it_appears()
    {
        const string hostile = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>&amp;";
        var article = Markdown("Body.", title: hostile) with
        {
            Author = hostile,
            Source = hostile,
            Summary = hostile,
            Tags = [new Tag("x\"><script>alert(3)</script>", hostile)],
            Image = "https://images.example.org/a.png\"><script>alert(4)</script>",
            Language = "en\"><script>alert(5)</script>",
        };

        var page = RenderDocument(article);

        AssertNoActiveContent(page);
        Assert.Empty(page.QuerySelectorAll("img"));
        Assert.Equal(hostile, Single(page, "h1").TextContent);
        Assert.Equal($"{hostile} – The Example Post", page.Title);
        Assert.Equal(hostile, Meta(page, "og:title"));
        Assert.Equal(hostile, Meta(page, "author"));
        Assert.Equal(hostile, Single(page, ".byline .author").TextContent);
        Assert.Equal(hostile, Single(page, ".byline .source").TextContent);
        Assert.Equal(hostile, Meta(page, "article:tag"));
        var tagLink = Single(page, "nav[aria-label='Tags'] a");
        Assert.Equal(hostile, tagLink.TextContent);
        Assert.Equal("/tags/x%22%3E%3Cscript%3Ealert%283%29%3C%2Fscript%3E", tagLink.GetAttribute("href"));
        Assert.Equal("en\"><script>alert(5)</script>", page.DocumentElement.GetAttribute("lang"));
    }

    [Fact]
    public void Plain_text_body_with_markup_is_shown_as_text()
    {
        var article = PlainText(
            "<b>Headline</b>",
            new Paragraph("<script>alert(1)</script> & <img src=x onerror=alert(2)>"),
            new Heading("<iframe src=https://evil.example/>"),
            new Paragraph("[x](javascript:alert(1)) \"quoted\" 'single'"));

        var page = RenderDocument(article);

        AssertNoActiveContent(page);
        var body = Body(page);
        Assert.Equal(
            ["<script>alert(1)</script> & <img src=x onerror=alert(2)>", "<iframe src=https://evil.example/>", "[x](javascript:alert(1)) \"quoted\" 'single'"],
            body.Children.Select(e => e.TextContent));
        Assert.Equal("<b>Headline</b>", Single(page, "h1").TextContent);
    }

    [Fact]
    public void Hostile_sample_article_renders_without_active_content_and_keeps_its_text()
    {
        var page = RenderDocument(Markdown(MarkdownOf(ArticleFile("hostile.md"))));
        var body = Body(page);

        AssertNoActiveContent(page);
        Assert.Empty(body.QuerySelectorAll("img, svg, iframe, script, style"));
        Assert.Contains("<script>alert(1)</script>", body.TextContent, StringComparison.Ordinal);
        Assert.Contains("<iframe src=\"https://evil.example/frame\"></iframe>", Straight(body.TextContent), StringComparison.Ordinal);
        Assert.Contains("decimal entity", body.TextContent, StringComparison.Ordinal);
        Assert.Contains("data image", body.TextContent, StringComparison.Ordinal);
        Assert.Equal(
            ["https://example.org", "https://example.org/a", "mailto:desk@example.org", "/tags/politics", "#top"],
            body.QuerySelectorAll("a[href]").Select(a => a.GetAttribute("href")));
    }

    [Theory]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>", "<a>x</a>")]
    [InlineData("<a href=\"jav&#x61;script:alert(1)\">x</a>", "<a>x</a>")]
    [InlineData("<a href=\" &#14; javascript:alert(1)\">x</a>", "<a>x</a>")]
    [InlineData("<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"pic\">", "<img alt=\"pic\">")]
    [InlineData("<img src=x onerror=alert(1) alt=\"\">", "<img src=\"x\" alt=\"\">")]
    [InlineData("<p onclick=\"alert(1)\" style=\"color:red;text-align:center\" class=\"align-center\">t</p>", "<p class=\"align-center\">t</p>")]
    [InlineData("<table><tbody><tr><td colspan=\"2\" rowspan=\"3\" width=\"9\">c</td></tr></tbody></table>", "<table><tbody><tr><td colspan=\"2\" rowspan=\"3\">c</td></tr></tbody></table>")]
    [InlineData("<script>alert(1)</script>", "")]
    [InlineData("<iframe src=\"https://evil.example/\">x</iframe>", "")]
    [InlineData("<h1>Title</h1>", "")]
    [InlineData("<div class=\"footnotes\"><ol><li id=\"fn:1\">n</li></ol></div>", "<div class=\"footnotes\"><ol><li id=\"fn:1\">n</li></ol></div>")]
    public void Oracle_sanitizer_keeps_only_what_markdown_needs(string html, string expected) =>
        Assert.Equal(expected, BodySanitizer.Sanitize(html));

    [Theory]
    [InlineData("https://example.org", true)]
    [InlineData("HTTP://example.org", true)]
    [InlineData("mailto:desk@example.org", true)]
    [InlineData("/tags/politics", true)]
    [InlineData("#fn:1", true)]
    [InlineData("?page=2", true)]
    [InlineData("relative/path:with-colon", true)]
    [InlineData("#at:10:30", true)]
    [InlineData("page?at=10:30", false)]
    [InlineData(" https://example.org", false)]
    [InlineData("https&#58//example.org", true)]
    [InlineData("javascript&#58alert(1)", false)]
    [InlineData("javascript&#x003A;alert(1)", false)]
    [InlineData("", true)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData(" \u0001JavaScript:alert(1)", false)]
    [InlineData("java\tscript:alert(1)", false)]
    [InlineData("java\nscript:alert(1)", false)]
    [InlineData("data:text/html,x", false)]
    [InlineData("vbscript:x", false)]
    [InlineData("file:///etc/passwd", false)]
    public void Safe_url_allows_only_http_https_mailto_and_relative_urls(string url, bool allowed) =>
        Assert.Equal(allowed, SafeUrl.IsAllowed(url));
}
