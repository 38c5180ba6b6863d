using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Publishing.Local.Configuration;

namespace Publishing.Local.Worker;

/// <summary>
/// How the local host runs the function app's worker process, bound from the <c>Worker</c> section
/// (<c>Worker__AppDirectory</c> in the environment, or <c>--Worker:AppDirectory</c> on the command line).
/// </summary>
internal sealed class WorkerOptions
{
    public const string SectionName = "Worker";

    /// <summary>
    /// The function app's build output: its <c>worker.config.json</c>, <c>functions.metadata</c>, host.json and
    /// assembly. By default the build of <c>functions/Publishing.Functions</c> in this host's own configuration.
    /// </summary>
    public string AppDirectory { get; set; } = BuiltFunctionApp;

    /// <summary>From starting the process to every function loaded; longer means the worker is stuck.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a request waits for a worker that is starting or restarting before it is answered 503 with
    /// Retry-After: long enough to ride out a restart, short enough that a client never hangs.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan ReadyWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Wait before restarting a worker that exited; doubled after each restart that does not last.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RestartDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan MaxRestartDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the worker gets to finish its invocations after <c>WorkerTerminate</c> before its process tree is ended.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest an HTTP invocation may run, as the Functions host's 230 s front-end limit in Azure.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan HttpTimeout { get; set; } = TimeSpan.FromSeconds(230);

    public TimeSpan RestartDelayAfter(int failedStarts) => Backoff.Doubling(RestartDelay, MaxRestartDelay, failedStarts);

    private static string BuiltFunctionApp =>
        typeof(WorkerOptions).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "FunctionAppOutput")?.Value
        ?? Path.Combine(AppContext.BaseDirectory, "FunctionApp");
}
