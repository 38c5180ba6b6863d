using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>A JSON-typed body of <paramref name="length"/> bytes sent chunked, without a Content-Length.</summary>
internal sealed class ChunkedJson : HttpContent
{
    private readonly int _length;

    public ChunkedJson(int length)
    {
        _length = length;
        Headers.ContentType = new MediaTypeHeaderValue("application/json");
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        var chunk = Encoding.ASCII.GetBytes(new string(' ', 64 * 1024));
        try
        {
            for (var sent = 0; sent < _length; sent += chunk.Length)
            {
                await stream.WriteAsync(chunk);
            }
        }
        catch (IOException)
        {
            // The server answered and stopped reading: what is being tested.
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
