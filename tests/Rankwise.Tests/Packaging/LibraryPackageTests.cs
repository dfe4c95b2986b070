using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;

namespace Rankwise.Tests.Packaging;

/// <summary>
/// The library packages as <c>dotnet pack</c> makes them from this build (no rebuild): licence, README and XML
/// documentation inside, and Rankwise.Torch leaving the libtorch backend to the application while carrying the Debian 12
/// fix as buildTransitive targets. (build/check-pack.sh goes further: the tool package, installing it, a consumer project.)
/// </summary>
public sealed class LibraryPackageTests
{
    /// <summary>The repository root (the folder with Rankwise.slnx) above the test binaries.</summary>
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Rankwise.slnx")))
                return dir.FullName;
        throw new InvalidOperationException($"no Rankwise.slnx above {AppContext.BaseDirectory}");
    }

    /// <summary>The configuration these tests were built in (the library outputs exist in the same one).</summary>
    private static string Configuration() =>
        AppContext.BaseDirectory.Replace('\\', '/').Contains("/bin/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";

    private static string Pack(string project, string output)
    {
        var start = new ProcessStartInfo("dotnet", ["pack", Path.Combine(RepositoryRoot(), project), "-c", Configuration(), "--no-build",
            "-o", output, "-nologo", "-v:q"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), "dotnet pack did not finish");
        Assert.True(process.ExitCode == 0, $"dotnet pack {project} failed: {stdout.Result}{stderr.Result}");
        return Assert.Single(Directory.GetFiles(output, "*.nupkg"));
    }

    private static XElement Nuspec(ZipArchive package)
    {
        var entry = Assert.Single(package.Entries, e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = entry.Open();
        return XDocument.Load(stream).Root!;
    }

    private static IEnumerable<(string Id, string Version)> Dependencies(XElement nuspec) =>
        nuspec.Descendants().Where(e => e.Name.LocalName == "dependency")
            .Select(e => ((string)e.Attribute("id")!, (string)e.Attribute("version")!));

    [Theory]
    [InlineData("src/Rankwise/Rankwise.csproj", "Rankwise.Core", "Rankwise")]
    [InlineData("src/Rankwise.Torch/Rankwise.Torch.csproj", "Rankwise.Torch", "Rankwise.Torch")]
    public void LibraryPackagesCarryLicenceReadmeAndDocs(string project, string id, string assembly)
    {
        using var dir = new Cli.TempDir();
        string nupkg = Pack(project, dir.Path);
        Assert.StartsWith(id + ".", Path.GetFileName(nupkg));
        using var package = ZipFile.OpenRead(nupkg);
        var names = package.Entries.Select(e => e.FullName).ToHashSet();
        Assert.Contains("LICENSE", names);
        Assert.Contains("README.md", names);
        Assert.Contains($"lib/net10.0/{assembly}.dll", names);
        Assert.Contains($"lib/net10.0/{assembly}.xml", names);
        var metadata = Nuspec(package).Elements().Single(e => e.Name.LocalName == "metadata");
        Assert.Equal("LICENSE", (string?)metadata.Elements().Single(e => e.Name.LocalName == "license"));
        Assert.Equal("README.md", (string?)metadata.Elements().Single(e => e.Name.LocalName == "readme"));
    }

    [Fact]
    public void TorchPackageLeavesTheBackendToTheApplicationAndCarriesTheLibstdcxxFix()
    {
        using var dir = new Cli.TempDir();
        using var package = ZipFile.OpenRead(Pack("src/Rankwise.Torch/Rankwise.Torch.csproj", dir.Path));
        var dependencies = Dependencies(Nuspec(package)).ToList();
        Assert.Contains(("TorchSharp", "0.107.0"), dependencies);
        Assert.DoesNotContain(dependencies, d => d.Id.StartsWith("TorchSharp-", StringComparison.Ordinal) || d.Id.StartsWith("libtorch", StringComparison.Ordinal));
        Assert.Contains(dependencies, d => d.Id == "Rankwise.Core");
        var targets = Assert.Single(package.Entries, e => e.FullName == "buildTransitive/Rankwise.Torch.targets");
        using var reader = new StreamReader(targets.Open());
        string text = reader.ReadToEnd();
        Assert.Contains("GLIBCXX_3.4.32", text);
        Assert.Contains("AfterTargets=\"CopyFilesToOutputDirectory\"", text);
        // No native library in the library package itself.
        Assert.DoesNotContain(package.Entries, e => e.FullName.EndsWith(".so", StringComparison.Ordinal));
    }
}
