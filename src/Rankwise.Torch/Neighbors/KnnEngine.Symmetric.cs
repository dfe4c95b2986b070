using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Neighbors;

internal sealed unsafe partial class KnnEngine
{
    /// <summary>
    /// Self-query on CPU using the symmetry of the score matrix: block I of rows [r0, r1) computes only the tile
    /// G = X̃_I · X̃_{[r0, n)}ᵀ (half the flops of a full product overall), in column chunks small enough to stay in
    /// cache. Each chunk feeds the heaps of the block's own rows (columns ≥ r0) and, in a column pass, the heaps of the
    /// rows j ≥ r1 (whose columns in I are never computed again). When block I starts, the heaps of its rows already
    /// hold every column &lt; r0, so after its chunks they are final and are re-ranked exactly; rows that need a wider
    /// candidate set get a full row of scores recomputed.
    /// </summary>
    private void SymmetricSearch(Tensor xs, int block, int? chunkColumns, ParallelOptions parallel, IProgress<double>? progress, CancellationToken ct)
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
            // Column chunks of the tile are produced and consumed while they are still in cache.
            int chunkWidth = Math.Min(n, chunkColumns ?? (int)Math.Clamp(((2L << 20) / Math.Min(block, n)) & ~31L, 256, Math.Max(256, n)));
            using var buffer = empty([(long)Math.Min(block, n) * chunkWidth], ScalarType.Float32, device: xs.device);
            float* chunkBase = DataPointer(buffer);
            for (int r0 = 0; r0 < n; r0 += block)
            {
                ct.ThrowIfCancellationRequested();
                int rows = Math.Min(block, n - r0);
                int r1 = r0 + rows;
                using var scope = NewDisposeScope();
                var queries = xs.narrow(0, r0, rows);
                for (int c0 = r0; c0 < n; c0 += chunkWidth)
                {
                    int width = Math.Min(chunkWidth, n - c0);
                    var chunk = buffer.narrow(0, 0, (long)rows * width).view(rows, width);
                    chunk.addmm_(queries, xs.narrow(0, c0, width).t(), beta: 0, alpha: 1);
                    int rowItems = Math.Min(rows, 4 * _threads);
                    int colStart = Math.Max(c0, r1), colEnd = c0 + width;
                    int colItems = colStart < colEnd ? Math.Min(4 * _threads, Math.Max(1, (colEnd - colStart) / 256)) : 0;
                    int c0Local = c0;
                    // Work items: row groups (this block's rows, columns of the chunk) and column groups (rows ≥ r1
                    // receive this block's scores). They touch disjoint heaps, so they run concurrently.
                    Parallel.For(0, rowItems + colItems, parallel, item =>
                    {
                        if (item < rowItems)
                        {
                            int i0 = (int)((long)rows * item / rowItems), i1 = (int)((long)rows * (item + 1) / rowItems);
                            for (int i = i0; i < i1; i++)
                            {
                                int q = r0 + i;
                                float* row = chunkBase + (long)i * width - c0Local;
                                long o = (long)q * capacity;
                                float* v = heapValues + o;
                                int* ix = heapIndices + o;
                                int count = counts[q];
                                if (_exclude && q >= c0Local && q < c0Local + width)
                                {
                                    CandidateHeap.ScanRow(v, ix, ref count, capacity, row, c0Local, q, alpha, beta);
                                    CandidateHeap.ScanRow(v, ix, ref count, capacity, row, q + 1, c0Local + width, alpha, beta);
                                }
                                else
                                {
                                    CandidateHeap.ScanRow(v, ix, ref count, capacity, row, c0Local, c0Local + width, alpha, beta);
                                }
                                counts[q] = count;
                            }
                        }
                        else
                        {
                            int g = item - rowItems, span = colEnd - colStart;
                            int j0 = colStart + (int)((long)span * g / colItems), j1 = colStart + (int)((long)span * (g + 1) / colItems);
                            for (int i = 0; i < rows; i++)
                            {
                                float* row = chunkBase + (long)i * width - c0Local;
                                float betaRow = beta is null ? 0f : beta[r0 + i];
                                CandidateHeap.ScanColumns(heapValues, heapIndices, counts, thresholds, capacity,
                                    row, r0 + i, j0, j1, alpha, betaRow);
                            }
                        }
                    });
                }

                // Every row of the block has now seen all columns: re-rank exactly.
                var failed = new bool[rows];
                Parallel.For(0, rows, parallel, () => new Scratch(), (i, _, sc) =>
                {
                    int q = r0 + i;
                    long o = (long)q * capacity;
                    failed[i] = !FinishRow(q, new ReadOnlySpan<int>(heapIndices + o, counts[q]),
                        new ReadOnlySpan<float>(heapValues + o, counts[q]), heapValues[o], capacity >= Available, sc);
                    return sc;
                }, _ => { });
                var retry = new List<int>();
                for (int i = 0; i < rows; i++)
                    if (failed[i])
                        retry.Add(r0 + i);
                if (retry.Count > 0)
                    WidenRows(xs, retry, capacity, alpha, beta, parallel);
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
