using System.Security.Cryptography;
using System.Text;
using Publishing.Articles;
using Publishing.Pages;
using static Publishing.Tests.Pages.TestPages;

namespace Publishing.Tests.Pages;

/// <summary>The Content-Security-Policy the app sends, held against what the pages it renders really contain.</summary>
public sealed class PagePolicyTests
{
    private static readonly string Policy = ContentSecurityPolicy.For(allowHttpImages: false);

    private static Dictionary<string, string> Directives(string policy) =>
        policy.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(d => d.Split(' ', 2))
            .ToDictionary(d => d[0], d => d.Length > 1 ? d[1] : "", StringComparer.Ordinal);

    [Fact]
    public void Policy_runs_no_script_forbids_framing_and_loads_images_over_https_only()
    {
        var directives = Directives(Policy);

        Assert.Equal("'none'", directives["default-src"]);
        Assert.False(directives.ContainsKey("script-src"), "no script is allowed: default-src 'none' covers it");
        Assert.Equal("'none'", directives["frame-ancestors"]);
        Assert.Equal("https:", directives["img-src"]);
        Assert.Equal("'self'", directives["form-action"]);
        Assert.Equal("'none'", directives["base-uri"]);
        Assert.DoesNotContain("unsafe", Policy, StringComparison.Ordinal);
    }

    [Fact]
    public void Policy_allows_images_over_http_only_when_the_site_does()
    {
        Assert.Equal("http: https:", Directives(ContentSecurityPolicy.For(allowHttpImages: true))["img-src"]);
    }

    [Theory]
    [InlineData("article")]
    [InlineData("tag")]
    public void Page_has_no_meta_policy_and_its_one_style_sheet_is_the_one_the_policy_allows_by_hash(string kind)
    {
        var html = kind == "article"
            ? Render(Markdown("Text with a | table |\n|---|\n| cell |")).Html
            : TagPageRenderer.Render(new TagPageModel(new Tag("geneva", "Geneva"), [], new Uri(Site.BaseUrl, "tags/geneva"), null, null, Site));
        var page = Parse(html);

        Assert.Empty(page.QuerySelectorAll("meta[http-equiv]"));
        Assert.Empty(page.QuerySelectorAll("[style]"));
        var style = Single(page, "style").TextContent;
        var hash = "'sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(style))) + "'";
        Assert.Equal(hash, Directives(Policy)["style-src"]);
    }

    [Fact]
    public void Stored_page_with_an_older_style_sheet_is_served_with_the_current_one()
    {
        var current = Render(Markdown("Text.")).Html;
        var stored = current.Replace("max-width:44rem", "max-width:40rem", StringComparison.Ordinal);
        Assert.NotEqual(current, stored);

        Assert.Equal(current, ArticlePageHtml.WithCurrentStyle(stored));
        Assert.Same(current, ArticlePageHtml.WithCurrentStyle(current));
    }

    [Fact]
    public void Style_tag_written_in_an_article_is_text_and_never_taken_for_the_style_sheet()
    {
        var html = Render(Markdown("<style>body{display:none}</style>") with { Title = "<style>x</style>", Summary = "</style>" }).Html;

        var page = Parse(ArticlePageHtml.WithCurrentStyle(html));

        Assert.Equal(html, ArticlePageHtml.WithCurrentStyle(html));
        Assert.DoesNotContain("display:none", Single(page, "style").TextContent, StringComparison.Ordinal);
    }
}
