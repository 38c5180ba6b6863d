using System.Text;
using Publishing.Articles;
using Publishing.Pages;
using static Publishing.Tests.Pages.TestPages;

namespace Publishing.Tests.Pages;

/// <summary>
/// Pages load images over https only (<c>img-src https:</c>) unless the site allows http: an article that names an
/// http image is rejected with the line to fix, rather than published with an image that would not load.
/// </summary>
public sealed class HttpImageTests
{
    private static readonly ArticlePageRenderer Renderer = new();

    private static ArticleParseResult ParseText(string text, bool allowHttpImages = false) =>
        ArticleParser.Parse("images.md", Encoding.UTF8.GetBytes(text), 1024 * 1024, allowHttpImages);

    private static (RenderedPage? Page, Rejection? Rejection) TryRender(string fileText, bool allowHttpImages = false)
    {
        var article = Assert.IsType<ArticleParseResult.Parsed>(ParseText(fileText, allowHttpImages)).Article;
        var model = Model(article) with { Site = Site with { AllowHttpImages = allowHttpImages } };
        return Renderer.TryRender(model, out var page, out var rejection) ? (page, null) : (null, rejection);
    }

    [Fact]
    public void Image_field_over_http_is_rejected_naming_the_field_line_and_address()
    {
        var rejection = Assert.IsType<ArticleParseResult.Rejected>(
            ParseText("---\ntitle: Geneva\ntags: [a]\nimage: http://images.example/geneva.jpg\n---\nText.\n")).Rejection;

        Assert.Equal(RejectionCode.InsecureImage, rejection.Code);
        Assert.Equal(4, rejection.Line);
        Assert.Contains("'http://images.example/geneva.jpg'", rejection.Reason, StringComparison.Ordinal);
        Assert.Contains("https://", rejection.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://images.example/geneva.jpg")]
    [InlineData("//images.example/geneva.jpg")]
    [InlineData("/media/geneva.jpg")]
    public void Image_field_over_https_or_relative_is_accepted(string url)
    {
        var article = Assert.IsType<ArticleParseResult.Parsed>(ParseText($"---\ntitle: Geneva\nimage: {url}\n---\nText.\n")).Article;

        Assert.Equal(url, article.Image);
    }

    [Theory]
    [InlineData("Intro.\n\n![Lake](http://images.example/lake.jpg)\n", 7)]
    [InlineData("Intro.\n\nSee ![the lake][lake].\n\n[lake]: HTTP://images.example/lake.jpg\n", 7)]
    [InlineData("Intro.\n\n> - a list\n>   ![Lake](\thttp://images.example/lake.jpg)\n", 8)]
    public void Markdown_image_over_http_is_rejected_with_its_line_in_the_file(string body, int line)
    {
        var (page, rejection) = TryRender("---\ntitle: Geneva\n---\n\n" + body);

        Assert.Null(page);
        Assert.NotNull(rejection);
        Assert.Equal(RejectionCode.InsecureImage, rejection.Code);
        Assert.Equal(line, rejection.Line);
        Assert.Contains("images.example/lake.jpg", rejection.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Links_over_http_and_images_over_https_or_relative_are_published()
    {
        var (page, rejection) = TryRender("""
            # Geneva

            A [link over http](http://example.com/) and <http://example.com/auto>.

            ![Lake](https://images.example/lake.jpg) ![Map](/media/map.png) ![Logo](//cdn.example/logo.png)

            `![not an image](http://example.com/x.png)`
            """);

        Assert.Null(rejection);
        Assert.NotNull(page);
        Assert.Equal(3, Parse(page.Html).QuerySelectorAll("img").Length);
    }

    [Fact]
    public void Http_images_are_published_where_the_site_allows_them()
    {
        var text = "---\ntitle: Geneva\nimage: http://images.example/geneva.jpg\n---\n\n![Lake](http://images.example/lake.jpg)\n";

        var (page, rejection) = TryRender(text, allowHttpImages: true);

        Assert.Null(rejection);
        Assert.NotNull(page);
        Assert.Equal("http://images.example/lake.jpg", Single(Parse(page.Html), "img").GetAttribute("src"));
    }
}
