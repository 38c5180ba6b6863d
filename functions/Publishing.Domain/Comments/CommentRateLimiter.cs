using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Publishing.Comments;

/// <summary>
/// The per-client limit on posts: at most <see cref="CommentOptions.PostsPerMinute"/> in any 60 seconds per client
/// network (IPv4 /24, IPv6 /48, so one host cannot dodge it by hopping addresses). Kept in this process's memory:
/// each instance counts its own posts, so with N instances a client may post up to N times the limit.
/// </summary>
public sealed class CommentRateLimiter(IOptions<CommentOptions> options, TimeProvider clock)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<DateTimeOffset>> _posts = new(StringComparer.Ordinal);

    /// <summary>The client network an address belongs to, as the limit counts it.</summary>
    public static string NetworkOf(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();
        var (prefix, bits) = address.AddressFamily == AddressFamily.InterNetwork ? (3, 24) : (6, 48);
        Array.Clear(bytes, prefix, bytes.Length - prefix);
        return $"{new IPAddress(bytes)}/{bits}";
    }

    /// <summary>Counts a post from <paramref name="network"/>; null when allowed, else how long until the next one is.</summary>
    public TimeSpan? TryAcquire(string network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            if (_posts.Count > 10_000)
            {
                // Forget clients whose posts have all left the window, so memory stays bounded by recent posters.
                foreach (var idle in _posts.Where(p => p.Value.Peek() <= now - Window).Select(p => p.Key).ToList())
                {
                    _posts.Remove(idle);
                }
            }

            if (!_posts.TryGetValue(network, out var posts))
            {
                posts = new Queue<DateTimeOffset>();
                _posts[network] = posts;
            }

            while (posts.Count > 0 && posts.Peek() <= now - Window)
            {
                posts.Dequeue();
            }

            if (posts.Count >= options.Value.PostsPerMinute)
            {
                return posts.Peek() + Window - now;
            }

            posts.Enqueue(now);
            return null;
        }
    }
}
