namespace Publishing.Storage;

/// <summary>The naming rules of Azure Storage, for validating the names the app is configured with.</summary>
public static class StorageNames
{
    /// <summary>Blob containers and queues: 3-63 lower-case letters, digits and single hyphens.</summary>
    public const string ContainerOrQueue = "^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$";

    /// <summary>Tables: 3-63 letters and digits, starting with a letter.</summary>
    public const string Table = "^[A-Za-z][A-Za-z0-9]{2,62}$";
}
