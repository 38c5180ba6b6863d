namespace Publishing.IntegrationTests.Telemetry;

/// <summary>Not run beside other tests: the SDK's meter listener hears every <c>Publishing</c> meter in the process.</summary>
[CollectionDefinition(nameof(SerialTelemetryTests), DisableParallelization = true)]
public sealed class SerialTelemetryTests;
