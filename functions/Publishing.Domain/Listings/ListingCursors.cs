using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs.Models;
using Publishing.Storage;

namespace Publishing.Listings;

/// <summary>
/// Opaque paging cursors: the last row key of a page, signed with HMAC-SHA256 over the listing (partition) and
/// the key, base64url-encoded. A cursor from another listing, a garbled one or a forged one does not verify.
/// The signing key is 256 random bits kept in a blob created once (create-if-absent, so all instances agree)
/// and read once per process: nothing to configure, and it survives restarts so cursors stay valid.
/// </summary>
public sealed class ListingCursors(StorageLayout storage)
{
    /// <summary>The key's blob, in the container that holds the app's private working state.</summary>
    public const string KeyBlobName = "keys/listing-cursor.key";

    private const int MacLength = 32;

    /// <summary>Row keys are 20 characters plus a slug of at most 120; anything much longer is not a cursor.</summary>
    private const int MaxCursorLength = 512;

    private readonly Lock _gate = new();
    private Task<byte[]>? _key;

    public async Task<string> EncodeAsync(string listing, string rowKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rowKey);
        var key = Encoding.UTF8.GetBytes(rowKey);
        var mac = Sign(await KeyAsync(cancellationToken), listing, key);
        return Base64Url.EncodeToString([.. key, .. mac]);
    }

    /// <summary>The row key a cursor stands for, or null when it is not a cursor this app issued for <paramref name="listing"/>.</summary>
    public async Task<string?> DecodeAsync(string listing, string cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        if (cursor.Length is 0 or > MaxCursorLength || !Base64Url.IsValid(cursor))
        {
            return null;
        }

        var secret = await KeyAsync(cancellationToken);
        return Verify(secret, listing, Base64Url.DecodeFromChars(cursor));
    }

    private static string? Verify(byte[] secret, string listing, byte[] bytes)
    {
        if (bytes.Length <= MacLength)
        {
            return null;
        }

        var key = bytes.AsSpan(0, bytes.Length - MacLength);
        var expected = Sign(secret, listing, key);
        return CryptographicOperations.FixedTimeEquals(expected, bytes.AsSpan(bytes.Length - MacLength))
            ? Encoding.UTF8.GetString(key)
            : null;
    }

    private static byte[] Sign(byte[] secret, string listing, ReadOnlySpan<byte> rowKey)
    {
        // Length-prefixed, so ("ab", "c") and ("a", "bc") sign differently.
        var name = Encoding.UTF8.GetBytes(listing);
        byte[] message = [.. BitConverter.GetBytes(name.Length), .. name, .. rowKey];
        return HMACSHA256.HashData(secret, message);
    }

    private Task<byte[]> KeyAsync(CancellationToken cancellationToken)
    {
        var key = _key;
        if (key is not { IsCompletedSuccessfully: true })
        {
            lock (_gate)
            {
                if (_key is null || _key.IsFaulted || _key.IsCanceled)
                {
                    _key = LoadOrCreateKeyAsync();
                }

                key = _key;
            }
        }

        return key.WaitAsync(cancellationToken);
    }

    private async Task<byte[]> LoadOrCreateKeyAsync()
    {
        var blob = storage.Locks.GetBlobClient(KeyBlobName);
        try
        {
            return (await blob.DownloadContentAsync()).Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.IsNotFound())
        {
            // First use: create it below.
        }

        await storage.EnsureCreatedAsync(CancellationToken.None);
        try
        {
            var fresh = RandomNumberGenerator.GetBytes(32);
            await blob.UploadAsync(
                BinaryData.FromBytes(fresh),
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } });
            return fresh;
        }
        catch (RequestFailedException e) when (e.IsConflict() || e.IsPreconditionFailed())
        {
            // Another instance created it first: use theirs.
            return (await blob.DownloadContentAsync()).Value.Content.ToArray();
        }
    }
}
