using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Neighbors;

internal sealed unsafe partial class KnnEngine
{
    /// <summary>
    /// Self-query on CPU using the symmetry of the score matrix: block I of rows [r0, r1) computes only the tile
    /// G = X̃_I · X̃_{[r0, n)}ᵀ (half the flops of a full product overall), in column chunks small enough to stay in
    /// cache, each chunk's product split by rows over the .NET workers (libtorch runs single-threaded meanwhile). Each chunk feeds the heaps of the block's own rows (columns ≥ r0) and, in a column pass, the heaps of the
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
            var heaps = new HeapState(heapValues, heapIndices, counts, thresholds, capacity, alpha, beta);
            // Column chunks of the tile are produced and consumed while they are still in cache.
            int chunkWidth = Math.Min(n, chunkColumns ?? (int)Math.Clamp(((2L << 20) / Math.Min(block, n)) & ~31L, 256, Math.Max(256, n)));
            using var buffer = empty([(long)Math.Min(block, n) * chunkWidth], ScalarType.Float32, device: xs.device);
            float* bufferBase = DataPointer(buffer);
            for (int r0 = 0; r0 < n; r0 += block)
            {
                ct.ThrowIfCancellationRequested();
                int rows = Math.Min(block, n - r0);
                int r1 = r0 + rows;
                for (int c0 = r0; c0 < n; c0 += chunkWidth)
                {
                    var tile = new ChunkTile(bufferBase, r0, rows, c0, Math.Min(chunkWidth, n - c0));
                    // The chunk's product is split by columns over the .NET workers (each packs only its own columns),
                    // then row groups feed the block's own heaps while column groups feed the heaps of rows ≥ r1.
                    ProductByColumns(buffer.narrow(0, 0, (long)rows * tile.Width).view(rows, tile.Width),
                        xs.narrow(0, r0, rows), xs, tile.C0, parallel);
                    ScanChunk(tile, heaps, _exclude, _threads, parallel);
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

    /// <summary>The candidate heaps of all rows (native memory) and the key transform α·g + β.</summary>
    private readonly struct HeapState(float* values, int* indices, int* counts, float* thresholds, int capacity, float alpha, float* beta)
    {
        public readonly float* Values = values;
        public readonly int* Indices = indices;
        public readonly int* Counts = counts;
        public readonly float* Thresholds = thresholds;
        public readonly int Capacity = capacity;
        public readonly float Alpha = alpha;
        public readonly float* Beta = beta;
    }

    /// <summary>A chunk of scores: rows [r0, r0 + rows) of the block against columns [c0, c0 + width), row-major.</summary>
    private readonly struct ChunkTile(float* scores, int r0, int rows, int c0, int width)
    {
        public readonly float* Scores = scores;
        public readonly int R0 = r0, Rows = rows, C0 = c0, Width = width;
    }

    /// <summary>Feeds rows [a, b) of a chunk to their own heaps (the own index skipped when excluded).</summary>
    private static void RowPass(ChunkTile tile, HeapState heaps, bool exclude, int a, int b)
    {
        int c0 = tile.C0, width = tile.Width, capacity = heaps.Capacity;
        for (int i = a; i < b; i++)
        {
            int q = tile.R0 + i;
            float* row = tile.Scores + (long)i * width - c0;
            long o = (long)q * capacity;
            float* v = heaps.Values + o;
            int* ix = heaps.Indices + o;
            int count = heaps.Counts[q];
            if (exclude && q >= c0 && q < c0 + width)
            {
                CandidateHeap.ScanRow(v, ix, ref count, capacity, row, c0, q, heaps.Alpha, heaps.Beta);
                CandidateHeap.ScanRow(v, ix, ref count, capacity, row, q + 1, c0 + width, heaps.Alpha, heaps.Beta);
            }
            else
            {
                CandidateHeap.ScanRow(v, ix, ref count, capacity, row, c0, c0 + width, heaps.Alpha, heaps.Beta);
            }
            heaps.Counts[q] = count;
        }
    }

    /// <summary>
    /// Feeds a chunk to the heaps: row groups (the block's rows, own index skipped when excluded) and column groups
    /// (every column j ≥ r1 of the chunk, a row of a later block, receives the block's rows as candidates). The groups
    /// own disjoint heaps and run concurrently.
    /// </summary>
    private static void ScanChunk(ChunkTile tile, HeapState heaps, bool exclude, int threads, ParallelOptions parallel)
    {
        int r0 = tile.R0, rows = tile.Rows, c0 = tile.C0, width = tile.Width;
        int colStart = Math.Max(c0, r0 + rows), colEnd = c0 + width;
        int rowGroups = Math.Clamp(rows / 32, 1, 4 * threads);
        int colGroups = colStart < colEnd ? Math.Clamp((colEnd - colStart) / 256, 1, 4 * threads) : 0;
        Parallel.For(0, rowGroups + colGroups, parallel, item =>
        {
            if (item < rowGroups)
            {
                RowPass(tile, heaps, exclude, (int)((long)rows * item / rowGroups), (int)((long)rows * (item + 1) / rowGroups));
                return;
            }
            int g = item - rowGroups, span = colEnd - colStart;
            int j0 = colStart + (int)((long)span * g / colGroups), j1 = colStart + (int)((long)span * (g + 1) / colGroups);
            for (int i = 0; i < rows; i++)
            {
                float* row = tile.Scores + (long)i * width - c0;
                float betaRow = heaps.Beta is null ? 0f : heaps.Beta[r0 + i];
                CandidateHeap.ScanColumns(heaps.Values, heaps.Indices, heaps.Counts, heaps.Thresholds, heaps.Capacity,
                    row, r0 + i, j0, j1, heaps.Alpha, betaRow);
            }
        });
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
