using System.Text.Json;
using Rankwise.Cli;

namespace Rankwise.Tests.Cli;

/// <summary>Runs the rankwise command in-process and captures its streams.</summary>
internal static class CliRunner
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    public static JsonElement Json(params string[] args)
    {
        var (code, output, err) = Run([.. args, "--format", "json"]);
        Assert.True(code == 0, $"exit {code}: {err}");
        return JsonDocument.Parse(output).RootElement;
    }
}

/// <summary>A temporary directory removed after the test.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => System.IO.Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "rankwise-test-" + Guid.NewGuid().ToString("N"));

    public string File(string name, string? contents = null)
    {
        var p = System.IO.Path.Combine(Path, name);
        if (contents is not null) System.IO.File.WriteAllText(p, contents);
        return p;
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
