using System.Text;
using Publishing.Publication;

namespace Publishing.Tests.Publishing;

/// <summary>What the deletion function makes of a message on its queue: Event Grid's events, and anything else anyone wrote there.</summary>
public sealed class BlobDeletedEventTests
{
    private const string Container = "articles";

    private static string Event(string eventType = BlobDeletedEvent.EventType, string subject = "/blobServices/default/containers/articles/blobs/2025/05/talks.md") =>
        $$$$"""
        {"id":"1","topic":"/subscriptions/x/resourceGroups/y/providers/Microsoft.Storage/storageAccounts/z","subject":"{{{{subject}}}}",
         "eventType":"{{{{eventType}}}}","eventTime":"2026-11-30T10:00:00Z","dataVersion":"","metadataVersion":"1",
         "data":{"api":"DeleteBlob","requestId":"r","contentType":"text/markdown","blobType":"BlockBlob","url":"https://z.blob.core.windows.net/articles/2025/05/talks.md","sequencer":"000000000000000000000000000073e3","storageDiagnostics":{"batchId":"b"}}}
        """;

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void A_BlobDeleted_event_names_the_deleted_blob_with_its_folders()
    {
        var parsed = Assert.IsType<BlobDeletedEventParse.Deleted>(BlobDeletedEvent.Parse(Event(), Container));

        Assert.Equal("2025/05/talks.md", parsed.Event.BlobName);
        Assert.Equal("000000000000000000000000000073e3", parsed.Event.Sequencer);
    }

    [Fact]
    public void A_Base64_encoded_event_as_Event_Grid_writes_queue_messages_is_read_the_same()
    {
        var parsed = Assert.IsType<BlobDeletedEventParse.Deleted>(BlobDeletedEvent.Parse(Base64(Event()), Container));

        Assert.Equal("2025/05/talks.md", parsed.Event.BlobName);
    }

    [Fact]
    public void An_array_of_one_event_is_read_as_that_event()
    {
        Assert.IsType<BlobDeletedEventParse.Deleted>(BlobDeletedEvent.Parse("[" + Event() + "]", Container));
    }

    [Fact]
    public void Another_event_type_is_ignored()
    {
        Assert.IsType<BlobDeletedEventParse.Ignored>(BlobDeletedEvent.Parse(Event(eventType: "Microsoft.Storage.BlobCreated"), Container));
    }

    [Theory]
    [InlineData("/blobServices/default/containers/site/blobs/articles/x.html")]
    [InlineData("/blobServices/default/containers/articles-old/blobs/x.md")]
    [InlineData("/blobServices/default/containers/articles")]
    public void A_blob_outside_the_watched_container_is_ignored(string subject)
    {
        Assert.IsType<BlobDeletedEventParse.Ignored>(BlobDeletedEvent.Parse(Event(subject: subject), Container));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("hello")]
    [InlineData("{not json")]
    [InlineData("[]")]
    [InlineData("[1,2]")]
    [InlineData("42")]
    [InlineData("\"a string\"")]
    [InlineData("{}")]
    [InlineData("{\"eventType\":7,\"subject\":\"x\"}")]
    [InlineData("{\"eventType\":\"Microsoft.Storage.BlobDeleted\",\"subject\":\"/blobServices/default/containers/articles/blobs/\"}")]
    [InlineData("{\"eventType\":\"Microsoft.Storage.BlobDeleted\",\"subject\":\"/blobServices/default/containers/articles/blobs/a\\u0000b\"}")]
    public void A_message_that_is_not_an_event_is_invalid_not_an_exception(string message)
    {
        Assert.IsType<BlobDeletedEventParse.Invalid>(BlobDeletedEvent.Parse(message, Container));
    }

    [Fact]
    public void Base64_of_something_other_than_JSON_is_invalid()
    {
        Assert.IsType<BlobDeletedEventParse.Invalid>(BlobDeletedEvent.Parse(Base64("just text"), Container));
        Assert.IsType<BlobDeletedEventParse.Invalid>(BlobDeletedEvent.Parse(Convert.ToBase64String([0xFF, 0xFE, 0x7B, 0x00]), Container));
    }

    [Fact]
    public void Deeply_nested_JSON_is_invalid_without_being_walked()
    {
        var deep = new string('[', 10_000) + new string(']', 10_000);

        Assert.IsType<BlobDeletedEventParse.Invalid>(BlobDeletedEvent.Parse(deep, Container));
    }

    [Fact]
    public void A_message_longer_than_a_queue_message_can_be_is_invalid()
    {
        var padded = Event().Replace("\"id\":\"1\"", "\"id\":\"" + new string('x', BlobDeletedEvent.MaxMessageLength) + "\"", StringComparison.Ordinal);

        Assert.IsType<BlobDeletedEventParse.Invalid>(BlobDeletedEvent.Parse(padded, Container));
    }

    [Fact]
    public void A_blob_name_longer_than_storage_allows_is_invalid()
    {
        var subject = "/blobServices/default/containers/articles/blobs/" + new string('a', BlobDeletedEvent.MaxBlobNameLength + 1);

        Assert.IsType<BlobDeletedEventParse.Invalid>(BlobDeletedEvent.Parse(Event(subject: subject), Container));
    }
}
