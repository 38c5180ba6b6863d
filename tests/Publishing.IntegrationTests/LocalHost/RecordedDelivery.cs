using System.Text.Json;

namespace Publishing.IntegrationTests.LocalHost;

/// <summary>One POST the relay made to a blob webhook, as the host received it.</summary>
internal sealed record RecordedDelivery(string FunctionName, string EventType, string DeliveryCount, JsonElement Events)
{
    public JsonElement Event => Events.EnumerateArray().Single();
}
