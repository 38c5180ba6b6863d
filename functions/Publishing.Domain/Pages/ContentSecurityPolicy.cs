namespace Publishing.Pages;

/// <summary>
/// The Content-Security-Policy the app sends with every answer, pages and the rest alike. A page needs nothing but its
/// own style sheet (allowed by hash), images from elsewhere over https, and its comment form posting to this site; it
/// runs no script (the JSON-LD block is data, which CSP does not run) and no one may frame it.
/// </summary>
/// <remarks>
/// One policy for every answer rather than one per content type: a <c>304</c> carries no body to tell them apart,
/// and a browser replaces a cached page's headers with those of the <c>304</c> that revalidates it.
/// </remarks>
public static class ContentSecurityPolicy
{
    /// <param name="allowHttpImages">Also allow images over http (<c>Publishing__AllowHttpImages</c>).</param>
    public static string For(bool allowHttpImages) =>
        $"default-src 'none'; img-src {(allowHttpImages ? "http: https:" : "https:")}; style-src {PageChrome.StyleHash}; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
}
