namespace Publishing.Comments;

/// <summary>What <see cref="CommentValidator"/> made of a post: a comment to store, or which field is wrong and why.</summary>
public abstract record CommentValidation
{
    private CommentValidation()
    {
    }

    public sealed record Valid(NewComment Comment) : CommentValidation;

    public sealed record Invalid(string Field, string Detail) : CommentValidation;
}

/// <summary>The comment rules: an author of 1..80 characters on one line, a plain-text body of 1..5,000 characters.</summary>
public static class CommentValidator
{
    public const int MaxAuthorLength = 80;

    public const int MaxBodyLength = 5000;

    public static CommentValidation Validate(string? author, string? body)
    {
        var name = author?.Trim() ?? "";
        if (name.Length == 0)
        {
            return new CommentValidation.Invalid("author", "'author' is required: the name to show with the comment.");
        }

        if (name.Length > MaxAuthorLength)
        {
            return new CommentValidation.Invalid("author", $"'author' is {name.Length} characters long; at most {MaxAuthorLength} are allowed.");
        }

        if (name.Any(char.IsControl))
        {
            return new CommentValidation.Invalid("author", "'author' must be one line without control characters.");
        }

        // Line breaks are kept, whatever the client sent them as.
        var text = (body ?? "").ReplaceLineEndings("\n").Trim();
        if (text.Length == 0)
        {
            return new CommentValidation.Invalid("body", "'body' is required: the text of the comment.");
        }

        if (text.Length > MaxBodyLength)
        {
            return new CommentValidation.Invalid("body", $"'body' is {text.Length} characters long; at most {MaxBodyLength} are allowed.");
        }

        if (text.Any(c => char.IsControl(c) && c is not '\n' and not '\t'))
        {
            return new CommentValidation.Invalid("body", "'body' must be plain text without control characters.");
        }

        return new CommentValidation.Valid(new NewComment(name, text));
    }
}
