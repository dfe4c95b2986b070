using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Rankwise.Torch.Neighbors;

/// <summary>
/// Bounded min-heaps of the c largest float32 screening keys of a row, with their column indices, stored in caller
/// memory (so that n heaps can live in two flat arrays), fed by vectorised threshold scans that compare thirty-two keys at
/// a time and visit only the lanes above the threshold.
/// </summary>
/// <remarks>
/// A key is α·g + β where g is the stored float32 score and β is per column (row scans) or per row (column scans);
/// α = 1, β = 0 except for the symmetric Euclidean search (α = 2, β = −‖x̃‖²). Which of several equal keys at the
/// boundary is kept is unspecified: the exact re-ranking that follows checks the boundary against the error bound.
/// </remarks>
internal static unsafe class CandidateHeap
{
    /// <summary>Adds (value, index) to a heap of capacity <paramref name="capacity"/> holding <paramref name="count"/> entries.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Offer(float* values, int* indices, ref int count, int capacity, float value, int index)
    {
        if (count < capacity)
            Push(values, indices, ref count, value, index);
        else if (value > values[0])
            ReplaceMin(values, indices, count, value, index);
    }

    private static void Push(float* values, int* indices, ref int count, float value, int index)
    {
        int i = count++;
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (values[parent] <= value)
                break;
            values[i] = values[parent];
            indices[i] = indices[parent];
            i = parent;
        }
        values[i] = value;
        indices[i] = index;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ReplaceMin(float* values, int* indices, int count, float value, int index)
    {
        int i = 0;
        while (true)
        {
            int l = 2 * i + 1;
            if (l >= count)
                break;
            int r = l + 1;
            int m = r < count && values[r] < values[l] ? r : l;
            if (values[m] >= value)
                break;
            values[i] = values[m];
            indices[i] = indices[m];
            i = m;
        }
        values[i] = value;
        indices[i] = index;
    }

    /// <summary>
    /// Offers the keys of columns [start, end) of one row to its heap: key_j = <paramref name="alpha"/>·row[j] + beta[j]
    /// (β = 0 when <paramref name="beta"/> is null). <paramref name="row"/> and <paramref name="beta"/> are indexed by column.
    /// Blocks of 32 keys are compared with the current threshold at once and only the lanes above it are visited.
    /// </summary>
    public static void ScanRow(float* values, int* indices, ref int count, int capacity,
        float* row, int start, int end, float alpha, float* beta)
    {
        int j = start;
        while (count < capacity && j < end)
        {
            Push(values, indices, ref count, Key(row, beta, alpha, j), j);
            j++;
        }
        if (j >= end)
            return;
        float threshold = values[0];
        if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(alpha);
            var vt = Vector256.Create(threshold);
            for (; j + 32 <= end; j += 32)
            {
                Vector256<float> k0, k1, k2, k3;
                if (beta is null)
                {
                    k0 = Vector256.Load(row + j);
                    k1 = Vector256.Load(row + j + 8);
                    k2 = Vector256.Load(row + j + 16);
                    k3 = Vector256.Load(row + j + 24);
                    if (alpha != 1f)
                    {
                        k0 *= va; k1 *= va; k2 *= va; k3 *= va;
                    }
                }
                else
                {
                    k0 = va * Vector256.Load(row + j) + Vector256.Load(beta + j);
                    k1 = va * Vector256.Load(row + j + 8) + Vector256.Load(beta + j + 8);
                    k2 = va * Vector256.Load(row + j + 16) + Vector256.Load(beta + j + 16);
                    k3 = va * Vector256.Load(row + j + 24) + Vector256.Load(beta + j + 24);
                }
                uint mask = Vector256.GreaterThan(k0, vt).ExtractMostSignificantBits()
                    | Vector256.GreaterThan(k1, vt).ExtractMostSignificantBits() << 8
                    | Vector256.GreaterThan(k2, vt).ExtractMostSignificantBits() << 16
                    | Vector256.GreaterThan(k3, vt).ExtractMostSignificantBits() << 24;
                if (mask == 0)
                    continue;
                do
                {
                    int t = j + BitOperations.TrailingZeroCount(mask);
                    float key = Key(row, beta, alpha, t);
                    if (key > threshold)
                    {
                        ReplaceMin(values, indices, count, key, t);
                        threshold = values[0];
                    }
                    mask &= mask - 1;
                }
                while (mask != 0);
                vt = Vector256.Create(threshold);
            }
        }
        for (; j < end; j++)
        {
            float key = Key(row, beta, alpha, j);
            if (key > threshold)
            {
                ReplaceMin(values, indices, count, key, j);
                threshold = values[0];
            }
        }
    }

    /// <summary>
    /// Column pass of the symmetric search: row <paramref name="i"/> of a score tile offers key α·tile[j] + <paramref name="betaRow"/>
    /// to the heap of every column j in [start, end) whose current threshold it beats. Heaps are stored at
    /// <c>values + j·capacity</c>; <paramref name="thresholds"/>[j] is −∞ until heap j is full, then its minimum.
    /// </summary>
    public static void ScanColumns(float* heapValues, int* heapIndices, int* counts, float* thresholds, int capacity,
        float* tileRow, int i, int start, int end, float alpha, float betaRow)
    {
        int j = start;
        if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(alpha);
            var vb = Vector256.Create(betaRow);
            for (; j + 32 <= end; j += 32)
            {
                uint mask = Vector256.GreaterThan(va * Vector256.Load(tileRow + j) + vb, Vector256.Load(thresholds + j)).ExtractMostSignificantBits()
                    | Vector256.GreaterThan(va * Vector256.Load(tileRow + j + 8) + vb, Vector256.Load(thresholds + j + 8)).ExtractMostSignificantBits() << 8
                    | Vector256.GreaterThan(va * Vector256.Load(tileRow + j + 16) + vb, Vector256.Load(thresholds + j + 16)).ExtractMostSignificantBits() << 16
                    | Vector256.GreaterThan(va * Vector256.Load(tileRow + j + 24) + vb, Vector256.Load(thresholds + j + 24)).ExtractMostSignificantBits() << 24;
                while (mask != 0)
                {
                    int t = j + BitOperations.TrailingZeroCount(mask);
                    OfferColumn(heapValues, heapIndices, counts, thresholds, capacity, t, alpha * tileRow[t] + betaRow, i);
                    mask &= mask - 1;
                }
            }
        }
        for (; j < end; j++)
            OfferColumn(heapValues, heapIndices, counts, thresholds, capacity, j, alpha * tileRow[j] + betaRow, i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OfferColumn(float* heapValues, int* heapIndices, int* counts, float* thresholds, int capacity,
        int j, float key, int i)
    {
        if (!(key > thresholds[j]))
            return;
        long o = (long)j * capacity;
        float* v = heapValues + o;
        int count = counts[j];
        Offer(v, heapIndices + o, ref count, capacity, key, i);
        counts[j] = count;
        if (count == capacity)
            thresholds[j] = v[0];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Key(float* row, float* beta, float alpha, int j) => beta is null ? alpha * row[j] : alpha * row[j] + beta[j];
}
