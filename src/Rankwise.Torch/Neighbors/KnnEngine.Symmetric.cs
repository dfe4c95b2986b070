using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Neighbors;

internal sealed unsafe partial class KnnEngine
{
    /// <summary>
    /// Self-query on CPU using the symmetry of the score matrix: block I of rows [r0, r1) computes only the tile
    /// G = X̃_I · X̃_{[r0, n)}ᵀ (half the flops of a full product overall). Each row of the tile feeds its own row's heap
    /// (columns ≥ r0) and, in a column pass, the heaps of the rows j ≥ r1 (whose columns in I are never computed again).
    /// When block I starts, the heaps of its rows already hold every column &lt; r0, so after the row pass they are final
    /// and are re-ranked exactly; rows that need a wider candidate set get a full row of scores recomputed.
    /// </summary>
    private void SymmetricSearch(Tensor xs, int block, ParallelOptions parallel, IProgress<double>? progress, CancellationToken ct)
    {
        int n = _n;
        int capacity = Math.Min(_k + _margin, Available);
        float alpha = _metric == KnnMetric.Euclidean ? 2f : 1f;
        long slots = (long)n * capacity;
        float* heapValues = (float*)NativeMemory.Alloc((nuint)slots, sizeof(float));
        int* heapIndices = (int*)NativeMemory.Alloc((nuint)slots, sizeof(int));
        int* counts = (int*)NativeMemory.AllocZeroed((nuint)n, sizeof(int));
        float* thresholds = (float*)NativeMemory.Alloc((nuint)n, sizeof(float));
        var betaHandle = _beta is null ? default : GCHandle.Alloc(_beta, GCHandleType.Pinned);
        try
        {
            new Span<float>(thresholds, n).Fill(float.NegativeInfinity);
            float* beta = _beta is null ? null : (float*)betaHandle.AddrOfPinnedObject();
            using var buffer = empty([(long)block * n], ScalarType.Float32, device: xs.device);
            float* tileBase = DataPointer(buffer);
            for (int r0 = 0; r0 < n; r0 += block)
            {
                ct.ThrowIfCancellationRequested();
                int rows = Math.Min(block, n - r0);
                int width = n - r0;
                int r1 = r0 + rows;
                using (var scope = NewDisposeScope())
                {
                    var tile = buffer.narrow(0, 0, (long)rows * width).view(rows, width);
                        tile.addmm_(xs.narrow(0, r0, rows), xs.narrow(0, r0, width).t(), beta: 0, alpha: 1);
    
                    // Column pass: rows j ≥ r1 receive the scores of this block's rows (column indices r0 + i).
                    if (r1 < n)
                    {
                        int span = n - r1;
                        int chunk = Math.Max(512, (span / (4 * _threads) + 15) & ~15);
                        int chunks = (span + chunk - 1) / chunk;
                        Parallel.For(0, chunks, parallel, c =>
                        {
                            int start = r1 + c * chunk;
                            int end = Math.Min(n, start + chunk);
                            for (int i = 0; i < rows; i++)
                            {
                                float* tileRow = tileBase + (long)i * width - r0;
                                float betaRow = beta is null ? 0f : beta[r0 + i];
                                CandidateHeap.ScanColumns(heapValues, heapIndices, counts, thresholds, capacity,
                                    tileRow, r0 + i, start, end, alpha, betaRow);
                            }
                        });
                    }

                    // Row pass: complete each row of the block with its columns ≥ r0, then re-rank exactly.
                    var failed = new bool[rows];
                    Parallel.For(0, rows, parallel, () => new Scratch(), (i, _, sc) =>
                    {
                        int q = r0 + i;
                        float* tileRow = tileBase + (long)i * width - r0;
                        long o = (long)q * capacity;
                        float* v = heapValues + o;
                        int* ix = heapIndices + o;
                        int count = counts[q];
                        if (_exclude)
                        {
                            CandidateHeap.ScanRow(v, ix, ref count, capacity, tileRow, r0, q, alpha, beta);
                            CandidateHeap.ScanRow(v, ix, ref count, capacity, tileRow, q + 1, n, alpha, beta);
                        }
                        else
                        {
                            CandidateHeap.ScanRow(v, ix, ref count, capacity, tileRow, r0, n, alpha, beta);
                        }
                        counts[q] = count;
                        failed[i] = !FinishRow(q, new ReadOnlySpan<int>(ix, count), v[0], capacity >= Available, sc);
                        return sc;
                    }, _ => { });
    
                    var retry = new List<int>();
                    for (int i = 0; i < rows; i++)
                        if (failed[i])
                            retry.Add(r0 + i);
                    if (retry.Count > 0)
                        WidenRows(xs, retry, capacity, alpha, beta, parallel);
                }
                progress?.Report((double)r1 / n);
            }
        }
        finally
        {
            NativeMemory.Free(heapValues);
            NativeMemory.Free(heapIndices);
            NativeMemory.Free(counts);
            NativeMemory.Free(thresholds);
            if (betaHandle.IsAllocated)
                betaHandle.Free();
        }
    }

    /// <summary>Recomputes full rows of screening scores for rows whose candidate set was too small and finishes them.</summary>
    private void WidenRows(Tensor xs, List<int> rowsToWiden, int capacity, float alpha, float* beta, ParallelOptions parallel)
    {
        _widened += rowsToWiden.Count;
        int step = (int)Math.Max(1, Math.Min(rowsToWiden.Count, (64L << 20) / (4L * _n)));
        for (int s0 = 0; s0 < rowsToWiden.Count; s0 += step)
        {
            using var scope = NewDisposeScope();
            int count = Math.Min(step, rowsToWiden.Count - s0);
            var ids = rowsToWiden.GetRange(s0, count).ToArray();
            var full = xs.index_select(0, tensor(ids, dtype: ScalarType.Int64, device: xs.device)).mm(xs.t()).contiguous();
            float* rowsPtr = DataPointer(full);
            int next = Math.Min(2 * capacity, Available);
            Parallel.For(0, count, parallel, () => new Scratch(), (p, _, sc) =>
            {
                ScanAndFinish(ids[p], rowsPtr + (long)p * _n, next, alpha, beta, sc);
                return sc;
            }, _ => { });
        }
    }
}
