using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Publishing.Tests;

/// <summary>
/// How long an action keeps the calling thread busy: its CPU time on Linux, so that time the thread spends suspended
/// (another test's garbage collection, another process on the cores) does not count; wall time elsewhere. For tests
/// that compare the cost of two inputs, where a pause of the machine's would otherwise decide the ratio, and (linked
/// into the benchmarks) the <c>cpu</c> command.
/// </summary>
internal static class ThreadCpuTime
{
    public static TimeSpan Of(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (!OperatingSystem.IsLinux())
        {
            var stopwatch = Stopwatch.StartNew();
            action();
            return stopwatch.Elapsed;
        }

        var before = Now();
        action();
        return Now() - before;
    }

    /// <summary>The calling thread's CPU time so far (Linux only).</summary>
    public static TimeSpan Now()
    {
        const int ClockThreadCpuTimeId = 3;
        return clock_gettime(ClockThreadCpuTimeId, out var time) == 0
            ? TimeSpan.FromTicks((time.Seconds * TimeSpan.TicksPerSecond) + (time.Nanoseconds / 100))
            : throw new InvalidOperationException($"clock_gettime failed ({Marshal.GetLastPInvokeError()}); a thread's CPU time needs Linux");
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int clock_gettime(int clock, out TimeSpec time);
}
