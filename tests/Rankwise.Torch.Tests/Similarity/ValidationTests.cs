using Rankwise.Torch.Similarity;
using TorchSharp;
using static TorchSharp.torch;
using F = Rankwise.Torch.Similarity.functional;

namespace Rankwise.Torch.Tests.Similarity;

/// <summary>Argument checking, option checking, and NaN / constant-input behaviour.</summary>
public class ValidationTests
{
    [Fact]
    public void DebiasedCkaNeedsFourRows()
    {
        using var scope = NewDisposeScope();
        var x = SimilarityTestData.T(new double[,] { { 1, 2 }, { 3, 1 }, { 0, 5 } });
        var e = Assert.Throws<ArgumentException>(() => F.debiased_cka(x, x));
        Assert.Contains("at least 4 rows", e.Message);
        Assert.Throws<ArgumentException>(() => new LinearCka(debiased: true).Compute(x, x));
        Assert.Throws<ArgumentException>(() => F.rbf_cka(x, x, debiased: true));
        Assert.Throws<ArgumentException>(() => new MinibatchCka().Update(x, x));
        Assert.False(double.IsNaN(F.linear_cka(x, x)));
    }

    [Theory]
    [MemberData(nameof(MeasureCatalog.Indices), MemberType = typeof(MeasureCatalog))]
    public void ShapeAndTypeErrorsAreArgumentExceptions(int index)
    {
        var measure = MeasureCatalog.All[index];
        using var scope = NewDisposeScope();
        var x = zeros(10, 3, dtype: ScalarType.Float64) + arange(30, dtype: ScalarType.Float64).reshape(10, 3).sin();
        var rows = Assert.Throws<ArgumentException>(() => measure.Compute(x, x[..9]));
        Assert.Contains("same stimuli", rows.Message);
        Assert.DoesNotContain('\n', rows.Message);
        Assert.Throws<ArgumentException>(() => measure.Compute(x.reshape(-1), x));
        Assert.Throws<ArgumentException>(() => measure.Compute(x, x.unsqueeze(0)));
        var type = Assert.Throws<ArgumentException>(() => measure.Compute(x.to_type(ScalarType.Int64), x));
        Assert.Contains("floating-point", type.Message);
        Assert.Throws<ArgumentException>(() => measure.Compute(x, zeros(10, 0, dtype: ScalarType.Float64)));
        Assert.Throws<ArgumentNullException>(() => measure.Compute(null!, x));
    }

    [Theory]
    [MemberData(nameof(MeasureCatalog.Indices), MemberType = typeof(MeasureCatalog))]
    public void NaNOrInfinityGivesNaN(int index)
    {
        var measure = MeasureCatalog.All[index];
        using var scope = NewDisposeScope();
        using var g = new Generator(31);
        var x = SimilarityTestData.Randn(20, 4, g);
        var y = SimilarityTestData.Randn(20, 5, g);
        var withNaN = x.clone();
        withNaN[3, 2] = tensor(double.NaN);
        Assert.True(double.IsNaN(measure.Compute(withNaN, y)), $"{measure.Name}: NaN in x");
        Assert.True(double.IsNaN(measure.Compute(y, withNaN)), $"{measure.Name}: NaN in y");
        if (measure is MeanMaxCorrelation or UnitMatching or Rsa)
            return; // these see ±∞ through correlations/distances, covered by the NaN case
        var withInf = x.clone();
        withInf[0, 0] = tensor(double.PositiveInfinity);
        Assert.True(double.IsNaN(measure.Compute(withInf, y)), $"{measure.Name}: ∞ in x");
    }

    [Theory]
    [MemberData(nameof(MeasureCatalog.Indices), MemberType = typeof(MeasureCatalog))]
    public void ConstantRepresentationGivesNaN(int index)
    {
        var measure = MeasureCatalog.All[index];
        if (measure is Rsa { Metric: RdmMetric.Cosine } || (measure is RbfCka r && r.Sigma is not null))
            return; // cosine RDM of non-zero identical rows is all zeros (comparison 0/0 → NaN handled below); fixed σ keeps K = 11ᵀ
        using var scope = NewDisposeScope();
        using var g = new Generator(32);
        var y = SimilarityTestData.Randn(20, 5, g);
        var constant = full(20, 4, 3.25, dtype: ScalarType.Float64);
        Assert.True(double.IsNaN(measure.Compute(constant, y)), $"{measure.Name}: constant x gave {measure.Compute(constant, y)}");
    }

    [Fact]
    public void ConstantInputEdgeCasesOfRbfAndCosineRsa()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(33);
        var y = SimilarityTestData.Randn(20, 5, g);
        var constant = full(20, 4, 3.25, dtype: ScalarType.Float64);
        // Fixed σ: K = 11ᵀ centres to 0 → 0/0.
        Assert.True(double.IsNaN(new RbfCka(sigma: 1.0).Compute(constant, y)));
        // Identical non-zero rows: all cosine distances 0, a constant RDM → Spearman 0/0.
        Assert.True(double.IsNaN(F.rsa(constant, y, RdmMetric.Cosine)));
        // All-zero rows have undefined cosine distances.
        Assert.True(double.IsNaN(F.rsa(zeros(20, 4, dtype: ScalarType.Float64), y, RdmMetric.Cosine)));
    }

    [Fact]
    public void InvalidOptionsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ShapeMetric(1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ShapeMetric(-0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RbfCka(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RbfCka(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RbfCka(sigma: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Cca(epsilon: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Cca(rtol: double.PositiveInfinity));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Pwcca(epsilon: double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Svcca(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Svcca(1.01));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Svcca(dimensions: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinearCka((LinearCkaForm)7));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Rsa((RdmMetric)9));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Rsa(tieTolerance: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MeanMaxCorrelation((UnitCorrelation)5));
    }

    [Fact]
    public void MinibatchAccumulatorChecksWidths()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(34);
        var acc = new MinibatchCka();
        Assert.True(double.IsNaN(acc.Value));
        acc.Update(SimilarityTestData.Randn(10, 3, g), SimilarityTestData.Randn(10, 4, g));
        var e = Assert.Throws<ArgumentException>(() => acc.Update(SimilarityTestData.Randn(10, 3, g), SimilarityTestData.Randn(10, 5, g)));
        Assert.Contains("widths", e.Message);
        var other = new MinibatchCka();
        other.Update(SimilarityTestData.Randn(10, 2, g), SimilarityTestData.Randn(10, 4, g));
        Assert.Throws<ArgumentException>(() => acc.Merge(other));
        Assert.Equal(1, acc.BatchCount);
        var empty = new MinibatchCka();
        empty.Merge(acc);
        Assert.Equal(acc.Value, empty.Value);
        Assert.Equal(3, empty.WidthX);
    }

    [Fact]
    public void InputsAreNotModifiedAndAutogradInputsWork()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(35);
        var x = SimilarityTestData.Randn(30, 4, g).requires_grad_();
        var y = SimilarityTestData.Randn(30, 6, g).to_type(ScalarType.Float32);
        var xBefore = x.detach().clone();
        var yBefore = y.clone();
        foreach (var m in MeasureCatalog.All)
            m.Compute(x, y);
        Assert.True(x.detach().eq(xBefore).all().item<bool>());
        Assert.True(y.eq(yBefore).all().item<bool>());
        Assert.Equal(ScalarType.Float32, y.dtype);
    }

    [Fact]
    public void RdmComparisonRejectsMismatchedRdms()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new double[] { 1, 2, 3 });
        var b = tensor(new double[] { 1, 2, 3, 4, 5, 6 });
        Assert.Throws<ArgumentException>(() => F.compare_rdms(a, b));
        Assert.Throws<ArgumentException>(() => F.compare_rdms(a.reshape(1, 3), a));
    }
}
