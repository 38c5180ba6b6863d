namespace Publishing.Tests.Pages;
public sealed class ZzPrintPage
{
    [Fact]
    public void Print()
    {
        var md = TestPages.MarkdownOf(TestPages.ArticleFile("features.md"));
        md = string.Concat(Enumerable.Repeat(md, 3));
        var p = global::Publishing.Pages.ArticleMarkdown.Pipeline;
        string html = "";
        for (var i = 0; i < 300; i++) { html = Markdig.Markdown.ToHtml(global::Publishing.Pages.ArticleMarkdown.Parse(md), p); global::Publishing.Pages.ArticleHtmlSanitizer.Sanitize(html); }
        var sw = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 1000; i++) { html = Markdig.Markdown.ToHtml(global::Publishing.Pages.ArticleMarkdown.Parse(md), p); }
        var t1 = sw.Elapsed.TotalMilliseconds / 1000; sw.Restart();
        for (var i = 0; i < 1000; i++) { global::Publishing.Pages.ArticleHtmlSanitizer.Sanitize(html); }
        var t2 = sw.Elapsed.TotalMilliseconds / 1000; sw.Restart();
        var noStyle = html;
        for (var i = 0; i < 1000; i++) { global::Publishing.Pages.ArticleHtmlSanitizer.Sanitize(noStyle); }
        var t3 = sw.Elapsed.TotalMilliseconds / 1000; sw.Restart();
        var a = TestPages.Markdown(md);
        for (var i = 0; i < 1000; i++) { TestPages.Render(a); }
        var t4 = sw.Elapsed.TotalMilliseconds / 1000;
        File.WriteAllText("/tmp/pageprobe/time.txt", $"markdig {t1} sanitize {t2} sanitize-nostyle {t3} full {t4} len {md.Length}");
    }
}
