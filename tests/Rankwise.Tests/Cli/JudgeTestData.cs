using System.Text.Json;

namespace Rankwise.Tests.Cli;

/// <summary>Paths and helpers shared by the consistency / evaluate / retrieval / wordsim command tests.</summary>
internal static class JudgeTestData
{
    public static string Examples => Path.Combine(AppContext.BaseDirectory, "examples");

    public static string Scores => Path.Combine(Examples, "memorability_scores.csv");

    public static string Responses => Path.Combine(Examples, "memorability_responses.csv");

    public static string Reference(string area, string file) => Path.Combine(AppContext.BaseDirectory, "ReferenceData", area, file);

    public static JsonElement Load(string area, string file) => JsonDocument.Parse(File.ReadAllText(Reference(area, file))).RootElement.Clone();

    public static double Number(this JsonElement e, string name) =>
        e.GetProperty(name).ValueKind == JsonValueKind.Null ? double.NaN : e.GetProperty(name).GetDouble();

    public static void Close(double expected, double actual, double relative, string what) =>
        Assert.True(Math.Abs(expected - actual) <= relative * Math.Max(1e-300, Math.Abs(expected)) || expected.Equals(actual),
            $"{what}: expected {expected:R}, got {actual:R}");

    /// <summary>Runs a command that must fail: the exit code, nothing on stdout, one line on stderr.</summary>
    public static string Fails(int code, params string[] args)
    {
        var (actual, output, err) = CliRunner.Run(args);
        Assert.True(code == actual, $"expected exit {code}, got {actual}: {err}");
        Assert.Equal("", output);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.StartsWith("rankwise: error: ", err);
        return err.Trim();
    }
}
