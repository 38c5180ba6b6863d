using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>The article page in a real browser (<see cref="Chromium"/>), its comment form and its Content-Security-Policy.</summary>
public sealed class CommentBrowserTests(CommentHostFixture fixture) : IClassFixture<CommentHostFixture>
{
    /// <summary>Publishes an article of the test's own with <paramref name="body"/> and waits for its page; returns its slug.</summary>
    private async Task<string> PublishAsync(string title, string body)
    {
        var slug = "b" + Guid.NewGuid().ToString("N")[..12];
        await fixture.Storage.DropAsync($"{slug}.md", $"---\ntitle: {title} {slug}\n---\n{body}");
        using (await fixture.Host.GetWhenOkAsync($"articles/{slug}"))
        {
        }

        return slug;
    }

    [Fact]
    public async Task Page_under_its_header_policy_applies_its_style_sheet_refuses_framing_and_reports_no_violation()
    {
        var slug = await PublishAsync("Policy", "Text.\n\n| a | b |\n|:-|-:|\n| 1 | 2 |\n");

        await Chromium.RunAsync(async page =>
        {
            var console = new ConcurrentQueue<string>();
            page.Console += (_, message) => console.Enqueue(message.Text);
            var url = new Uri(fixture.Host.BaseAddress, $"articles/{slug}").ToString();

            var response = await page.GotoAsync(url);
            Assert.NotNull(response);
            Assert.Equal(200, response.Status);
            Assert.Contains("frame-ancestors 'none'", await response.HeaderValueAsync("content-security-policy") ?? "", StringComparison.Ordinal);

            // The style sheet applied (44rem is the body's max-width in it), and the aligned table cell took its class's style.
            Assert.Equal("704px", await page.Locator("body").EvaluateAsync<string>("b => getComputedStyle(b).maxWidth"));
            Assert.Equal("right", await page.Locator("td.align-right").EvaluateAsync<string>("c => getComputedStyle(c).textAlign"));

            Assert.DoesNotContain(console, m => m.Contains("Content Security Policy", StringComparison.Ordinal));

            // Framed by a page of another origin (a blank page of no origin here), the article is refused: Chromium shows its error page in the frame.
            await page.GotoAsync("about:blank");
            await page.SetContentAsync($"<!DOCTYPE html><iframe src=\"{url}\"></iframe>", new PageSetContentOptions { WaitUntil = WaitUntilState.Load });
            var framed = Assert.Single(page.MainFrame.ChildFrames);
            await Eventually.TrueAsync(() => Task.FromResult(framed.Url.StartsWith("chrome-error:", StringComparison.Ordinal)), "Chromium to refuse to render the framed page");
            Assert.Equal(0, await framed.Locator("h1").CountAsync());
        });
    }

    [Fact]
    public async Task Form_post_in_a_browser_lands_on_the_comment_with_the_new_count()
    {
        var slug = await PublishAsync("Browser", "Text.\n");

        await Chromium.RunAsync(async page =>
        {
            var response = await page.GotoAsync(new Uri(fixture.Host.BaseAddress, $"articles/{slug}").ToString());
            Assert.NotNull(response);
            Assert.Equal(200, response.Status);
            Assert.Contains("Comments (0)", await page.ContentAsync(), StringComparison.Ordinal);

            var posts = new ConcurrentQueue<IResponse>();
            page.Response += (_, r) =>
            {
                if (r.Request.Method == "POST")
                {
                    posts.Enqueue(r);
                }
            };

            var body = $"Seen in a browser {Guid.NewGuid():N}";
            await page.FillAsync("#comment-author", "Browser Reader");
            await page.FillAsync("#comment-body", body);
            var landed = new Regex($"/articles/{Regex.Escape(slug)}#comment-[A-Za-z0-9_-]+$", RegexOptions.None, TimeSpan.FromSeconds(1));
            await page.ClickAsync("form.comment-form button[type=submit]");
            // Committed is enough: what follows waits for the comment in the document, not for every subresource's load
            // (which once did not fire within 15 s on a loaded CI box, with the network idle).
            await page.WaitForURLAsync(landed, new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });

            Assert.Matches(landed, page.Url);
            var post = Assert.Single(posts);
            Assert.Equal(303, post.Status);
            Assert.EndsWith($"/api/articles/{slug}/comments", post.Url, StringComparison.Ordinal);
            Assert.StartsWith("application/x-www-form-urlencoded", await post.Request.HeaderValueAsync("content-type") ?? "", StringComparison.Ordinal);
            var id = page.Url[(page.Url.LastIndexOf("#comment-", StringComparison.Ordinal) + "#comment-".Length)..];
            var comment = page.Locator($"[id='comment-{id}']");
            await comment.WaitForAsync();
            await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
            Assert.Contains(body, await comment.InnerTextAsync(), StringComparison.Ordinal);
            Assert.Contains("Browser Reader", await comment.InnerTextAsync(), StringComparison.Ordinal);
            var html = await page.ContentAsync();
            Assert.Contains("Comments (1)", html, StringComparison.Ordinal);
            Assert.DoesNotContain("Comments (0)", html, StringComparison.Ordinal);
        });
    }
}
