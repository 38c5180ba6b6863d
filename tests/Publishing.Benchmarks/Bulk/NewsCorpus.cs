using System.Globalization;
using System.Text;

namespace Publishing.Benchmarks.Bulk;

/// <summary>One generated article file: its blob name and its bytes.</summary>
public sealed record CorpusFile(string Name, byte[] Content, IReadOnlyList<string> Tags);

/// <summary>
/// A deterministic corpus of news articles for bulk measurements: Markdown with front matter (title, date, author,
/// source, tags, summary), about 5.7 KB each, tags spread like real newsroom tags (Zipf over a vocabulary, with one
/// tag on about 40 % of the articles). The same seed and count give the same bytes on every machine, so figures from
/// different runs and helpers are about the same files. Write it to a folder with <c>bulk --write-corpus DIR</c>.
/// </summary>
public static class NewsCorpus
{
    /// <summary>The tag on about 40 % of the articles: the hot partition of every bulk run.</summary>
    public const string HotTag = "Politics";

    public const double HotTagShare = 0.4;

    public const int DefaultSeed = 20251130;

    private const int TargetBytes = 5_400;

    private static readonly string[] Words =
    [
        "government", "minister", "talks", "agreement", "officials", "said", "on", "the", "a", "of", "in", "to", "and",
        "market", "prices", "rose", "fell", "percent", "week", "year", "report", "according", "sources", "city", "council",
        "election", "vote", "parliament", "budget", "energy", "gas", "oil", "trade", "exports", "border", "security",
        "police", "court", "ruling", "judge", "appeal", "company", "shares", "investors", "bank", "rates", "inflation",
        "climate", "summit", "leaders", "statement", "spokesperson", "after", "before", "during", "while", "despite",
        "region", "residents", "hospital", "health", "schools", "teachers", "strike", "union", "workers", "wages",
        "weather", "storm", "flooding", "roads", "transport", "airport", "flights", "delays", "football", "season",
        "coach", "players", "match", "victory", "defeat", "festival", "film", "museum", "exhibition", "artists",
    ];

    private static readonly string[] Sources = ["Reuters", "AP", "AFP", "TASS", "Staff reporter", "BBC Monitoring"];

    private static readonly string[] Authors = ["Anna Petrova", "John Smith", "Marie Dubois", "Li Wei", "Carlos Ruiz", "Sara Nilsson"];

    /// <summary>The tag vocabulary, most used first after <see cref="HotTag"/>.</summary>
    public static IReadOnlyList<string> Tags { get; } = BuildTags();

    /// <summary>Generates <paramref name="count"/> articles from <paramref name="seed"/>.</summary>
    public static IReadOnlyList<CorpusFile> Generate(int count, int seed = DefaultSeed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var random = new Random(seed);
        var zipf = ZipfWeights(Tags.Count - 1);
        var start = new DateTimeOffset(2025, 1, 1, 6, 0, 0, TimeSpan.Zero);
        var files = new List<CorpusFile>(count);
        for (var i = 0; i < count; i++)
        {
            var tags = new List<string>();
            if (random.NextDouble() < HotTagShare)
            {
                tags.Add(HotTag);
            }

            var wanted = random.Next(2, 5);
            while (tags.Count < wanted)
            {
                var tag = Tags[1 + Pick(zipf, random)];
                if (!tags.Contains(tag))
                {
                    tags.Add(tag);
                }
            }

            var title = Title(random);
            var date = start.AddMinutes(i * 37 + random.Next(0, 30));
            var name = string.Create(CultureInfo.InvariantCulture, $"{date:yyyy/MM}/story-{i:D5}.md");
            files.Add(new CorpusFile(name, Encoding.UTF8.GetBytes(Article(random, title, date, tags)), tags));
        }

        return files;
    }

    /// <summary>Writes the corpus under <paramref name="folder"/>, keeping the blob names' folders.</summary>
    public static void WriteTo(string folder, IEnumerable<CorpusFile> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        foreach (var file in files)
        {
            var path = Path.Combine(folder, file.Name.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, file.Content);
        }
    }

    private static string Article(Random random, string title, DateTimeOffset date, IReadOnlyList<string> tags)
    {
        var text = new StringBuilder(TargetBytes + 512);
        text.Append("---\n")
            .Append("title: \"").Append(title).Append("\"\n")
            .Append("date: ").Append(date.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)).Append('\n')
            .Append("author: ").Append(Authors[random.Next(Authors.Length)]).Append('\n')
            .Append("source: ").Append(Sources[random.Next(Sources.Length)]).Append('\n')
            .Append("tags: [").AppendJoin(", ", tags).Append("]\n")
            .Append("summary: \"").Append(Sentence(random, 14, 22).TrimEnd('.')).Append(".\"\n")
            .Append("---\n\n");
        var section = 0;
        while (text.Length < TargetBytes)
        {
            if (section > 0 && random.Next(3) == 0)
            {
                text.Append("## ").Append(Capitalised(Sentence(random, 3, 6).TrimEnd('.'))).Append("\n\n");
            }

            var sentences = random.Next(3, 7);
            for (var s = 0; s < sentences; s++)
            {
                text.Append(Sentence(random, 10, 24)).Append(' ');
            }

            if (random.Next(6) == 0)
            {
                text.Append("More in [the report](https://example.com/reports/").Append(random.Next(1000, 9999)).Append("). ");
            }

            text.Length--;
            text.Append("\n\n");
            section++;
        }

        return text.ToString();
    }

    private static string Title(Random random) => Capitalised(Sentence(random, 5, 10).TrimEnd('.'));

    private static string Sentence(Random random, int min, int max)
    {
        var count = random.Next(min, max + 1);
        var words = new string[count];
        for (var i = 0; i < count; i++)
        {
            words[i] = Words[random.Next(Words.Length)];
        }

        return Capitalised(string.Join(' ', words)) + ".";
    }

    private static string Capitalised(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private static string[] BuildTags()
    {
        string[] topics =
        [
            "Economy", "Russia", "Diplomacy", "Energy", "Elections", "Climate", "Health", "Sport", "Culture", "Technology",
            "Europe", "Asia", "Africa", "Americas", "Middle East", "Courts", "Crime", "Transport", "Education", "Science",
        ];
        var tags = new List<string> { HotTag };
        tags.AddRange(topics);
        for (var i = 1; tags.Count < 200; i++)
        {
            tags.Add(string.Create(CultureInfo.InvariantCulture, $"Topic {i:D3}"));
        }

        return [.. tags];
    }

    /// <summary>Cumulative Zipf (s = 1) weights over <paramref name="n"/> ranks.</summary>
    private static double[] ZipfWeights(int n)
    {
        var cumulative = new double[n];
        var sum = 0.0;
        for (var rank = 1; rank <= n; rank++)
        {
            sum += 1.0 / rank;
            cumulative[rank - 1] = sum;
        }

        for (var i = 0; i < n; i++)
        {
            cumulative[i] /= sum;
        }

        return cumulative;
    }

    private static int Pick(double[] cumulative, Random random)
    {
        var index = Array.BinarySearch(cumulative, random.NextDouble());
        return Math.Min(index < 0 ? ~index : index, cumulative.Length - 1);
    }
}
