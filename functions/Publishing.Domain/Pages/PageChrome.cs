using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Publishing.Articles;

namespace Publishing.Pages;

/// <summary>What every page of the site shares: the style sheet, the site header, feed links, date formats.</summary>
internal static class PageChrome
{
    // With LF line breaks, as a browser reads them, so the hash holds whatever line endings this file has.
    private static readonly string StyleText = ("\n" + """
        :root{color-scheme:light dark;--muted:#595959;--rule:#d0d0d0}
        @media (prefers-color-scheme:dark){:root{--muted:#a8a8a8;--rule:#454545}}
        *,*::before,*::after{box-sizing:border-box}
        body{max-width:44rem;margin:0 auto;padding:1rem 1.25rem 3rem;font:1.0625rem/1.65 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;overflow-wrap:break-word}
        .skip{position:absolute;left:-100vw}.skip:focus{left:1rem;top:1rem}
        body>header{border-bottom:1px solid var(--rule);padding-bottom:.5rem;margin-bottom:1.5rem}
        body>header a{font-weight:700;text-decoration:none;color:inherit}
        h1{font-size:2rem;line-height:1.2;margin:.5rem 0}
        h2,h3,h4,h5,h6{line-height:1.3;margin:2rem 0 .5rem}
        .byline,.footnotes{color:var(--muted);font-size:.9rem}
        img{max-width:100%;height:auto}
        code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
        pre{overflow-x:auto;padding:.75rem;border:1px solid var(--rule)}
        blockquote{margin:1rem 0;padding-left:1rem;border-left:3px solid var(--rule)}
        table{display:block;overflow-x:auto;border-collapse:collapse;margin:1rem 0}
        th,td{border:1px solid var(--rule);padding:.3rem .6rem}
        .align-left{text-align:left}.align-center{text-align:center}.align-right{text-align:right}
        .tags ul{display:flex;flex-wrap:wrap;gap:.5rem;list-style:none;padding:0}
        .tags a{display:inline-block;padding:0 .6rem;border:1px solid var(--rule);border-radius:1rem;text-decoration:none}
        .comments{margin-top:3rem;border-top:1px solid var(--rule)}
        .listing{list-style:none;padding:0}.listing li{margin:0 0 1.5rem}
        .listing h2{margin:0;font-size:1.25rem}.listing p{margin:.25rem 0}
        .pager{display:flex;justify-content:space-between;border-top:1px solid var(--rule);padding-top:1rem}
        """ + "\n").ReplaceLineEndings("\n");

    /// <summary>The site's style sheet: the one inline style a page has, allowed by its hash in the CSP (<see cref="StyleHash"/>).</summary>
    public static TrustedHtml Style { get; } = new("<style>" + StyleText + "</style>");

    /// <summary>
    /// The CSP source for <see cref="Style"/>: the SHA-256 of the element's text as a browser reads it (line breaks as
    /// LF, which is also how it is written), so no other inline style, and no <c>style</c> attribute, ever applies.
    /// </summary>
    public static string StyleHash { get; } = "'sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(StyleText))) + "'";

    /// <summary>
    /// The document up to the page's own head elements: doctype, language, charset, viewport. The page's
    /// Content-Security-Policy is a response header (<see cref="ContentSecurityPolicy"/>), not a meta element: a meta
    /// policy cannot say <c>frame-ancestors</c>, and one written into a stored page would outlive a change of settings.
    /// </summary>
    public static void AppendHeadStart(HtmlBuilder page, string language) => page.Append($"""
        <!DOCTYPE html>
        <html lang="{language}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">

        """);

    /// <inheritdoc cref="AppendHeadStart"/>
    public static TrustedHtml HeadStart(string language)
    {
        var page = new HtmlBuilder(256);
        AppendHeadStart(page, language);
        return new TrustedHtml(page.Build());
    }

    /// <summary>From <c>&lt;body&gt;</c> to the opening of <c>&lt;main&gt;</c>: the skip link and the site header.</summary>
    public static void AppendBodyStart(HtmlBuilder page, SiteInfo site, string skipText) => page.Append($"""
        <body>
        <a class="skip" href="#main">{skipText}</a>
        <header><a href="/" rel="home">{site.Name}</a></header>
        <main id="main">
        """);

    /// <inheritdoc cref="AppendBodyStart"/>
    public static TrustedHtml BodyStart(SiteInfo site, string skipText)
    {
        var page = new HtmlBuilder(256);
        AppendBodyStart(page, site, skipText);
        return new TrustedHtml(page.Build());
    }

    /// <summary>
    /// The head's <c>&lt;link rel="alternate"&gt;</c>s to Atom feeds: the site's feed (every page has it), then one per
    /// tag of the page.
    /// </summary>
    public static void AppendFeedLinks(HtmlBuilder page, SiteInfo site, IEnumerable<Tag> tags)
    {
        page.Append($"""<link rel="alternate" type="application/atom+xml" title="{site.Name}" href="{SiteFeedUrl(site)}">{"\n"}""");
        foreach (var tag in tags)
        {
            page.Append($"""<link rel="alternate" type="application/atom+xml" title="{tag.Name} – {site.Name}" href="{FeedUrl(site, tag.Slug)}">{"\n"}""");
        }
    }

    public static Uri SiteFeedUrl(SiteInfo site) => new(site.BaseUrl, "feed");

    public static Uri FeedUrl(SiteInfo site, string tag) => new(site.BaseUrl, $"tags/{Uri.EscapeDataString(tag)}/feed");

    public static string Iso(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string HumanDate(DateTimeOffset time) =>
        time.UtcDateTime.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);
}
