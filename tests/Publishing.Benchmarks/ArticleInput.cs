using System.Globalization;

namespace Publishing.Benchmarks;

/// <summary>An article file from <c>Articles/</c>, read once; the results table names it by file name and size.</summary>
public sealed class ArticleInput(string fileName)
{
    public string FileName { get; } = fileName;

    public byte[] Bytes { get; } = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Articles", fileName));

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{FileName} ({Bytes.Length / 1024.0:0.0} KB)");
}
