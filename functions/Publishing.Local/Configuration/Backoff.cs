namespace Publishing.Local.Configuration;

/// <summary>Delays that double after each failure, from a first delay up to a ceiling.</summary>
internal static class Backoff
{
    /// <summary>The delay after the <paramref name="failures"/>th failure in a row: <paramref name="first"/>, then twice as long each time, at most <paramref name="max"/>.</summary>
    public static TimeSpan Doubling(TimeSpan first, TimeSpan max, int failures)
    {
        var exponent = Math.Clamp(failures - 1, 0, 20);
        var delay = TimeSpan.FromTicks(first.Ticks * (1L << exponent));
        return delay > max ? max : delay;
    }
}
