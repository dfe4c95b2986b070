using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Rankwise.Torch.Tests.Similarity;

/// <summary>One golden case from tests/ReferenceData/similarity/similarity_reference.json.</summary>
public sealed class ReferenceCase
{
    public required string Name { get; init; }
    public required double[,] X { get; init; }
    public required double[,] Y { get; init; }
    public required Dictionary<string, JsonElement> Expected { get; init; }

    public bool Has(string key) => Expected.TryGetValue(key, out var e) && e.ValueKind != JsonValueKind.Null;
    public double Value(string key) => Expected[key].GetDouble();
    public double[] Vector(string key) => Expected[key].EnumerateArray().Select(e => e.GetDouble()).ToArray();
    public double[][] Matrix(string key) => Expected[key].EnumerateArray().Select(r => r.EnumerateArray().Select(e => e.GetDouble()).ToArray()).ToArray();
    public override string ToString() => Name;
}

/// <summary>Loading of the golden data and small tensor helpers shared by the similarity tests.</summary>
public static class SimilarityTestData
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "ReferenceData", "similarity");

    private static readonly Lazy<IReadOnlyList<ReferenceCase>> _cases = new(Load);

    public static IReadOnlyList<ReferenceCase> Cases => _cases.Value;

    public static ReferenceCase Case(string name) => Cases.Single(c => c.Name == name);

    public static IEnumerable<object[]> CaseNames => Cases.Select(c => new object[] { c.Name });

    private static IReadOnlyList<ReferenceCase> Load()
    {
        using var stream = File.OpenRead(Path.Combine(Directory, "similarity_reference.json"));
        using var doc = JsonDocument.Parse(stream);
        var list = new List<ReferenceCase>();
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            list.Add(new ReferenceCase
            {
                Name = c.GetProperty("name").GetString()!,
                X = ToArray2D(c.GetProperty("x")),
                Y = ToArray2D(c.GetProperty("y")),
                Expected = c.GetProperty("expected").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone()),
            });
        }
        return list;
    }

    private static double[,] ToArray2D(JsonElement rows)
    {
        var r = rows.EnumerateArray().Select(row => row.EnumerateArray().Select(e => e.GetDouble()).ToArray()).ToArray();
        var a = new double[r.Length, r[0].Length];
        for (int i = 0; i < r.Length; i++)
            for (int j = 0; j < r[0].Length; j++)
                a[i, j] = r[i][j];
        return a;
    }

    /// <summary>A float64 tensor [rows, cols] copied from a 2-D array (created outside any dispose scope unless one is open).</summary>
    public static Tensor T(double[,] a, ScalarType dtype = ScalarType.Float64)
    {
        int rows = a.GetLength(0), cols = a.GetLength(1);
        var flat = new double[rows * cols];
        Buffer.BlockCopy(a, 0, flat, 0, flat.Length * sizeof(double));
        return tensor(flat, [rows, cols], dtype: dtype);
    }

    /// <summary>Standard normal tensor [rows, cols] from a seeded generator (float64).</summary>
    public static Tensor Randn(long rows, long cols, Generator g) => randn([rows, cols], dtype: ScalarType.Float64, generator: g);

    /// <summary>A random orthogonal matrix [d, d] (Q of a QR of a Gaussian matrix).</summary>
    public static Tensor RandomOrthogonal(long d, Generator g) => linalg.qr(Randn(d, d, g)).Q;

    /// <summary>
    /// Exhaustive linear-assignment solver for small matrices, in the convention of scipy.optimize.linear_sum_assignment:
    /// returns min(rows, cols) pairs with distinct rows and columns maximising (or minimising) the total.
    /// </summary>
    public static (int[] rows, int[] cols) BruteForceAssignment(double[,] scores, bool maximize)
    {
        int r = scores.GetLength(0), c = scores.GetLength(1);
        bool transpose = r > c;
        int small = Math.Min(r, c), large = Math.Max(r, c);
        double Score(int i, int j) => (transpose ? scores[j, i] : scores[i, j]) * (maximize ? 1 : -1);
        var best = new int[small];
        var current = new int[small];
        var used = new bool[large];
        double bestTotal = double.NegativeInfinity;
        void Search(int i, double total)
        {
            if (i == small)
            {
                if (total > bestTotal)
                {
                    bestTotal = total;
                    Array.Copy(current, best, small);
                }
                return;
            }
            for (int j = 0; j < large; j++)
            {
                if (used[j]) continue;
                used[j] = true;
                current[i] = j;
                Search(i + 1, total + Score(i, j));
                used[j] = false;
            }
        }
        Search(0, 0);
        var smallIdx = Enumerable.Range(0, small).ToArray();
        return transpose ? (best.ToArray(), smallIdx) : (smallIdx, best.ToArray());
    }
}

/// <summary>Exact assignment by dynamic programming over subsets of the wider side (fine up to ~16 columns).</summary>
public static class SubsetDpAssignment
{
    public static (int[] rows, int[] cols) Solve(double[,] scores, bool maximize)
    {
        int r = scores.GetLength(0), c = scores.GetLength(1);
        bool transpose = r > c;
        int small = Math.Min(r, c), large = Math.Max(r, c);
        double Score(int i, int j) => (transpose ? scores[j, i] : scores[i, j]) * (maximize ? 1 : -1);
        int states = 1 << large;
        var best = new double[states];
        var last = new int[states];
        Array.Fill(best, double.NegativeInfinity);
        best[0] = 0;
        int bestMask = 0;
        double bestTotal = small == 0 ? 0 : double.NegativeInfinity;
        for (int mask = 0; mask < states; mask++)
        {
            if (double.IsNegativeInfinity(best[mask])) continue;
            int i = System.Numerics.BitOperations.PopCount((uint)mask);
            if (i == small)
            {
                if (best[mask] > bestTotal) { bestTotal = best[mask]; bestMask = mask; }
                continue;
            }
            for (int j = 0; j < large; j++)
            {
                if ((mask & (1 << j)) != 0) continue;
                int next = mask | (1 << j);
                double v = best[mask] + Score(i, j);
                if (v > best[next]) { best[next] = v; last[next] = j; }
            }
        }
        var assigned = new int[small];
        for (int mask = bestMask, i = small - 1; i >= 0; i--)
        {
            assigned[i] = last[mask];
            mask &= ~(1 << last[mask]);
        }
        var smallIdx = Enumerable.Range(0, small).ToArray();
        return transpose ? (assigned, smallIdx) : (smallIdx, assigned);
    }
}

/// <summary>A minimal reader for little-endian float64 C-order 2-D .npy files (format version 1.0).</summary>
public static class NpyReader
{
    public static double[,] ReadFloat64Matrix(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || bytes[0] != 0x93 || System.Text.Encoding.ASCII.GetString(bytes, 1, 5) != "NUMPY")
            throw new InvalidDataException($"{path}: not a .npy file");
        int headerLength = bytes[8] | (bytes[9] << 8);
        string header = System.Text.Encoding.ASCII.GetString(bytes, 10, headerLength);
        if (!header.Contains("'descr': '<f8'") || !header.Contains("'fortran_order': False"))
            throw new InvalidDataException($"{path}: expected little-endian float64 in C order, header {header}");
        var shapeText = header[(header.IndexOf("'shape': (", StringComparison.Ordinal) + 10)..];
        shapeText = shapeText[..shapeText.IndexOf(')')];
        var dims = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();
        if (dims.Length != 2)
            throw new InvalidDataException($"{path}: expected a 2-D array, shape ({shapeText})");
        var result = new double[dims[0], dims[1]];
        Buffer.BlockCopy(bytes, 10 + headerLength, result, 0, dims[0] * dims[1] * sizeof(double));
        return result;
    }
}
