using System.Text;

namespace Publishing.Tests.Fuzzing;

/// <summary>A file as dropped: its blob name and its bytes.</summary>
public sealed record FuzzInput(string Name, byte[] Content)
{
    public FuzzInput(string name, string text)
        : this(name, Encoding.UTF8.GetBytes(text))
    {
    }

    public override string ToString()
    {
        var text = Encoding.UTF8.GetString(Content);
        var preview = text.Length > 400 ? text[..400] + $"… ({text.Length - 400} more characters)" : text;
        return $"{Name} ({Content.Length} bytes): {Escape(preview)}";
    }

    /// <summary>The text with control, format and surrogate characters written as \uXXXX, so a failure message shows them.</summary>
    public static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c == '\n')
            {
                escaped.Append("\\n");
            }
            else if (char.IsControl(c) || char.IsSurrogate(c) || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Format or System.Globalization.UnicodeCategory.OtherNotAssigned)
            {
                escaped.Append($"\\u{(int)c:X4}");
            }
            else
            {
                escaped.Append(c);
            }
        }

        return escaped.ToString();
    }
}
