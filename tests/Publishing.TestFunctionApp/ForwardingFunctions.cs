using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Primitives;

namespace Publishing.TestFunctionApp;

/// <summary>
/// Functions that show what the host forwards and how: <see cref="Echo"/> tells what reached the worker,
/// <see cref="Streams"/> answers a long body in flushed chunks.
/// </summary>
public static class ForwardingFunctions
{
    /// <summary>The most <see cref="Streams"/> writes: 1 GiB.</summary>
    public const int MaxKilobytes = 1024 * 1024;

    private const int ChunkBytes = 16 * 1024;

    /// <summary>A function with an empty route: the Functions host routes it under the function's name, never at the root.</summary>
    [Function(nameof(EmptyRoute))]
    public static IActionResult EmptyRoute(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "")] HttpRequest request) =>
        Results.Text("served under its name").ToActionResult();

    [Function(nameof(Echo))]
    public static async Task<IActionResult> Echo(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", Route = "test/echo/{*rest}")] HttpRequest request,
        string? rest,
        FunctionContext context,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        long bodyBytes = 0;
        int read;
        while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            sha256.AppendData(buffer, 0, read);
            bodyBytes += read;
        }

        string? Header(string name) => request.Headers.TryGetValue(name, out var value) && !StringValues.IsNullOrEmpty(value) ? value.ToString() : null;
        return Results.Json(new EchoedRequest(
            request.Method,
            request.Path.Value ?? "",
            request.QueryString.Value ?? "",
            rest,
            request.HttpContext.Connection.RemoteIpAddress?.ToString(),
            request.Scheme,
            Header("Host"),
            Header("X-Forwarded-For"),
            Header("X-Forwarded-Proto"),
            Header("X-Forwarded-Host"),
            Header("X-Original-For"),
            Header("X-Original-Proto"),
            Header("X-Original-Host"),
            Header("x-ms-invocation-id"),
            context.InvocationId,
            bodyBytes,
            Convert.ToHexStringLower(sha256.GetHashAndReset()))).ToActionResult();
    }

    /// <summary>Answers <paramref name="kilobytes"/> KiB of <see cref="StreamedBody.ByteAt"/> in 16 KiB chunks, each flushed.</summary>
    [Function(nameof(Streams))]
    public static IActionResult Streams(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "test/streams/{kilobytes:int}")] HttpRequest request,
        int kilobytes,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (kilobytes is < 0 or > MaxKilobytes)
        {
            return Results.Problem(
                title: "Invalid 'kilobytes'",
                detail: $"Ask for 0 to {MaxKilobytes} KiB.",
                statusCode: StatusCodes.Status400BadRequest,
                instance: request.Path).ToActionResult();
        }

        // The worker executes the result before it ends the invocation, so the invocation's token still holds.
        return Results.Stream(
            async body =>
            {
                var chunk = new byte[ChunkBytes];
                var end = kilobytes * 1024L;
                for (long offset = 0; offset < end; offset += ChunkBytes)
                {
                    var length = (int)Math.Min(ChunkBytes, end - offset);
                    for (var i = 0; i < length; i++)
                    {
                        chunk[i] = StreamedBody.ByteAt(offset + i);
                    }

                    await body.WriteAsync(chunk.AsMemory(0, length), cancellationToken);
                    await body.FlushAsync(cancellationToken);
                }
            },
            "application/octet-stream").ToActionResult();
    }
}
