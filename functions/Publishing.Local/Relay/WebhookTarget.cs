using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Publishing.Local.Relay;

/// <summary>
/// The host the relay delivers to: <see cref="RelayOptions.Target"/> when set (next to <c>func start</c>),
/// otherwise the local host it runs in, once that is listening (its port may be chosen at start-up).
/// </summary>
internal sealed class WebhookTarget(IOptions<RelayOptions> options, IServiceProvider services)
{
    public async Task<Uri> GetBaseAddressAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Target is { } target)
        {
            return WithTrailingSlash(target);
        }

        var lifetime = services.GetRequiredService<IHostApplicationLifetime>();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(cancellationToken);
        }

        var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses
            ?? throw new InvalidOperationException("Relay:Target is not set and there is no local server to deliver to.");
        var address = addresses.OrderBy(a => a.StartsWith("https:", StringComparison.OrdinalIgnoreCase)).FirstOrDefault()
            ?? throw new InvalidOperationException("The local server listens on no address.");
        var uri = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        uri.Host = uri.Host switch
        {
            "0.0.0.0" => "127.0.0.1",
            "[::]" or "::" => "[::1]",
            _ => uri.Host,
        };
        return WithTrailingSlash(uri.Uri);
    }

    private static Uri WithTrailingSlash(Uri uri) =>
        uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}
