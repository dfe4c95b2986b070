using Rankwise.Torch.Neighbors;
using static TorchSharp.torch;
using D = Rankwise.Torch.Tests.Neighbors.NeighborsTestData;
using F = Rankwise.Torch.Neighbors.functional;

namespace Rankwise.Torch.Tests.Neighbors;

/// <summary>
/// NNO, mNNO and Jaccard overlap for K ∈ {1, 3, 5, 10, 20} against lists from sklearn's brute-force NearestNeighbors
/// (Collell &amp; Moens' definition, self included and excluded, cosine and Euclidean); Huh et al.'s mutual_knn against
/// a numpy transcription of their code; the three-way mapping report against numpy + scipy.stats.wilcoxon and the
/// exact scipy.stats.permutation_test.
/// </summary>
[Collection(NeighborsTestData.Collection)]
public class OverlapGoldenTests
{
    public static IEnumerable<object[]> OverlapCases => D.Names("overlap_cases");

    public static IEnumerable<object[]> MappingCases => D.Names("mapping_cases");

    [Theory]
    [MemberData(nameof(OverlapCases))]
    public void NnoAndMnnoMatchReference(string name)
    {
        var c = D.Case("overlap_cases", name);
        var metric = D.Metric(c.GetProperty("metric").GetString()!);
        bool include = c.GetProperty("include_self").GetBoolean();
        using var v = D.Matrix(c.GetProperty("v"));
        using var z = D.Matrix(c.GetProperty("z"));
        var perK = c.GetProperty("per_k").EnumerateArray().ToArray();
        var ks = perK.Select(e => e.GetProperty("k").GetInt32()).ToArray();

        var curve = NeighborOverlap.ComputeCurve(v, z, ks, metric, include);
        Assert.Equal(ks, curve.Ks);
        for (int t = 0; t < ks.Length; t++)
        {
            int k = ks[t];
            var expectedNno = D.IntVector(perK[t].GetProperty("nno"));
            double expectedMnno = perK[t].GetProperty("mnno").GetDouble();
            double expectedJaccard = perK[t].GetProperty("jaccard").GetDouble();
            var direct = NeighborOverlap.Compute(v, z, k, metric, include);
            Assert.Equal(expectedNno, direct.PerItem);
            Assert.Equal(expectedMnno, direct.Mnno, 15);
            Assert.Equal(expectedJaccard, direct.Jaccard, 14);
            Assert.Equal(expectedMnno, curve.Mnno[t], 15);
            Assert.Equal(expectedJaccard, curve.Jaccard[t], 14);
            Assert.Equal(expectedMnno, F.mnno(v, z, k, metric, include), 15);
            Assert.Equal(expectedNno, F.nno(v, z, k, metric, include));
            Assert.Equal(expectedMnno, new MeanNeighborOverlap(k, metric, include).Compute(v, z), 15);
        }
    }

    [Theory]
    [MemberData(nameof(OverlapCases))]
    public void MutualKnnMatchesHuhEtAl(string name)
    {
        var c = D.Case("overlap_cases", name);
        if (!c.TryGetProperty("mutual_knn", out var mk))
            return;
        using var v = D.Matrix(c.GetProperty("v"));
        using var z = D.Matrix(c.GetProperty("z"));
        foreach (var p in mk.EnumerateObject())
        {
            int k = int.Parse(p.Name);
            double got = F.mutual_knn(v, z, k);
            Assert.Equal(p.Value.GetDouble(), got, 15);
            // The documented identity: normalised mutual k-NN is cosine mNNO with self excluded.
            Assert.Equal(F.mnno(v, z, k, KnnMetric.Cosine, includeSelf: false), got, 15);
        }
        foreach (var p in c.GetProperty("mutual_knn_unnormalized").EnumerateObject())
            Assert.Equal(p.Value.GetDouble(), NeighborOverlap.MutualKnn(v, z, int.Parse(p.Name), normalize: false), 15);
    }

    [Theory]
    [MemberData(nameof(MappingCases))]
    public void MappingReportMatchesReference(string name)
    {
        var c = D.Case("mapping_cases", name);
        int k = c.GetProperty("k").GetInt32();
        using var x = D.Matrix(c.GetProperty("x"));
        using var y = D.Matrix(c.GetProperty("y"));
        using var fx = D.Matrix(c.GetProperty("fx"));
        var r = MappingNeighborhood.Compare(x, y, fx, k);
        Assert.Equal(D.IntVector(c.GetProperty("nno_x_fx")), r.NnoXFx);
        Assert.Equal(D.IntVector(c.GetProperty("nno_y_fx")), r.NnoYFx);
        Assert.Equal(D.IntVector(c.GetProperty("nno_x_y")), r.NnoXY);
        Assert.Equal(c.GetProperty("mnno_x_fx").GetDouble(), r.MnnoXFx, 15);
        Assert.Equal(c.GetProperty("mnno_y_fx").GetDouble(), r.MnnoYFx, 15);
        Assert.Equal(c.GetProperty("mnno_x_y").GetDouble(), r.MnnoXY, 15);
        if (c.TryGetProperty("wilcoxon_pvalue", out var wp))
        {
            Assert.NotNull(r.Wilcoxon);
            Assert.Equal(c.GetProperty("wilcoxon_statistic").GetDouble(), r.Wilcoxon!.Statistic, 12);
            Assert.Equal(wp.GetDouble(), r.Wilcoxon.PValue, 12);
            bool significant = wp.GetDouble() < 0.05;
            var expectedVerdict = !significant ? MappingNeighborhoodVerdict.NoSignificantDifference
                : r.MnnoXFx > r.MnnoYFx ? MappingNeighborhoodVerdict.CloserToInput : MappingNeighborhoodVerdict.CloserToTarget;
            Assert.Equal(expectedVerdict, r.Verdict);
        }
        if (c.TryGetProperty("signflip_pvalue", out var sp))
        {
            Assert.True(r.SignFlip.Exact);
            Assert.Equal(sp.GetDouble(), r.SignFlip.PValue, 12);
            Assert.Equal(c.GetProperty("signflip_statistic").GetDouble(), r.SignFlip.Statistic, 14);
        }
    }
}
