namespace Publishing.IntegrationTests.Infrastructure;

/// <summary>Which storage service a request went to.</summary>
public enum StorageService
{
    Other,
    Blob,
    Queue,
    Table,
}
