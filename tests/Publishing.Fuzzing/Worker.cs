// The oracle in a child process, so that what an input can do to a process (a stack overflow, an endless loop,
// memory without end) ends that process and not the test run: the parent sees a crash or a hang and starts another.
// Protocol: the parent writes frames (int32 name length, UTF-8 name, int32 content length, content) on stdin; the
// worker answers each with one JSON line on stdout, after a first "ready" line once it is warmed up.
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Publishing.Fuzzing;

/// <summary>What happened to one input: it held every property (<see cref="Verdict"/>), or it broke <see cref="ArticleProperty"/>.</summary>
/// <param name="Property">A <see cref="ArticleProperty"/> name, or <c>ProcessCrashed</c>, <c>Hang</c> or <c>OracleError</c>.</param>
public sealed record WorkerResult(string? Property, string Message, Verdict? Verdict)
{
    public bool Held => Property is null;

    public override string ToString() => Held ? $"held: {Verdict}" : $"{Property}: {Message}";

    /// <summary>What tells one failure from another: the property, and the exception type and where it was thrown, or the start of the reason.</summary>
    public string Signature
    {
        get
        {
            if (Held)
            {
                return "held";
            }

            var at = Message.IndexOf(" at ", StringComparison.Ordinal);
            var type = Message.IndexOf(':', StringComparison.Ordinal);
            var what = type > 0 && at > type && Message[..type].Contains('.', StringComparison.Ordinal)
                ? Message[..type] + Message[at..]
                : new string(Message.TakeWhile(c => !char.IsDigit(c) && c != '\'' && c != '(').Take(60).ToArray());
            return $"{Property}: {what.Trim()}";
        }
    }
}

public static class Worker
{
    public const string Ready = "ready";

    /// <summary>The worker's loop; returns when the parent closes stdin.</summary>
    public static int Serve(Stream input, Stream output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        using var reader = new BinaryReader(input);
        using var writer = new StreamWriter(output, new UTF8Encoding(false)) { AutoFlush = true };

        WarmUp();
        writer.WriteLine(Ready);
        while (true)
        {
            string name;
            byte[] content;
            try
            {
                name = Encoding.UTF8.GetString(reader.ReadBytes(reader.ReadInt32()));
                content = reader.ReadBytes(reader.ReadInt32());
            }
            catch (EndOfStreamException)
            {
                return 0;
            }

            WorkerResult result;
            try
            {
                result = new WorkerResult(null, "", ArticleOracle.Check(name, content));
            }
            catch (PropertyViolationException e)
            {
                result = new WorkerResult(e.Property.ToString(), e.Detail, null);
            }
#pragma warning disable CA1031 // A failure of the oracle itself is reported to the parent, which decides.
            catch (Exception e)
#pragma warning restore CA1031
            {
                result = new WorkerResult("OracleError", ArticleOracle.Describe(e), null);
            }

            writer.WriteLine(JsonSerializer.Serialize(result));
        }
    }

    /// <summary>JIT-compiles the parser, Markdig, YamlDotNet, AngleSharp and the sanitiser, whose time is not the first input's.</summary>
    public static void WarmUp()
    {
        var markdown = """
            ---
            title: Warm "up"
            tags: [a, "b c", [d]]
            author: A
            date: 2025-05-14T09:30:00+02:00
            extra: {k: [1, {m: n}], l: &x y, z: *x}
            ---
            # Warm

            Up *and* **[away](https://example.com "t")** ![i](http://x/i.png) <https://auto.example> www.example.com &amp; &#1;

            > quote
            > - list
            >   1. nested

            | a | b |
            |:-:|--:|
            | c | d |

            Note[^1]. ```code``` <b>raw</b>

            [^1]: foot
            """;
        var text = "Warm up\nReuters\n\nA paragraph.\n\nA heading\n\nAnother paragraph.\n\nTags: a, b\n";
        var warm = new OracleOptions(CheckTime: false);
        for (var i = 0; i < 3; i++)
        {
            ArticleOracle.Check("warm-up.md", Encoding.UTF8.GetBytes(markdown), warm);
            ArticleOracle.Check("warm-up.txt", Encoding.UTF8.GetBytes(text), warm);
            try
            {
                ArticleOracle.Check("warm-up.md", "---\ntitle: [\n---\n"u8.ToArray(), warm);
            }
            catch (PropertyViolationException)
            {
                // A parser that breaks a property on this is reported by the tests, not at start-up.
            }
        }
    }
}

/// <summary>
/// The parent's side: one worker process, restarted after a crash or a hang. Not thread-safe; use one per thread.
/// </summary>
public sealed class WorkerProcess : IDisposable
{
    // A bomb that would take the machine's memory takes the worker's instead, and ends as an OutOfMemoryException.
    private const string HeapHardLimit = "0x30000000";

    private readonly string _workerAssembly;
    private readonly StringBuilder _stderr = new();
    private Process? _process;

    public WorkerProcess(string workerAssembly) => _workerAssembly = workerAssembly;

    /// <summary>Runs one input; <paramref name="timeout"/> is how long it may take before it counts as a hang.</summary>
    public WorkerResult Run(string blobName, byte[] content, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(blobName);
        ArgumentNullException.ThrowIfNull(content);
        var process = _process ??= Start();
        string? line;
        try
        {
            var name = Encoding.UTF8.GetBytes(blobName);
            using (var frame = new BinaryWriter(process.StandardInput.BaseStream, Encoding.UTF8, leaveOpen: true))
            {
                frame.Write(name.Length);
                frame.Write(name);
                frame.Write(content.Length);
                frame.Write(content);
            }

            process.StandardInput.BaseStream.Flush();
            var read = process.StandardOutput.ReadLineAsync();
            if (!read.Wait(timeout))
            {
                Stop(kill: true);
                return new WorkerResult("Hang", $"no answer within {timeout.TotalSeconds:0.#} s; the worker was killed", null);
            }

            line = read.Result;
        }
        catch (IOException)
        {
            line = null; // the worker died while reading the input
        }

        if (line is null)
        {
            var exit = Stop(kill: false);
            return new WorkerResult("ProcessCrashed", $"the worker died (exit code {exit}): {StderrTail()}", null);
        }

        return JsonSerializer.Deserialize<WorkerResult>(line) ?? throw new InvalidOperationException($"unreadable answer from the worker: {line}");
    }

    public void Dispose() => Stop(kill: false);

    private Process Start()
    {
        lock (_stderr)
        {
            _stderr.Clear();
        }

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(_workerAssembly)!,
        };
        // The worker runs with the test host's dependencies: everything it needs is in the test output folder.
        var folder = Path.GetDirectoryName(_workerAssembly)!;
        var host = Directory.EnumerateFiles(folder, "*.runtimeconfig.json").FirstOrDefault(f => !f.EndsWith("Publishing.Fuzzing.runtimeconfig.json", StringComparison.Ordinal));
        start.ArgumentList.Add("exec");
        if (!File.Exists(Path.ChangeExtension(_workerAssembly, ".runtimeconfig.json")) && host is not null)
        {
            start.ArgumentList.Add("--runtimeconfig");
            start.ArgumentList.Add(host);
            start.ArgumentList.Add("--depsfile");
            start.ArgumentList.Add(Path.ChangeExtension(host, null).Replace(".runtimeconfig", "", StringComparison.Ordinal) + ".deps.json");
        }

        start.ArgumentList.Add(_workerAssembly);
        start.ArgumentList.Add("serve");
        start.Environment["DOTNET_GCHeapHardLimit"] = HeapHardLimit;
        start.Environment["DOTNET_gcServer"] = "0";
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the fuzzing worker");
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (_stderr)
            {
                _stderr.AppendLine(e.Data);
                if (_stderr.Length > 16_384)
                {
                    _stderr.Remove(0, _stderr.Length - 8192);
                }
            }
        };
        process.BeginErrorReadLine();
        var ready = process.StandardOutput.ReadLineAsync();
        if (!ready.Wait(TimeSpan.FromSeconds(60)) || ready.Result != Worker.Ready)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new InvalidOperationException($"the fuzzing worker did not start: {StderrTail()}");
        }

        return process;
    }

    private int? Stop(bool kill)
    {
        if (_process is not { } process)
        {
            return null;
        }

        _process = null;
        try
        {
            if (kill)
            {
                process.Kill(entireProcessTree: true);
            }
            else if (!process.HasExited)
            {
                process.StandardInput.Close();
                if (!process.WaitForExit(TimeSpan.FromSeconds(2)))
                {
                    process.Kill(entireProcessTree: true);
                }
            }

            process.WaitForExit();
            return process.ExitCode;
        }
        catch (IOException)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return process.ExitCode;
        }
        finally
        {
            process.Dispose();
        }
    }

    private string StderrTail()
    {
        lock (_stderr)
        {
            var lines = _stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return lines.Length == 0 ? "(nothing on stderr)" : string.Join(" | ", lines.Take(3).Concat(lines.Length > 6 ? ["…"] : []).Concat(lines.Skip(Math.Max(3, lines.Length - 3))));
        }
    }
}
