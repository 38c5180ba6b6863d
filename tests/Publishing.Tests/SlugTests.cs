using Publishing.Articles;

namespace Publishing.Tests;

public sealed class SlugTests
{
    [Theory]
    [InlineData("Lavrov talks", "lavrov-talks")]
    [InlineData("Crème Brûlée à la Française", "creme-brulee-a-la-francaise")]
    [InlineData("Straße in Łódź", "strasse-in-lodz")]
    [InlineData("Søren Kierkegaard & Æsop", "soren-kierkegaard-aesop")]
    [InlineData("  --Hello,   World!--  ", "hello-world")]
    [InlineData("ＦＵＬＬ ｗｉｄｔｈ ２０２５", "full-width-2025")]
    [InlineData("C# / .NET 10", "c-net-10")]
    [InlineData("\ud800 lone surrogate \udc00", "lone-surrogate")]
    [InlineData("Лавров: переговоры в Женеве", "lavrov-peregovory-v-zheneve")]
    [InlineData("Объявление Щукина", "obyavlenie-shchukina")]
    [InlineData("Україна і Європа", "ukrayina-i-yevropa")]
    public void Slug_folds_diacritics_and_joins_words_with_single_hyphens(string text, string expected) =>
        Assert.Equal(expected, Slug.From(text));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("!!! ???")]
    [InlineData("中文")]
    public void Text_without_foldable_letters_gives_an_empty_slug(string text) => Assert.Equal("", Slug.From(text));

    [Theory]
    [InlineData("2025/05/lavrov-talks.md", "lavrov-talks")]
    [InlineData("Über uns.markdown", "uber-uns")]
    [InlineData("wire/AFP story.txt", "afp-story")]
    public void File_name_slug_uses_the_last_segment_without_extension(string name, string expected) =>
        Assert.Equal(expected, Slug.FromFileName(name));

    [Fact]
    public void Long_text_is_cut_at_a_hyphen_within_the_limit()
    {
        var slug = Slug.From(string.Join(' ', Enumerable.Repeat("word", 60)));
        Assert.True(slug.Length <= Slug.MaxLength);
        Assert.EndsWith("word", slug, StringComparison.Ordinal);
    }
}
