using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Similarity;

/// <summary>
/// One-to-one matching of the units of two representations by an optimal assignment on their cross-correlation matrix
/// (the "find the best matching between neurons, e.g. with the Hungarian algorithm" remedy for the naive mean-max score;
/// see also Li, Yosinski, Clune, Lipson &amp; Hopcroft 2016, "Convergent learning", ICLR).
/// </summary>
/// <remarks>
/// <para><b>Procedure.</b> C = <see cref="UnitCorrelations.CrossCorrelation"/>(x, y) [d_x, d_y] is computed on the device and
/// copied to the host; the assignment solver receives the score matrix |C| (or C when <see cref="Absolute"/> is false) with
/// <c>maximize = true</c> and must return min(d_x, d_y) distinct (row, column) pairs maximising the total, in the
/// convention of scipy.optimize.linear_sum_assignment. The solver is a delegate so any implementation (the core library's,
/// or a brute force in tests) can be plugged in. NaN correlations (constant units) are given score 0 for the solver.</para>
/// <para><b>Result.</b> Matched pairs (sorted by x unit), their signed correlations, the mean matched |C| (or mean signed C),
/// the permutation aligning y's units to x's, and the naive mean-max score for comparison. The mean is at most the naive
/// score when d_x ≤ d_y.</para>
/// <para><b>Invariances.</b> Unit permutation of either side (the matching follows it), translation, isotropic and per-unit
/// scaling, sign flips when <see cref="Absolute"/>; not orthogonal transforms or general linear maps.</para>
/// </remarks>
public sealed class UnitMatching : IRepresentationMeasure
{
    /// <summary>Creates the measure.</summary>
    /// <param name="solver">
    /// Linear assignment solver: given a [rows, cols] score matrix and <c>maximize</c>, returns equal-length row and column
    /// index arrays of an optimal matching of size min(rows, cols) (as scipy.optimize.linear_sum_assignment).
    /// </param>
    /// <param name="method">Pearson (default) or Spearman unit correlations.</param>
    /// <param name="absolute">Match on |C| (default; a unit and its negation count as the same) or on signed C.</param>
    public UnitMatching(Func<double[,], bool, (int[] rows, int[] cols)> solver, UnitCorrelation method = UnitCorrelation.Pearson, bool absolute = true)
    {
        ArgumentNullException.ThrowIfNull(solver);
        if (!Enum.IsDefined(method))
            throw new ArgumentOutOfRangeException(nameof(method), method, "unknown UnitCorrelation");
        Solver = solver;
        Method = method;
        Absolute = absolute;
    }

    /// <summary>The assignment solver.</summary>
    public Func<double[,], bool, (int[] rows, int[] cols)> Solver { get; }

    /// <summary>Unit correlation method.</summary>
    public UnitCorrelation Method { get; }

    /// <summary>Whether units are matched on absolute correlation.</summary>
    public bool Absolute { get; }

    /// <inheritdoc />
    public string Name => $"unit_matching({Method.ToString().ToLowerInvariant()}{(Absolute ? "" : ", signed")})";

    /// <inheritdoc />
    public bool IsDistance => false;

    /// <summary>The mean matched correlation (see <see cref="UnitMatchingResult.Mean"/>).</summary>
    public double Compute(Tensor x, Tensor y) => ComputeDetailed(x, y).Mean;

    /// <summary>The full matching of <paramref name="x"/> [n, d_x] and <paramref name="y"/> [n, d_y].</summary>
    /// <exception cref="ArgumentException">Invalid shapes or devices, or n &lt; 2.</exception>
    /// <exception cref="InvalidOperationException">The solver returned an invalid matching.</exception>
    public UnitMatchingResult ComputeDetailed(Tensor x, Tensor y)
    {
        using var pair = new PairContext(x, y);
        return ComputeDetailed(pair);
    }

    /// <summary><see cref="ComputeDetailed(Tensor, Tensor)"/> on a pair whose correlation matrix may be shared with <see cref="MeanMaxCorrelation"/>.</summary>
    internal UnitMatchingResult ComputeDetailed(PairContext pair)
    {
        int dx, dy;
        double[] c;
        double naive;
        using (var scope = NewDisposeScope())
        {
            var cc = UnitCorrelations.SharedCrossCorrelation(pair, Method);
            dx = checked((int)cc.shape[0]);
            dy = checked((int)cc.shape[1]);
            naive = UnitCorrelations.NaiveScore(cc);
            c = cc.cpu().contiguous().data<double>().ToArray();
        }
        var scores = new double[dx, dy];
        for (int i = 0; i < dx; i++)
            for (int j = 0; j < dy; j++)
            {
                double v = c[i * dy + j];
                scores[i, j] = double.IsNaN(v) ? 0.0 : Absolute ? Math.Abs(v) : v;
            }
        var (rows, cols) = Solver(scores, true);
        int k = Math.Min(dx, dy);
        if (rows is null || cols is null || rows.Length != k || cols.Length != k)
            throw new InvalidOperationException($"unit matching: the assignment solver must return {k} (row, column) pairs for a {dx} × {dy} matrix, got {rows?.Length ?? 0} rows and {cols?.Length ?? 0} columns");
        var usedRow = new bool[dx];
        var usedCol = new bool[dy];
        var pairs = new (int Row, int Col)[k];
        for (int p = 0; p < k; p++)
        {
            int r = rows[p], q = cols[p];
            if (r < 0 || r >= dx || q < 0 || q >= dy || usedRow[r] || usedCol[q])
                throw new InvalidOperationException($"unit matching: the assignment solver returned an invalid or repeated pair ({r}, {q}) for a {dx} × {dy} matrix");
            usedRow[r] = usedCol[q] = true;
            pairs[p] = (r, q);
        }
        Array.Sort(pairs, (a, b) => a.Row.CompareTo(b.Row));
        var unitsA = new int[k];
        var unitsB = new int[k];
        var correlations = new double[k];
        var permutation = new int[dx];
        Array.Fill(permutation, -1);
        double sum = 0;
        for (int p = 0; p < k; p++)
        {
            unitsA[p] = pairs[p].Row;
            unitsB[p] = pairs[p].Col;
            correlations[p] = c[pairs[p].Row * dy + pairs[p].Col];
            permutation[pairs[p].Row] = pairs[p].Col;
            sum += Absolute ? Math.Abs(correlations[p]) : correlations[p];
        }
        return new UnitMatchingResult(unitsA, unitsB, correlations, k == 0 ? double.NaN : sum / k, permutation, naive);
    }
}
