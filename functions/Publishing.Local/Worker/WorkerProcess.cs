using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Publishing.Local.Worker;

/// <summary>What a worker process is started with: the app folder, the host's gRPC address, and the app settings.</summary>
internal sealed record WorkerLaunch(string AppDirectory, Uri HostUri, string WorkerId, IReadOnlyDictionary<string, string> Environment);

/// <summary>
/// One run of the function app's worker process, started as the Functions host starts it: the command from the
/// app's <c>worker.config.json</c>, the four switches worker 2.x reads, and the app settings as environment
/// variables (as Core Tools passes <c>local.settings.json</c>). Its console output goes to the host's log.
/// </summary>
internal sealed partial class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly ILogger _logger;

    private WorkerProcess(Process process, ILogger logger)
    {
        _process = process;
        _logger = logger;
        Id = process.Id;
        Exited = WaitForExitAsync();
    }

    public int Id { get; }

    /// <summary>Completes with the exit code when the process ends, however it ends.</summary>
    public Task<int> Exited { get; }

    public static WorkerProcess Start(WorkerLaunch launch, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var (executable, workerPath) = ReadWorkerConfig(launch.AppDirectory);
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = launch.AppDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        if (workerPath is not null)
        {
            start.ArgumentList.Add(workerPath);
        }

        start.ArgumentList.Add("--functions-uri");
        start.ArgumentList.Add(launch.HostUri.ToString());
        start.ArgumentList.Add("--functions-worker-id");
        start.ArgumentList.Add(launch.WorkerId);
        start.ArgumentList.Add("--functions-request-id");
        start.ArgumentList.Add(launch.WorkerId);
        start.ArgumentList.Add("--functions-grpc-max-message-length");
        start.ArgumentList.Add(int.MaxValue.ToString(CultureInfo.InvariantCulture));

        // The worker picks its own HTTP port; addresses meant for the host must not reach its Kestrel.
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment.Remove("ASPNETCORE_HTTP_PORTS");
        start.Environment.Remove("ASPNETCORE_HTTPS_PORTS");
        start.Environment.Remove("DOTNET_URLS");
        foreach (var (name, value) in launch.Environment)
        {
            start.Environment[name] = value;
        }

        start.Environment["FUNCTIONS_WORKER_DIRECTORY"] = launch.AppDirectory;
        start.Environment["FUNCTIONS_APPLICATION_DIRECTORY"] = launch.AppDirectory;

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            process.Dispose();
            throw new InvalidOperationException($"Could not start the worker '{executable} {workerPath}' in {launch.AppDirectory}: {e.Message}", e);
        }

        var worker = new WorkerProcess(process, logger);
        process.OutputDataReceived += (_, line) => worker.LogConsole(line.Data, isError: false);
        process.ErrorDataReceived += (_, line) => worker.LogConsole(line.Data, isError: true);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>Ends the worker and every process it started (a worker may spawn helpers), and waits for it.</summary>
    public async Task KillAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        await Exited;
    }

    public void Dispose() => _process.Dispose();

    private async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync();
        return _process.ExitCode;
    }

    /// <summary>The command of <c>worker.config.json</c>: <c>dotnet</c> and the app's assembly, or the app's own executable.</summary>
    private static (string Executable, string? WorkerPath) ReadWorkerConfig(string appDirectory)
    {
        var path = Path.Combine(appDirectory, "worker.config.json");
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"There is no function app in {appDirectory} (no worker.config.json). Build it first (dotnet build), or point Worker:AppDirectory at its build output.");
        }

        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var description = document.RootElement.GetProperty("description");
        var executable = description.TryGetProperty("defaultExecutablePath", out var e) ? e.GetString() : null;
        var workerPath = description.TryGetProperty("defaultWorkerPath", out var w) ? w.GetString() : null;
        if (string.IsNullOrEmpty(executable))
        {
            throw new InvalidOperationException($"{path} names no defaultExecutablePath.");
        }

        return (executable, string.IsNullOrEmpty(workerPath) ? null : Path.Combine(appDirectory, workerPath));
    }

    private void LogConsole(string? line, bool isError)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        if (isError)
        {
            LogStandardError(Id, line);
        }
        else
        {
            LogStandardOutput(Id, line);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "[worker {ProcessId}] {Line}")]
    private partial void LogStandardOutput(int processId, string line);

    [LoggerMessage(Level = LogLevel.Warning, Message = "[worker {ProcessId}] {Line}")]
    private partial void LogStandardError(int processId, string line);
}
