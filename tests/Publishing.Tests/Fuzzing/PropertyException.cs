namespace Publishing.Tests.Fuzzing;

/// <summary>A generated file broke one of the oracle's properties.</summary>
public sealed class PropertyException : Exception
{
    public PropertyException()
    {
    }

    public PropertyException(string message)
        : base(message)
    {
    }

    public PropertyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
