namespace Publishing.Articles;

/// <summary>Turns tag names as editors write them into distinct tags.</summary>
public static class DistinctTags
{
    /// <summary>Trimmed names, each once by slug (the first spelling wins); names with no slug are dropped.</summary>
    public static IReadOnlyList<Tag> From(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var tags = new List<Tag>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in names)
        {
            var name = raw.Trim();
            var slug = Slug.From(name);
            if (slug.Length > 0 && seen.Add(slug))
            {
                tags.Add(new Tag(slug, name));
            }
        }

        return tags;
    }

    /// <summary>Splits a comma-separated line such as <c>Russia, diplomacy</c>.</summary>
    public static IReadOnlyList<Tag> FromCommaSeparated(string line) => From(line.Split(','));
}
