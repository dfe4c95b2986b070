using TorchSharp;
using static TorchSharp.torch;
using RankOps = Rankwise.Torch.Ranking.functional;

namespace Rankwise.Torch.Sorters;

/// <summary>
/// Measures how well a ranker approximates the exact ranks on fresh synthetic sequences from each generator
/// (<see cref="SyntheticSequences"/>): Spearman's ρ between predicted and exact ranks per sequence, and the mean absolute
/// error of the normalised ranks.
/// </summary>
public static class SorterEvaluation
{
    /// <summary>Stream offset of evaluation data (disjoint from training streams 1, 2, … and validation streams).</summary>
    internal const ulong EvaluationStream = 1UL << 63;

    /// <summary>Stream offset of validation data during training.</summary>
    internal const ulong ValidationStream = 1UL << 62;

    /// <summary>
    /// Scores <paramref name="ranker"/> on <paramref name="sequences"/> fresh sequences of each generator.
    /// </summary>
    /// <remarks>
    /// Sequences of generator g come from stream 2⁶³ + g under <paramref name="seed"/> (never used for training batches,
    /// whose streams are the step numbers, nor for validation, 2⁶² + g), float32 on <paramref name="device"/>. The
    /// ranker must return normalised ascending ranks (≈ rank/n) of the same shape, e.g. a <see cref="LearnedSorter"/>,
    /// <c>x =&gt; sigmoid_rank(x, normalize: true)</c> or <c>x =&gt; soft_rank(x, "l2", ε) / n</c>. ρ is the Pearson
    /// correlation of the average ranks of the prediction with the exact ranks (scipy.stats.spearmanr per row); a
    /// constant prediction gives ρ = NaN for that row, which makes the mean NaN.
    /// </remarks>
    /// <param name="ranker">Maps [b, n] scores to [b, n] normalised ranks; evaluated without gradient.</param>
    /// <param name="length">Sequence length n ≥ 2.</param>
    /// <param name="sequences">Sequences per generator, ≥ 1.</param>
    /// <param name="seed">Seed of the data. Default 0.</param>
    /// <param name="device">Device of the data; null for the CPU.</param>
    /// <param name="chunk">Sequences per ranker call. Default 512.</param>
    /// <param name="cancellationToken">Checked between chunks.</param>
    /// <returns>The score of each generator, in <see cref="SyntheticSequences.Generators"/> order.</returns>
    /// <exception cref="ArgumentException">Invalid length, count or chunk, or the ranker changes the shape.</exception>
    public static IReadOnlyDictionary<SequenceGenerator, SorterScore> Evaluate(
        Func<Tensor, Tensor> ranker, int length, int sequences, ulong seed = 0, Device? device = null, int chunk = 512,
        CancellationToken cancellationToken = default) =>
        EvaluateStreams(ranker, length, sequences, seed, EvaluationStream, device, chunk, cancellationToken);

    internal static IReadOnlyDictionary<SequenceGenerator, SorterScore> EvaluateStreams(
        Func<Tensor, Tensor> ranker, int length, int sequences, ulong seed, ulong streamBase, Device? device, int chunk,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ranker);
        if (length < 2)
        {
            throw new ArgumentException($"length: expected a sequence length ≥ 2 but got {length}.", nameof(length));
        }
        if (sequences < 1)
        {
            throw new ArgumentException($"sequences: expected ≥ 1 but got {sequences}.", nameof(sequences));
        }
        if (chunk < 1)
        {
            throw new ArgumentException($"chunk: expected ≥ 1 but got {chunk}.", nameof(chunk));
        }
        var result = new Dictionary<SequenceGenerator, SorterScore>();
        foreach (var generator in SyntheticSequences.Generators)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var values = SyntheticSequences.Sample(generator, sequences, length, seed, streamBase + (ulong)generator, device: device);
            var rhos = new List<Tensor>();
            var errors = new List<Tensor>();
            for (int start = 0; start < sequences; start += chunk)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int count = Math.Min(chunk, sequences - start);
                var x = values.narrow(0, start, count);
                var predicted = ranker(x);
                if (!predicted.shape.SequenceEqual(x.shape))
                {
                    throw new ArgumentException(
                        $"ranker: returned shape [{string.Join(", ", predicted.shape)}] for [{string.Join(", ", x.shape)}]; it must keep the shape.",
                        nameof(ranker));
                }
                var (rho, error) = Compare(predicted, SyntheticSequences.TargetRanks(x));
                rhos.Add(rho);
                errors.Add(error);
            }
            var allRho = cat(rhos).cpu();
            var allError = cat(errors).cpu();
            result[generator] = new SorterScore(
                allRho.mean().item<double>(), allRho.min().item<double>(), allError.mean().item<double>());
        }
        return result;
    }

    /// <summary>
    /// Scores predicted normalised ranks of given rows against the exact ranks of those rows: mean and smallest
    /// per-row Spearman ρ, and the mean absolute error of rank/n.
    /// </summary>
    /// <param name="predicted">Predicted ranks [b, n] (ascending, ≈ rank/n).</param>
    /// <param name="values">The scores that were ranked, [b, n].</param>
    /// <returns>The score.</returns>
    /// <exception cref="ArgumentException">Shapes differ or are not 2-D.</exception>
    public static SorterScore Score(Tensor predicted, Tensor values)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(values);
        if (predicted.dim() != 2 || !predicted.shape.SequenceEqual(values.shape))
        {
            throw new ArgumentException(
                $"predicted: expected the 2-D shape of values [{string.Join(", ", values.shape)}] but got [{string.Join(", ", predicted.shape)}].",
                nameof(predicted));
        }
        using var scope = NewDisposeScope();
        var (rho, mae) = Compare(predicted, SyntheticSequences.TargetRanks(values.detach().to(predicted.device)));
        return new SorterScore(rho.mean().item<double>(), rho.min().item<double>(), mae.mean().item<double>());
    }

    /// <summary>Per-row Spearman ρ of <paramref name="predicted"/> against exact <paramref name="target"/> ranks and per-row
    /// mean absolute error, both float64 [b].</summary>
    internal static (Tensor Rho, Tensor Mae) Compare(Tensor predicted, Tensor target)
    {
        using var scope = NewDisposeScope();
        var p = predicted.detach().to_type(ScalarType.Float64);
        var t = target.to_type(ScalarType.Float64);
        var mae = (p - t).abs().mean([1]);
        var a = RankOps.rank(p);
        a = a - a.mean([1], keepdim: true);
        var b = t - t.mean([1], keepdim: true);
        var rho = (a * b).sum(1) / (a.norm(1) * b.norm(1));
        return (rho.MoveToOuterDisposeScope(), mae.MoveToOuterDisposeScope());
    }
}
