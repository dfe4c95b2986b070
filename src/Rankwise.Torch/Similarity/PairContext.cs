using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Similarity;

/// <summary>
/// The work that the measures comparing one pair of representations x [n, d_x], y [n, d_y] have in common: the float64
/// copies and their finiteness, the column-centred matrices, their rank-revealing bases (QR + SVD), the cross product
/// U_xᵀU_y of the bases, the CCA decomposition, the unit cross-correlation matrix, and any measure result worth keeping.
/// Each is computed on first use and kept until <see cref="Dispose"/>, so computing several measures of one pair
/// (<c>rankwise compare --measures all</c>) decomposes each representation once instead of once per measure. A measure
/// called on its own creates a context for that call only, so it computes exactly what it did before.
/// </summary>
/// <remarks>
/// The tensors handed out belong to the context (they are detached from every dispose scope and freed by
/// <see cref="Dispose"/>); callers must not dispose or modify them. Not thread-safe: one caller at a time.
/// The inputs are not validated here; each measure validates them with its own name in the messages.
/// </remarks>
internal sealed class PairContext : IDisposable
{
    private readonly List<Tensor> owned = [];
    private readonly HashSet<Tensor> ownedSet = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<object, object> memo = [];
    private readonly List<double[]> spareArrays = [];
    private Tensor? x64, y64, xc, yc;
    private bool? finite;

    /// <summary>Creates a context for the pair (nothing is computed yet).</summary>
    internal PairContext(Tensor x, Tensor y)
    {
        X = x;
        Y = y;
    }

    /// <summary>The first representation as given.</summary>
    internal Tensor X { get; }

    /// <summary>Checked between the row blocks of the long condensed (n(n−1)/2) computations of RSA and RBF CKA.</summary>
    internal CancellationToken Cancellation { get; init; }

    /// <summary>The second representation as given.</summary>
    internal Tensor Y { get; }

    /// <summary>x as float64 on its device, detached from autograd.</summary>
    internal Tensor X64 => x64 ??= Make(() => SimilarityInput.ToFloat64(X));

    /// <summary>y as float64 on its device, detached from autograd.</summary>
    internal Tensor Y64 => y64 ??= Make(() => SimilarityInput.ToFloat64(Y));

    /// <summary>True when every element of both inputs is finite.</summary>
    internal bool Finite
    {
        get
        {
            if (finite is null)
            {
                using var scope = NewDisposeScope();
                finite = SimilarityInput.AllFinite(X64) && SimilarityInput.AllFinite(Y64);
            }
            return finite.Value;
        }
    }

    /// <summary>Column-centred float64 x (<see cref="SimilarityInput.Centre"/>).</summary>
    internal Tensor Xc => xc ??= Make(() => SimilarityInput.Centre(X64));

    /// <summary>Column-centred float64 y (<see cref="SimilarityInput.Centre"/>).</summary>
    internal Tensor Yc => yc ??= Make(() => SimilarityInput.Centre(Y64));

    /// <summary>
    /// <see cref="SimilarityInput.RankBasis"/> of the centred x (<paramref name="first"/>) or y with tolerance
    /// <paramref name="rtol"/>: U [n, r] with orthonormal columns and the singular values S [r], descending.
    /// </summary>
    internal (Tensor U, Tensor S) Basis(bool first, double? rtol) =>
        Memo(("basis", first, rtol), () =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var (u, s) = SimilarityInput.RankBasis(first ? Xc : Yc, rtol);
            return (Keep(u), Keep(s));
        });

    /// <summary>U_xᵀU_y [r_x, r_y] of the two <see cref="Basis"/> matrices (the cosines between the column spaces).</summary>
    internal Tensor Cross(double? rtol) =>
        Memo(("cross", rtol), () => Make(() => Basis(true, rtol).U.t().matmul(Basis(false, rtol).U)));

    /// <summary>The CCA decomposition of the centred pair (<see cref="CcaCore.Decompose(PairContext, double, double?)"/>).</summary>
    internal CcaCore.Decomposition Decomposition(double epsilon, double? rtol) =>
        Memo(("cca", epsilon, rtol), () =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var d = CcaCore.Decompose(this, epsilon, rtol);
            return d with
            {
                Qx = Keep(d.Qx),
                Dx = Keep(d.Dx),
                Qy = Keep(d.Qy),
                Dy = Keep(d.Dy),
                U = Keep(d.U),
                Rho = Keep(d.Rho),
                Vh = Keep(d.Vh),
            };
        });

    /// <summary>
    /// The value stored under <paramref name="key"/>, computed by <paramref name="compute"/> on first use. Tensors inside
    /// the value must already belong to the context (<see cref="Keep"/>).
    /// </summary>
    internal T Memo<T>(object key, Func<T> compute) where T : notnull
    {
        if (memo.TryGetValue(key, out var value))
            return (T)value;
        var result = compute();
        memo[key] = result;
        return result;
    }

    /// <summary>
    /// A float64 work array of exactly <paramref name="length"/> elements (contents undefined): one handed back by
    /// <see cref="ReturnArray"/> when there is one (its pages are already mapped, which matters for the n(n−1)/2-long
    /// arrays of RBF CKA and RSA), else a new one.
    /// </summary>
    internal double[] RentArray(int length)
    {
        int i = spareArrays.FindIndex(a => a.Length == length);
        if (i < 0)
            return GC.AllocateUninitializedArray<double>(length);
        var array = spareArrays[i];
        spareArrays.RemoveAt(i);
        return array;
    }

    /// <summary>Hands a work array back for a later <see cref="RentArray"/> of the same length (the caller stops using it).</summary>
    internal void ReturnArray(double[] array) => spareArrays.Add(array);

    /// <summary>Takes ownership of <paramref name="t"/>: detached from its dispose scope, freed by <see cref="Dispose"/>.</summary>
    internal Tensor Keep(Tensor t)
    {
        // A tensor the context already owns (e.g. a float64 input returned as is) is kept once.
        if (ownedSet.Add(t))
        {
            t.DetachFromDisposeScope();
            owned.Add(t);
        }
        return t;
    }

    /// <summary>Evaluates <paramref name="compute"/> in its own dispose scope without autograd and keeps the result.</summary>
    internal Tensor Make(Func<Tensor> compute)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return Keep(compute());
    }

    /// <summary>Frees every tensor the context owns.</summary>
    public void Dispose()
    {
        foreach (var t in owned)
            t.Dispose();
        owned.Clear();
        ownedSet.Clear();
        memo.Clear();
        spareArrays.Clear();
        x64 = y64 = xc = yc = null;
        finite = null;
    }
}
