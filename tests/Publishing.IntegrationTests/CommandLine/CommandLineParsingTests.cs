using System.CommandLine;
using System.ComponentModel.DataAnnotations;
using Publishing.Comments;
using Publishing.Local;
using Publishing.Local.Commands;

namespace Publishing.IntegrationTests.CommandLine;

/// <summary>The tool's command line: each command's options, their defaults and ranges, and what it refuses. No storage, no host.</summary>
public sealed class CommandLineParsingTests
{
    private static readonly CommandContext Context = new() { Console = CommandConsole.Plain(TextWriter.Null) };

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static (RootCommand Root, ParseResult Parsed) Parse(params string[] args)
    {
        var root = LocalCommandLine.Create(Context);
        return (root, LocalCommandLine.Parse(root, args));
    }

    private static async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        var context = new CommandContext { Console = CommandConsole.Plain(output) };
        var exit = await LocalCommandLine.RunAsync(context, args, output, output, Cancellation);
        return (exit, output.ToString());
    }

    [Fact]
    public void Drop_takes_several_files_and_folders_with_its_defaults()
    {
        var (root, parsed) = Parse("drop", "a.md", "archive", "b.txt");

        var request = root.Subcommands.OfType<DropCommand>().Single().Read(parsed);

        Assert.Empty(parsed.Errors);
        Assert.Equal(["a.md", "archive", "b.txt"], request.Paths);
        Assert.Null(request.BlobName);
        Assert.False(request.Wait);
        Assert.Equal(8, request.Parallel);
        Assert.Equal(TimeSpan.FromSeconds(60), request.Timeout);
        Assert.Equal(Context.DefaultTarget, request.Target);
    }

    [Fact]
    public void Drop_reads_every_option_it_is_given()
    {
        var (root, parsed) = Parse("drop", "a.md", "--as", "2025/05/a.md", "--wait", "--parallel", "3", "--timeout", "5", "--key", "k", "--target", "http://127.0.0.1:9000/app");

        var request = root.Subcommands.OfType<DropCommand>().Single().Read(parsed);

        Assert.Empty(parsed.Errors);
        Assert.Equal("2025/05/a.md", request.BlobName);
        Assert.True(request.Wait);
        Assert.Equal(3, request.Parallel);
        Assert.Equal(TimeSpan.FromSeconds(5), request.Timeout);
        Assert.Equal("k", request.FunctionKey);
        Assert.Equal(new Uri("http://127.0.0.1:9000/app/"), request.Target);
    }

    [Theory]
    [InlineData("--parallel", "0", "--parallel must be a whole number from 1 to 64, not '0'.")]
    [InlineData("--parallel", "65", "--parallel must be a whole number from 1 to 64, not '65'.")]
    [InlineData("--parallel", "many", "--parallel must be a whole number from 1 to 64, not 'many'.")]
    [InlineData("--timeout", "0", "--timeout must be a whole number from 1 to 3600, not '0'.")]
    [InlineData("--target", "ftp://example.com", "--target must be an http(s) URL, not 'ftp://example.com'.")]
    [InlineData("--target", "localhost:7071", "--target must be an http(s) URL, not 'localhost:7071'.")]
    public void Drop_refuses_an_option_value_out_of_its_range(string option, string value, string error)
    {
        var (_, parsed) = Parse("drop", "a.md", option, value);

        Assert.Equal(error, Assert.Single(parsed.Errors).Message);
    }

    [Fact]
    public void Drop_refuses_as_with_several_paths()
    {
        var (_, parsed) = Parse("drop", "a.md", "b.md", "--as", "c.md");

        Assert.Contains("--as names the blob of a single file", Assert.Single(parsed.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Drop_without_a_path_is_an_error()
    {
        var (_, parsed) = Parse("drop", "--wait");

        Assert.NotEmpty(parsed.Errors);
    }

    [Theory]
    [InlineData("measure-drops", "--count", 50, 1, 10_000)]
    [InlineData("measure-drops", "--concurrency", 1, 1, 64)]
    [InlineData("measure-drops", "--timeout", 30, 1, 600)]
    [InlineData("seed", "--count", 10, 1, 1_000_000)]
    [InlineData("load", "--connections", 32, 1, 1024)]
    [InlineData("load", "--duration", 10, 1, 3600)]
    [InlineData("load", "--warmup", 2, 0, 600)]
    [InlineData("seed-comments", "--count", 100, 1, 1_000_000)]
    [InlineData("load-comments", "--clients", 16, 1, 1024)]
    [InlineData("load-comments", "--duration", 10, 1, 3600)]
    [InlineData("load-comments", "--warmup", 2, 0, 600)]
    public void Numeric_options_have_their_default_take_their_bounds_and_refuse_values_past_them(string command, string option, int defaultValue, int min, int max)
    {
        string[] Args(params string[] more) => [command, .. command is "load" ? ["api/tags"] : command is "seed-comments" or "load-comments" ? ["some-article"] : Array.Empty<string>(), .. more];

        var (_, defaults) = Parse(Args());
        var (_, lowest) = Parse(Args(option, min.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var (_, highest) = Parse(Args(option, max.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var (_, below) = Parse(Args(option, (min - 1).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var (_, above) = Parse(Args(option, (max + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Empty(defaults.Errors);
        Assert.Equal(defaultValue, defaults.GetValue<int>(option));
        Assert.Empty(lowest.Errors);
        Assert.Equal(min, lowest.GetValue<int>(option));
        Assert.Empty(highest.Errors);
        Assert.Equal(max, highest.GetValue<int>(option));
        Assert.Equal($"{option} must be a whole number from {min} to {max}, not '{min - 1}'.", Assert.Single(below.Errors).Message);
        Assert.Equal($"{option} must be a whole number from {min} to {max}, not '{max + 1}'.", Assert.Single(above.Errors).Message);
    }

    [Theory]
    [InlineData("seed", "--tag", "Not A Slug")]
    [InlineData("seed-comments", "Not_a_slug")]
    [InlineData("load-comments", "UPPER")]
    public void Commands_that_name_a_tag_or_an_article_refuse_what_is_not_a_slug(params string[] args)
    {
        var (_, parsed) = Parse(args);

        Assert.Contains("is not a slug", Assert.Single(parsed.Errors).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("load")]
    [InlineData("seed-comments")]
    [InlineData("load-comments")]
    public void Commands_that_need_a_path_or_a_slug_refuse_to_run_without_one(string command)
    {
        var (_, parsed) = Parse(command);

        Assert.NotEmpty(parsed.Errors);
    }

    [Fact]
    public void Without_a_command_the_tool_serves_and_passes_settings_switches_to_the_configuration()
    {
        var (root, parsed) = Parse("--urls", "http://localhost:7080", "--Worker:AppDirectory", "/builds/app", "--LocalHost:EnableAuth=true", "--Relay:PollInterval", "00:00:00.5");

        Assert.Empty(parsed.Errors);
        var serve = Assert.IsType<ServeCommand>(parsed.CommandResult.Command);
        Assert.Equal(
            ["--urls", "http://localhost:7080", "--Worker:AppDirectory", "/builds/app", "--LocalHost:EnableAuth=true", "--Relay:PollInterval", "00:00:00.5"],
            serve.HostArguments(parsed));
        Assert.Same(serve, root.Subcommands.OfType<ServeCommand>().Single());
    }

    [Fact]
    public void Serve_with_no_arguments_passes_none()
    {
        var (_, parsed) = Parse();

        Assert.Empty(parsed.Errors);
        Assert.Empty(Assert.IsType<ServeCommand>(parsed.CommandResult.Command).HostArguments(parsed));
    }

    [Theory]
    [InlineData("stray", "'stray' is not a setting")]
    [InlineData("--LocalHost:EnableAuth", "--LocalHost:EnableAuth needs a value")]
    public void Serve_refuses_what_is_not_a_setting_switch(string argument, string error)
    {
        var (_, parsed) = Parse("serve", "--Worker:AppDirectory", "/builds/app", argument);

        Assert.StartsWith(error, Assert.Single(parsed.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Relay_takes_a_target_and_a_metadata_file()
    {
        var (_, parsed) = Parse("relay", "--target", "http://localhost:7080", "--metadata", "bin/functions.metadata");

        Assert.Empty(parsed.Errors);
        Assert.IsType<RelayCommand>(parsed.CommandResult.Command);
        Assert.Equal(new Uri("http://localhost:7080/"), parsed.GetValue<Uri>("--target"));
        Assert.Equal("bin/functions.metadata", parsed.GetValue<string>("--metadata"));
    }

    [Theory]
    [InlineData("serve", "--urls")]
    [InlineData("relay", "--metadata")]
    [InlineData("drop", "--parallel")]
    [InlineData("measure-drops", "--edits")]
    [InlineData("seed", "--tag")]
    [InlineData("load", "--if-none-match")]
    [InlineData("seed-comments", "--count")]
    [InlineData("load-comments", "--clients")]
    public async Task Each_command_has_its_own_help_written_from_its_options(string command, string option)
    {
        var (exit, output) = await RunAsync(command, "--help");

        Assert.Equal(0, exit);
        Assert.Contains($"{command} ", output, StringComparison.Ordinal);
        Assert.Contains(option, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_root_help_lists_every_command()
    {
        var (exit, output) = await RunAsync("--help");

        Assert.Equal(0, exit);
        foreach (var command in new[] { "serve", "relay", "drop", "measure-drops", "seed", "load", "seed-comments", "load-comments" })
        {
            Assert.Contains(command, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_mistake_on_the_command_line_exits_2_with_the_error_and_the_commands_help()
    {
        var (exit, output) = await RunAsync("drop", "a.md", "--parallel", "0");

        Assert.Equal(LocalCommandLine.UsageError, exit);
        Assert.Contains("--parallel must be a whole number from 1 to 64, not '0'.", output, StringComparison.Ordinal);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_command_exits_2_and_names_it()
    {
        var (exit, output) = await RunAsync("drp", "a.md");

        Assert.Equal(LocalCommandLine.UsageError, exit);
        Assert.Contains("'drp'", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_comment_limit_load_comments_advises_is_one_the_app_starts_with()
    {
        var advised = new CommentOptions { PostsPerMinute = LoadCommentsCommand.MostPostsPerMinute };
        var past = new CommentOptions { PostsPerMinute = LoadCommentsCommand.MostPostsPerMinute + 1 };
        var (_, parsed) = Parse("load-comments", "some-article");

        Assert.True(Validator.TryValidateObject(advised, new ValidationContext(advised), null, validateAllProperties: true));
        Assert.False(Validator.TryValidateObject(past, new ValidationContext(past), null, validateAllProperties: true));
        Assert.Equal($"Comments__PostsPerMinute={LoadCommentsCommand.MostPostsPerMinute}", LoadCommentsCommand.RaiseLimit);
        Assert.Contains(LoadCommentsCommand.RaiseLimit, parsed.CommandResult.Command.Description, StringComparison.Ordinal);
    }
}
