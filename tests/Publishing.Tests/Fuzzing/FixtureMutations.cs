using System.Text;
using CsCheck;

namespace Publishing.Tests.Fuzzing;

/// <summary>The real fixture files, damaged: bytes flipped, hostile snippets inserted, lines duplicated, the file cut short.</summary>
public static class FixtureMutations
{
    /// <summary>Every fixture under <c>Articles/Files</c>, <c>Articles/Samples</c> and <c>Articles/Pages</c>, as dropped.</summary>
    public static IReadOnlyList<FuzzInput> Fixtures { get; } =
        new[] { "Files", "Samples", "Pages" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "Articles", folder)))
            .Order(StringComparer.Ordinal)
            .Select(path => new FuzzInput(Path.GetFileName(path), File.ReadAllBytes(path)))
            .ToList();

    private static readonly string[] Snippets =
    [
        "\n---\n", "---\n", "\ntitle: \"\\ud800\"\n", "\ntags: [&a [*a]]\n", "\nx: &a [*a]\n", "\n? &k [*k]\n: v\n", "\x00", "\u0001", "\u202E",
        "\uFFFE", "\r", "\r\n", "\n# \n", "\n> > > > > > > > x\n", "[[[[[[[[[[", "{{{{{{{{", "****____", "&#xD800;", "&#1;",
        "[x](javascript:alert(1))", "![x](data:text/html,<script>)", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
        "\ntags: " + string.Join(", ", Enumerable.Range(0, 50).Select(i => $"t{i}")) + "\n", "\nTags: a, b\n", "\nComments (2)\n",
        "\ndate: 0001-01-01T00:00:00+14:00\n", "\ndraft: maybe\n", "\n|a|b|\n|-|-|\n", "[^1]\n\n[^1]: x\n", "\"", "'", ":", "- ", "!!binary ",
    ];

    private delegate byte[] Mutation(byte[] content, int position, int choice);

    private static readonly Mutation[] Mutations =
    [
        (content, position, choice) =>
        {
            var copy = content.ToArray();
            if (copy.Length > 0)
            {
                copy[position % copy.Length] ^= (byte)(1 << (choice % 8));
            }

            return copy;
        },
        (content, position, choice) => Insert(content, position, Encoding.UTF8.GetBytes(Snippets[choice % Snippets.Length])),
        (content, position, choice) => Insert(content, position, [(byte)(choice % 256)]),
        (content, position, _) => content[..Clamp(position, content)],
        (content, position, choice) =>
        {
            var start = Clamp(position, content);
            var end = Clamp(start + 1 + (choice % 64), content);
            return [.. content[..start], .. content[end..]];
        },
        (content, position, choice) =>
        {
            // A line repeated: duplicate keys, repeated headings, repeated fences.
            var lines = SplitLines(content);
            if (lines.Count == 0)
            {
                return content;
            }

            var line = lines[position % lines.Count];
            var copies = 1 + (choice % 8);
            for (var i = 0; i < copies; i++)
            {
                lines.Insert(position % lines.Count, line);
            }

            return [.. lines.SelectMany(l => l)];
        },
    ];

    public static readonly Gen<FuzzInput> Mutated =
        from fixture in Gen.Int[0, Fixtures.Count - 1].Select(i => Fixtures[i])
        from steps in Gen.Select(Gen.Int[0, Mutations.Length - 1], Gen.Int[0, 1 << 20], Gen.Int[0, 1 << 20]).Array[1, 4]
        from rename in Gen.Frequency((6, Gen.Const((string?)null)), (1, Gen.OneOf<string?>(".md", ".txt")))
        select new FuzzInput(
            rename is null ? fixture.Name : Path.ChangeExtension(fixture.Name, rename),
            steps.Aggregate(fixture.Content, (content, step) => Mutations[step.Item1](content, step.Item2, step.Item3)));

    private static byte[] Insert(byte[] content, int position, byte[] snippet)
    {
        var at = Clamp(position, content);
        return [.. content[..at], .. snippet, .. content[at..]];
    }

    private static int Clamp(int position, byte[] content) => content.Length == 0 ? 0 : position % (content.Length + 1);

    private static List<byte[]> SplitLines(byte[] content)
    {
        var lines = new List<byte[]>();
        var start = 0;
        for (var i = 0; i < content.Length; i++)
        {
            if (content[i] == (byte)'\n')
            {
                lines.Add(content[start..(i + 1)]);
                start = i + 1;
            }
        }

        if (start < content.Length)
        {
            lines.Add(content[start..]);
        }

        return lines;
    }
}
