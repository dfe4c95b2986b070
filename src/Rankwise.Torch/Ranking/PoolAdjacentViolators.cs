namespace Rankwise.Torch.Ranking;

/// <summary>
/// Pool-adjacent-violators for isotonic problems with decreasing constraints v₁ ≥ v₂ ≥ … ≥ vₙ, in one left-to-right
/// pass over a stack of blocks (amortised O(n) time, O(n) scratch, no allocation). Adjacent blocks are merged while
/// the left value is ≤ the right one, so the final block values are strictly decreasing and tied inputs of a
/// projection always share a block. Blocks are reported by their start indices; block b spans
/// [starts[b], starts[b+1]) and the last one ends at n.
/// </summary>
/// <remarks>
/// Reference: Best &amp; Chakravarti (1990); Blondel, Teboul, Berthet &amp; Djolonga, "Fast Differentiable Sorting and
/// Ranking", ICML 2020, Proposition 3 (the l2 and KL isotonic problems and their block solutions).
/// </remarks>
internal static class PoolAdjacentViolators
{
    /// <summary>
    /// Solves argmin over decreasing v of ½‖v − y‖². Each block's value is the mean of its y.
    /// </summary>
    /// <param name="y">Input, length n.</param>
    /// <param name="starts">Scratch/output, length ≥ n: block starts.</param>
    /// <param name="sums">Scratch, length ≥ n.</param>
    /// <param name="values">Output, length ≥ n: block values.</param>
    /// <returns>The number of blocks.</returns>
    public static int DecreasingL2(ReadOnlySpan<double> y, Span<int> starts, Span<double> sums, Span<double> values)
    {
        int top = -1;
        for (int k = 0; k < y.Length; k++)
        {
            top++;
            starts[top] = k;
            sums[top] = y[k];
            values[top] = y[k];
            while (top > 0 && values[top - 1] <= values[top])
            {
                sums[top - 1] += sums[top];
                top--;
                values[top] = sums[top] / (k + 1 - starts[top]);
            }
        }
        return top + 1;
    }

    /// <summary>
    /// Solves argmin over decreasing v of ⟨exp(y − v), 1⟩ + ⟨exp(w), v⟩. Each block's value is
    /// logsumexp(y_B) − logsumexp(w_B), pooled with a numerically stable log-add-exp.
    /// </summary>
    /// <param name="y">First input, length n.</param>
    /// <param name="w">Second input, length n.</param>
    /// <param name="starts">Output, length ≥ n: block starts.</param>
    /// <param name="lseY">Output, length ≥ n: logsumexp of y over each block.</param>
    /// <param name="lseW">Output, length ≥ n: logsumexp of w over each block.</param>
    /// <param name="values">Output, length ≥ n: block values.</param>
    /// <returns>The number of blocks.</returns>
    public static int DecreasingKl(
        ReadOnlySpan<double> y, ReadOnlySpan<double> w, Span<int> starts, Span<double> lseY, Span<double> lseW, Span<double> values)
    {
        int top = -1;
        for (int k = 0; k < y.Length; k++)
        {
            top++;
            starts[top] = k;
            lseY[top] = y[k];
            lseW[top] = w[k];
            values[top] = y[k] - w[k];
            while (top > 0 && values[top - 1] <= values[top])
            {
                lseY[top - 1] = LogAddExp(lseY[top - 1], lseY[top]);
                lseW[top - 1] = LogAddExp(lseW[top - 1], lseW[top]);
                top--;
                values[top] = lseY[top] - lseW[top];
            }
        }
        return top + 1;
    }

    /// <summary>
    /// <see cref="DecreasingKl"/> for the soft rank, where w = log ρ with ρ_k = n − k: the logsumexp of w over a block
    /// is log Σ_B ρ, so the ρ sums are pooled exactly instead (one log-add-exp and one log per merge).
    /// </summary>
    /// <param name="y">First input (the sorted values), length n.</param>
    /// <param name="logRho">log ρ, length n.</param>
    /// <param name="starts">Output, length ≥ n: block starts.</param>
    /// <param name="lseY">Output, length ≥ n: logsumexp of y over each block.</param>
    /// <param name="rhoSums">Output, length ≥ n: Σ ρ over each block.</param>
    /// <param name="values">Output, length ≥ n: block values logsumexp(y_B) − log Σ_B ρ.</param>
    /// <returns>The number of blocks.</returns>
    public static int DecreasingKlRanks(
        ReadOnlySpan<double> y, ReadOnlySpan<double> logRho, Span<int> starts, Span<double> lseY, Span<double> rhoSums,
        Span<double> values)
    {
        int n = y.Length, top = -1;
        for (int k = 0; k < n; k++)
        {
            top++;
            starts[top] = k;
            lseY[top] = y[k];
            rhoSums[top] = n - k;
            values[top] = y[k] - logRho[k];
            while (top > 0 && values[top - 1] <= values[top])
            {
                lseY[top - 1] = LogAddExp(lseY[top - 1], lseY[top]);
                rhoSums[top - 1] += rhoSums[top];
                top--;
                values[top] = lseY[top] - Math.Log(rhoSums[top]);
            }
        }
        return top + 1;
    }

    /// <summary>log(exp(a) + exp(b)) without overflow.</summary>
    public static double LogAddExp(double a, double b)
    {
        double larger = Math.Max(a, b);
        double smaller = Math.Min(a, b);
        return larger + Log1P(Math.Exp(smaller - larger));
    }

    /// <summary>log(1 + x) accurate for small x (Goldberg's correction of the rounded 1 + x).</summary>
    private static double Log1P(double x)
    {
        double u = 1.0 + x;
        return u == 1.0 ? x : Math.Log(u) * x / (u - 1.0);
    }
}
