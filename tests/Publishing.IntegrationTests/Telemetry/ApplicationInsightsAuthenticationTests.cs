using Azure.Identity;
using Publishing.Functions.Telemetry;

namespace Publishing.IntegrationTests.Telemetry;

public sealed class ApplicationInsightsAuthenticationTests
{
    [Theory]
    [InlineData("Authorization=AAD")]
    [InlineData("ClientId=3f2504e0-4f89-11d3-9a0c-0305e82c3301;Authorization=AAD")]
    [InlineData(" authorization = aad ; clientid = 3f2504e0-4f89-11d3-9a0c-0305e82c3301 ")]
    public void An_AAD_authentication_string_gives_a_managed_identity_credential(string value) =>
        Assert.IsType<ManagedIdentityCredential>(ApplicationInsightsAuthentication.CredentialFor(value));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void No_authentication_string_gives_no_credential(string? value) =>
        Assert.Null(ApplicationInsightsAuthentication.CredentialFor(value));

    [Theory]
    [InlineData("ClientId=3f2504e0-4f89-11d3-9a0c-0305e82c3301", "no 'Authorization=AAD'")]
    [InlineData("Authorization=Key", "no 'Authorization=AAD'")]
    [InlineData("Authorization=AAD;ClientId=my-identity", "is not a GUID")]
    [InlineData("AAD", "is not key=value")]
    public void A_malformed_authentication_string_stops_the_app_saying_what_is_wrong(string value, string why)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ApplicationInsightsAuthentication.CredentialFor(value));

        Assert.Contains(ApplicationInsightsAuthentication.Setting, error.Message, StringComparison.Ordinal);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }
}
