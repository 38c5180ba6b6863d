namespace Publishing.Functions.Telemetry;

/// <summary>
/// Where the worker's telemetry goes besides Application Insights, from the <c>Telemetry</c> section
/// (<c>Telemetry__Exporter</c>). Off unless set: a developer turns it on to watch the app without Azure.
/// </summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary><c>None</c> (the default), <c>Console</c> (the worker's output) or <c>Otlp</c> (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, by default <c>http://localhost:4317</c>).</summary>
    public TelemetryExporter Exporter { get; set; } = TelemetryExporter.None;
}

public enum TelemetryExporter
{
    None,

    /// <summary>Spans and metrics written to the worker's console (which the local host shows in its own).</summary>
    Console,

    /// <summary>Traces, metrics and logs sent over OTLP, to a collector or the Aspire dashboard, configured by the standard <c>OTEL_EXPORTER_OTLP_*</c> variables.</summary>
    Otlp,
}
