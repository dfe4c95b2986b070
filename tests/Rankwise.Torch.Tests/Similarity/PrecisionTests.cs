using Rankwise.Torch.Similarity;
using TorchSharp;
using static TorchSharp.torch;
using F = Rankwise.Torch.Similarity.functional;

namespace Rankwise.Torch.Tests.Similarity;

/// <summary>float32 inputs are promoted exactly and computed in float64; large offsets are centred exactly.</summary>
public class PrecisionTests
{
    [Theory]
    [MemberData(nameof(MeasureCatalog.Indices), MemberType = typeof(MeasureCatalog))]
    public void Float32InputsGiveTheFloat64Result(int index)
    {
        var measure = MeasureCatalog.All[index];
        using var scope = NewDisposeScope();
        using var g = new Generator(21);
        var x64 = SimilarityTestData.Randn(70, 9, g);
        var y64 = x64.matmul(SimilarityTestData.Randn(9, 6, g)) + SimilarityTestData.Randn(70, 6, g);
        var x32 = x64.to_type(ScalarType.Float32);
        var y32 = y64.to_type(ScalarType.Float32);
        double from32 = measure.Compute(x32, y32);
        double promoted = measure.Compute(x32.to_type(ScalarType.Float64), y32.to_type(ScalarType.Float64));
        if (measure is LinearCka { Debiased: false, Precision: CkaPrecision.Auto } cka && cka.Form != LinearCkaForm.Gram)
        {
            // Two float32 inputs in feature form: float32 block products summed in float64 — the inputs' own precision ...
            Assert.Equal(promoted, from32, 1e-6);
            Assert.NotEqual(promoted, from32);
            // ... and exactly the float64 value when asked for float64 products.
            from32 = new LinearCka(cka.Form, precision: CkaPrecision.Float64).Compute(x32, y32);
        }
        // Same values promoted: identical up to float64 rounding.
        Assert.Equal(promoted, from32, 1e-13);
        // Against the original float64 data the only difference is float32 input rounding (relative 6e-8).
        Assert.Equal(measure.Compute(x64, y64), from32, 1e-5);
        // Mixed precision is accepted too.
        Assert.Equal(from32, measure.Compute(x32, y32.to_type(ScalarType.Float64)), 1e-13);
    }

    [Theory]
    [MemberData(nameof(MeasureCatalog.Indices), MemberType = typeof(MeasureCatalog))]
    public void LargeOffsetsDoNotCostAccuracy(int index)
    {
        var measure = MeasureCatalog.All[index];
        if (measure is Rsa { Metric: not RdmMetric.Euclidean })
            return; // correlation/cosine RDMs are not translation-invariant
        using var scope = NewDisposeScope();
        using var g = new Generator(22);
        var x = SimilarityTestData.Randn(80, 6, g);
        var y = x.matmul(SimilarityTestData.Randn(6, 7, g)) + SimilarityTestData.Randn(80, 7, g);
        // x + 1e8 is stored with absolute error up to ulp(1e8)/2 ≈ 7.5e-9 per element. Removing the offset again is exact
        // (Sterbenz), so xExact holds precisely the information in xOff: any difference below is computational error,
        // e.g. from distances or Gram matrices formed before centring.
        var xOff = x + 1e8;
        var yOff = y - 3e7;
        var xExact = xOff - 1e8;
        double reference = measure.Compute(xExact, yOff + 3e7);
        Assert.Equal(reference, measure.Compute(xOff, yOff), 1e-10);
    }

    [Fact]
    public void OffsetGoldenCaseIsExactAgainstTheCorrectlyRoundedReference()
    {
        // The reference centred this case with math.fsum; Golden tests check it at 1e-12, here a direct spot check.
        var c = SimilarityTestData.Case("offset_1e8_80x6x6");
        using var scope = NewDisposeScope();
        var x = SimilarityTestData.T(c.X);
        var y = SimilarityTestData.T(c.Y);
        Assert.Equal(c.Value("linear_cka_gram"), F.linear_cka(x, y, LinearCkaForm.Gram), 1e-12);
        Assert.Equal(c.Value("debiased_cka"), F.debiased_cka(x, y), 1e-12);
        Assert.Equal(c.Value("rbf_cka_0.5"), F.rbf_cka(x, y), 1e-12);
        Assert.Equal(c.Value("mean_cca"), F.mean_cca(x, y), 1e-12);
    }

    [Fact]
    public void Float32ExactGoldenCaseMatchesFromFloat32Tensors()
    {
        var c = SimilarityTestData.Case("float32_exact_70x9x6");
        using var scope = NewDisposeScope();
        var x = SimilarityTestData.T(c.X, ScalarType.Float32);
        var y = SimilarityTestData.T(c.Y, ScalarType.Float32);
        Assert.Equal(ScalarType.Float32, x.dtype);
        Assert.Equal(c.Value("linear_cka_gram"), F.linear_cka(x, y, precision: CkaPrecision.Float64), 1e-12);
        Assert.Equal(c.Value("linear_cka_gram"), F.linear_cka(x, y, LinearCkaForm.Gram), 1e-12);
        Assert.Equal(c.Value("linear_cka_gram"), F.linear_cka(x, y), 1e-6);   // float32 block products
        Assert.Equal(c.Value("debiased_cka"), F.debiased_cka(x, y), 1e-12);
        Assert.Equal(c.Value("rbf_cka_0.5"), F.rbf_cka(x, y), 1e-12);
        Assert.Equal(c.Value("r2cca"), F.r2cca(x, y), 1e-12);
        Assert.Equal(c.Value("pwcca"), F.pwcca(x, y), 1e-12);
        Assert.Equal(c.Value("shape_angular_0.5"), F.shape_metric(x, y, 0.5), 1e-12);
        Assert.Equal(c.Value("rsa_correlation_spearman"), F.rsa(x, y), 1e-12);
    }

    [Theory]
    [InlineData(20_000, 0.0)]
    [InlineData(8_193, 1000.0)]
    [InlineData(1_025, -250.0)]
    public void Float32BlockProductsStayWithinFloat32PrecisionAcrossBlocks(int n, double offset)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(5);
        var x = (SimilarityTestData.Randn(n, 12, g) + offset).to_type(ScalarType.Float32);
        var y = (x.to_type(ScalarType.Float64).matmul(SimilarityTestData.Randn(12, 7, g)) + 3 * SimilarityTestData.Randn(n, 7, g)).to_type(ScalarType.Float32);
        double exact = F.linear_cka(x, y, precision: CkaPrecision.Float64);
        double single = F.linear_cka(x, y);
        Assert.True(Math.Abs(single - exact) <= 1e-6 * exact, $"float32 blocks {single:R} vs float64 {exact:R}");
        // The libtorch path (other devices, CPUs without AVX2) meets the same bound.
        CkaKernels.ForceTorchSingle.Value = true;
        try
        {
            double torchPath = F.linear_cka(x, y);
            Assert.True(Math.Abs(torchPath - exact) <= 1e-6 * exact, $"libtorch float32 blocks {torchPath:R} vs float64 {exact:R}");
        }
        finally
        {
            CkaKernels.ForceTorchSingle.Value = false;
        }
    }

    [Fact]
    public void Float32FeatureFormIsNaNForNonFiniteInputOnEveryPath()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(6);
        var x = SimilarityTestData.Randn(600, 10, g).to_type(ScalarType.Float32);
        var y = SimilarityTestData.Randn(600, 8, g).to_type(ScalarType.Float32);
        foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            var yBad = y.clone();
            yBad[599, 7] = bad;
            Assert.True(double.IsNaN(F.linear_cka(x, yBad)));
            CkaKernels.ForceTorchSingle.Value = true;
            try
            {
                Assert.True(double.IsNaN(F.linear_cka(x, yBad)));
            }
            finally
            {
                CkaKernels.ForceTorchSingle.Value = false;
            }
        }
    }
}
