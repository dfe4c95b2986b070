using Rankwise.Torch.Sorters;
using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Tests.Sorters;

[Collection(GlobalTorchRandom.Name)]
public class LearnedSorterTests
{
    public static TheoryData<string> Architectures => new() { "gru", "lstm", "cnn", "mlp" };

    private static LearnedSorter Tiny(string arch, int length = 6, bool standardize = true)
    {
        manual_seed(1);
        var a = SorterConfig.ParseArchitecture(arch);
        return LearnedSorter.Create(new SorterConfig(a, length, 4, 2, 3, standardize));
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void ShapesDtypesAndBatchDimensions(string arch)
    {
        using var sorter = Tiny(arch);
        Assert.Equal(new long[] { 5, 6 }, sorter.call(randn(5, 6)).shape);
        Assert.Equal(new long[] { 6 }, sorter.call(randn(6)).shape);
        Assert.Equal(new long[] { 2, 3, 6 }, sorter.call(randn(2, 3, 6)).shape);
        var y64 = sorter.call(randn(2, 6, dtype: ScalarType.Float64));
        Assert.Equal(ScalarType.Float64, y64.dtype);
        // Rows are ranked independently: a row's output does not depend on the other rows of the batch.
        var x = randn(4, 6);
        var whole = sorter.call(x);
        var single = sorter.call(x.narrow(0, 2, 1));
        Assert.True(whole.narrow(0, 2, 1).allclose(single, rtol: 1e-5, atol: 1e-6));
        Assert.Throws<ArgumentException>(() => sorter.call(tensor(1.0f)));
        Assert.Throws<ArgumentException>(() => sorter.call(ones(2, 6, dtype: ScalarType.Int32)));
    }

    [Fact]
    public void OnlyTheMlpIsFixedLength()
    {
        using var mlp = Tiny("mlp");
        Assert.False(mlp.AcceptsLength(7));
        var ex = Assert.Throws<ArgumentException>(() => mlp.call(randn(2, 7)));
        Assert.Contains("length 6", ex.Message);
        foreach (var arch in new[] { "gru", "lstm", "cnn" })
        {
            using var sorter = Tiny(arch);
            Assert.Equal(new long[] { 2, 11 }, sorter.call(randn(2, 11)).shape);
            Assert.Equal(new long[] { 2, 1 }, sorter.call(randn(2, 1)).shape);
        }
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void StandardisedSortersIgnoreShiftAndPositiveScale(string arch)
    {
        using var sorter = Tiny(arch);
        var x = randn(3, 6, dtype: ScalarType.Float64);
        sorter.to(ScalarType.Float64);
        var y = sorter.call(x);
        var z = sorter.call(x * 250.0 - 17.0);
        Assert.True(y.allclose(z, rtol: 1e-9, atol: 1e-9));
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void GradientsMatchFiniteDifferencesInFloat64(string arch)
    {
        using var sorter = Tiny(arch, length: 5);
        sorter.to(ScalarType.Float64);
        var x = tensor(new double[] { 0.3, -1.2, 0.8, 2.0, -0.4, 1.1, 0.05, -0.7, 0.6, -1.9 }, [2, 5]);
        GradCheck.AssertJacobian(v => sorter.call(v), x, h: 1e-6, rtol: 1e-5, atol: 1e-8);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void GradientsReachTheScoresAndTheWeights(string arch)
    {
        using var sorter = Tiny(arch);
        var x = randn(4, 6).requires_grad_(true);
        var target = SyntheticSequences.TargetRanks(x.detach());
        nn.functional.l1_loss(sorter.call(x), target).backward();
        Assert.True(x.grad is not null && x.grad.abs().sum().item<float>() > 0);
        Assert.All(sorter.parameters(), p => Assert.True(p.grad is not null && p.grad.isfinite().all().item<bool>()));
    }

    [Fact]
    public void RunsOnCudaWhenAvailable()
    {
        if (!cuda.is_available())
        {
            return; // CPU-only machine: the device path is the same code with device = CUDA.
        }
        using var sorter = LearnedSorter.Create(SorterConfig.Default(SorterArchitecture.Gru, 10), CUDA);
        var y = sorter.call(randn(3, 10, device: CUDA));
        Assert.Equal(DeviceType.CUDA, y.device_type);
    }

    [Fact]
    public void ConfigValidation()
    {
        Assert.Throws<ArgumentException>(() => new SorterConfig(SorterArchitecture.Gru, 1, 4, 1).Validate());
        Assert.Throws<ArgumentException>(() => new SorterConfig(SorterArchitecture.Gru, 10, 0, 1).Validate());
        Assert.Throws<ArgumentException>(() => new SorterConfig(SorterArchitecture.Cnn, 10, 4, 1, KernelSize: 4).Validate());
        Assert.Throws<ArgumentException>(() => SorterConfig.ParseArchitecture("transformer"));
        Assert.Throws<ArgumentException>(() => new RecurrentSorter(SorterConfig.Default(SorterArchitecture.Mlp, 10)));
        Assert.Equal(SorterArchitecture.Lstm, SorterConfig.ParseArchitecture("LSTM"));
    }

    [Fact]
    public void SaveAndLoadRoundTripGivesIdenticalOutputs()
    {
        var dir = Directory.CreateTempSubdirectory("rankwise-sorter-");
        try
        {
            foreach (var arch in new[] { "gru", "lstm", "cnn", "mlp" })
            {
                using var sorter = Tiny(arch, length: 12);
                string path = Path.Combine(dir.FullName, arch + ".dat");
                var written = sorter.Save(path);
                Assert.True(File.Exists(LearnedSorter.SidecarPath(path)));
                Assert.Equal(64, written.WeightsSha256!.Length);
                using var loaded = LearnedSorter.Load(path);
                Assert.Equal(sorter.Config, loaded.Config);
                Assert.Equal(sorter.ParameterCount, loaded.Metadata!.Parameters);
                var x = randn(5, 12);
                sorter.eval();
                Assert.Equal(sorter.call(x).data<float>().ToArray(), loaded.call(x).data<float>().ToArray());
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void LoadRejectsMissingOrTamperedFiles()
    {
        var dir = Directory.CreateTempSubdirectory("rankwise-sorter-");
        try
        {
            using var sorter = Tiny("gru");
            string path = Path.Combine(dir.FullName, "s.dat");
            sorter.Save(path);
            var bytes = File.ReadAllBytes(path);
            bytes[^1] ^= 0x40;
            File.WriteAllBytes(path, bytes);
            var tampered = Assert.Throws<RankwiseInputException>(() => LearnedSorter.Load(path));
            Assert.Contains("SHA-256", tampered.Message);
            File.Delete(LearnedSorter.SidecarPath(path));
            var missing = Assert.Throws<RankwiseInputException>(() => LearnedSorter.Load(path));
            Assert.Contains("s.json", missing.Message);
            Assert.Throws<RankwiseInputException>(() => LearnedSorter.Load(Path.Combine(dir.FullName, "none.dat")));
            File.WriteAllText(Path.Combine(dir.FullName, "bad.json"), "{\"format\": \"other\"}");
            File.WriteAllBytes(Path.Combine(dir.FullName, "bad.dat"), [1, 2, 3]);
            Assert.Throws<RankwiseInputException>(() => LearnedSorter.Load(Path.Combine(dir.FullName, "bad.dat")));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
