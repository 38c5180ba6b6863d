namespace Publishing.TestFunctionApp;

// What the forwarding functions answer, in a file of its own: the integration tests compile it too (linked), to read
// the answers as they are written.

/// <summary>
/// What <c>ForwardingFunctions.Echo</c> saw. The worker runs <c>UseForwardedHeaders</c> (all three headers,
/// loopback proxies trusted): the X-Forwarded-* headers it applies are removed and kept as X-Original-*, and the
/// remote address, scheme and Host become the forwarded ones. <see cref="InvocationIdHeader"/> is the header the
/// worker paired the request with its invocation by; <see cref="InvocationId"/> is that invocation's id.
/// </summary>
public sealed record EchoedRequest(
    string Method,
    string Path,
    string QueryString,
    string? Rest,
    string? RemoteIpAddress,
    string Scheme,
    string? Host,
    string? XForwardedFor,
    string? XForwardedProto,
    string? XForwardedHost,
    string? XOriginalFor,
    string? XOriginalProto,
    string? XOriginalHost,
    string? InvocationIdHeader,
    string InvocationId,
    long BodyBytes,
    string BodySha256);

/// <summary>The body <c>ForwardingFunctions.Streams</c> answers.</summary>
public static class StreamedBody
{
    /// <summary>The byte at <paramref name="offset"/>: offset mod 251 (a prime, so the 16 KiB chunks differ).</summary>
    public static byte ByteAt(long offset) => (byte)(offset % 251);
}
