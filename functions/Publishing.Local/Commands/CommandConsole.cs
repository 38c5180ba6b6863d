using System.Globalization;
using Spectre.Console;

namespace Publishing.Local.Commands;

/// <summary>How a line reads on a terminal: the colour of an outcome. Plain output ignores it.</summary>
internal enum Tone
{
    Normal,
    Good,
    Warning,
    Bad,
}

/// <summary>
/// Where a command writes. On a terminal: live progress bars and colour (Spectre.Console). Anywhere else (CI,
/// output redirected to a file, a test): plain lines, no animation and no escape codes, with a progress line for
/// each unfinished bar every <see cref="PlainProgressEvery"/>.
/// </summary>
internal sealed class CommandConsole
{
    public static readonly TimeSpan PlainProgressEvery = TimeSpan.FromSeconds(10);

    private readonly IAnsiConsole? _terminal;
    private readonly TextWriter _plain;
    private readonly Lock _writing = new();

    private CommandConsole(IAnsiConsole? terminal, TextWriter plain)
    {
        _terminal = terminal;
        _plain = plain;
    }

    /// <summary>Live bars only on an interactive terminal that takes ANSI codes, never in CI or when output is redirected.</summary>
    public bool IsTerminal => _terminal is not null;

    /// <summary>The process's standard output, live when it is an interactive terminal.</summary>
    public static CommandConsole ForProcess()
    {
        if (Console.IsOutputRedirected
            || Environment.GetEnvironmentVariable("CI") is { Length: > 0 }
            || Environment.GetEnvironmentVariable("TERM") is "dumb")
        {
            return new CommandConsole(null, Console.Out);
        }

        var terminal = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        return terminal.Profile.Capabilities is { Interactive: true, Ansi: true }
            ? new CommandConsole(terminal, Console.Out)
            : new CommandConsole(null, Console.Out);
    }

    /// <summary>Plain lines into <paramref name="writer"/>, as in CI.</summary>
    public static CommandConsole Plain(TextWriter writer) => new(null, writer);

    public void WriteLine(string text, Tone tone = Tone.Normal)
    {
        if (_terminal is null)
        {
            lock (_writing)
            {
                _plain.WriteLine(text);
            }

            return;
        }

        var color = tone switch
        {
            Tone.Good => "green",
            Tone.Warning => "yellow",
            Tone.Bad => "red",
            _ => null,
        };
        _terminal.MarkupLine(color is null ? Markup.Escape(text) : $"[{color}]{Markup.Escape(text)}[/]");
    }

    /// <summary>
    /// Runs <paramref name="work"/> with progress bars it adds as it goes: drawn live on a terminal (and cleared at
    /// the end, the command's summary follows), reported as plain lines now and then elsewhere.
    /// </summary>
    public async Task<T> WithProgressAsync<T>(Func<ProgressBars, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (_terminal is not null)
        {
            return await _terminal.Progress()
                .AutoClear(true)
                .HideCompleted(false)
                .Columns(
                    new TaskDescriptionColumn { Alignment = Justify.Left },
                    new ProgressBarColumn(),
                    new PercentageColumn(),
                    new ElapsedTimeColumn(),
                    new SpinnerColumn())
                .StartAsync(context => work(new ProgressBars(this, context)));
        }

        var bars = new ProgressBars(this, null);
        using var stop = new CancellationTokenSource();
        var reporter = ReportPlainlyAsync(bars, stop.Token);
        try
        {
            return await work(bars);
        }
        finally
        {
            await stop.CancelAsync();
            await reporter;
        }
    }

    private async Task ReportPlainlyAsync(ProgressBars bars, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(PlainProgressEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                foreach (var bar in bars.Unfinished())
                {
                    WriteLine(bar.PlainLine());
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The work is over; its summary follows.
        }
    }
}

/// <summary>The bars of one <see cref="CommandConsole.WithProgressAsync"/>.</summary>
internal sealed class ProgressBars
{
    private readonly CommandConsole _console;
    private readonly ProgressContext? _live;
    private readonly List<ProgressBar> _bars = [];
    private readonly Lock _adding = new();

    internal ProgressBars(CommandConsole console, ProgressContext? live)
    {
        _console = console;
        _live = live;
    }

    /// <param name="label">What is being done (<c>Uploading</c>).</param>
    /// <param name="total">How much there is to do, in <paramref name="unit"/>s.</param>
    public ProgressBar Add(string label, double total, string unit)
    {
        var bar = new ProgressBar(label, total, unit, _live?.AddTask(Markup.Escape(label), maxValue: Math.Max(total, double.Epsilon)));
        lock (_adding)
        {
            _bars.Add(bar);
        }

        return bar;
    }

    /// <summary>A line for the console while a bar runs, e.g. a retry notice; above the bars on a terminal.</summary>
    public void WriteLine(string text, Tone tone = Tone.Normal) => _console.WriteLine(text, tone);

    internal IReadOnlyList<ProgressBar> Unfinished()
    {
        lock (_adding)
        {
            return [.. _bars.Where(b => !b.IsFinished)];
        }
    }
}

/// <summary>One step's progress: a count of <see cref="Unit"/>s out of <see cref="Total"/>. Thread-safe.</summary>
internal sealed class ProgressBar
{
    private readonly ProgressTask? _task;
    private readonly long _started = System.Diagnostics.Stopwatch.GetTimestamp();
    private readonly Lock _updating = new();
    private double _value;
    private bool _finished;

    internal ProgressBar(string label, double total, string unit, ProgressTask? task)
    {
        Label = label;
        Total = total;
        Unit = unit;
        _task = task;
        Describe();
    }

    public string Label { get; }

    public double Total { get; }

    public string Unit { get; }

    public double Value
    {
        get
        {
            lock (_updating)
            {
                return _value;
            }
        }

        set
        {
            lock (_updating)
            {
                _value = Math.Min(value, Total);
                _task?.Value = _value;
                Describe();
            }
        }
    }

    public bool IsFinished
    {
        get
        {
            lock (_updating)
            {
                return _finished;
            }
        }
    }

    public void Advance(double by = 1)
    {
        lock (_updating)
        {
            Value = _value + by;
        }
    }

    /// <summary>Done (or given up on): the bar stops, and plain output stops mentioning it.</summary>
    public void Finish()
    {
        lock (_updating)
        {
            _finished = true;
            _task?.StopTask();
        }
    }

    internal string PlainLine() => string.Create(CultureInfo.InvariantCulture,
        $"  {Label}: {Value:#,0.#}/{Total:#,0.#} {Unit} ({(Total <= 0 ? 100 : 100 * Value / Total):0} %), {System.Diagnostics.Stopwatch.GetElapsedTime(_started).TotalSeconds:0} s");

    private void Describe() => _task?.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
        $"{Label} {_value:#,0.#}/{Total:#,0.#} {Unit}"));
}
