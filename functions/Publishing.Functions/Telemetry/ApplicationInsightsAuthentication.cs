using Azure.Core;
using Azure.Identity;

namespace Publishing.Functions.Telemetry;

/// <summary>
/// The credential the worker sends its telemetry with, from the setting the Functions host reads for the same
/// purpose (<c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c>): <c>Authorization=AAD</c> with the managed
/// identity's <c>ClientId=...</c> (a user-assigned identity, as infra/ deploys), or without it (system-assigned).
/// The Azure Monitor exporter does not read that setting itself; it takes a <see cref="TokenCredential"/>.
/// </summary>
internal static class ApplicationInsightsAuthentication
{
    public const string Setting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>The managed identity credential the string names; null when there is no string (the component takes its key).</summary>
    /// <exception cref="InvalidOperationException">The string is not <c>Authorization=AAD[;ClientId=...]</c>.</exception>
    public static TokenCredential? CredentialFor(string? authenticationString)
    {
        if (string.IsNullOrWhiteSpace(authenticationString))
        {
            return null;
        }

        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in authenticationString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (key, value) = part.Split('=', 2, StringSplitOptions.TrimEntries) is [var k, var v] ? (k, v) : throw Invalid($"'{part}' is not key=value");
            parts[key] = value;
        }

        if (!parts.TryGetValue("Authorization", out var authorization) || !authorization.Equals("AAD", StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid("it has no 'Authorization=AAD'");
        }

        if (!parts.TryGetValue("ClientId", out var clientId))
        {
            return new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
        }

        return Guid.TryParse(clientId, out _)
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : throw Invalid($"its ClientId '{clientId}' is not a GUID");
    }

    private static InvalidOperationException Invalid(string why) =>
        new($"{Setting} must be 'Authorization=AAD' or 'Authorization=AAD;ClientId=<the managed identity's client id>': {why}.");
}
