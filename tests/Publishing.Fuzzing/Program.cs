// Entry point of the fuzzing target. Three ways in:
//   afl [.md|.txt]                 the afl-fuzz target (fuzz.sh); a broken property is an unhandled exception, a crash
//   serve                          the worker the property tests drive over stdin/stdout (see Worker.cs)
//   check [--as .md|.txt] PATH...  runs files (or every file in folders) through the oracle, one line each;
//                                  exit code 1 when any broke a property
using Publishing.Fuzzing;
using SharpFuzz;

var mode = args.Length > 0 ? args[0] : "afl";
switch (mode)
{
    case "afl":
        var name = "fuzzed" + (args.Length > 1 ? args[1] : ".md");
        var afl = new OracleOptions(CheckTime: false);
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            ArticleOracle.Check(name, buffer.ToArray(), afl);
        });
        return 0;
    case "serve":
        return Worker.Serve(Console.OpenStandardInput(), Console.OpenStandardOutput());
    case "check":
        return CheckFiles(args.Skip(1).ToList());
    default:
        Console.Error.WriteLine($"unknown mode '{mode}': use afl, serve or check");
        return 2;
}

static int CheckFiles(List<string> args)
{
    string? extension = null;
    if (args.Count >= 2 && args[0] == "--as")
    {
        extension = args[1];
        args = args[2..];
    }

    var files = args.SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p).Order(StringComparer.Ordinal) : (IEnumerable<string>)[p]).ToList();
    var failed = 0;
    Worker.WarmUp();
    foreach (var file in files)
    {
        var name = extension is null ? Path.GetFileName(file) : Path.GetFileName(file) + extension;
        try
        {
            var verdict = ArticleOracle.Check(name, File.ReadAllBytes(file));
            Console.WriteLine($"ok    {file}: {verdict.Outcome} ({verdict.Detail}); parse {verdict.ParseMs:0.#} ms, render {verdict.RenderMs:0.#} ms, {verdict.AllocatedBytes:N0} bytes allocated");
        }
        catch (PropertyViolationException e)
        {
            failed++;
            Console.WriteLine($"FAIL  {file}: {e.Message}");
        }
    }

    Console.WriteLine($"{files.Count - failed} of {files.Count} files hold every property");
    return failed == 0 ? 0 : 1;
}
