using System.Globalization;
using Rankwise.Retrieval;

namespace Rankwise.IO;

/// <summary>
/// Reads item labels for label-based retrieval (<see cref="LabelRetrieval"/>): one label set per item, in item order.
/// </summary>
/// <remarks>
/// <para>A <c>.txt</c> file (or <c>.labels</c>) has one line per item listing its labels separated by commas, semicolons
/// or whitespace — names or numbers, any number per line (an empty line is an item without labels; lines starting with
/// <c>#</c> are comments). Label names are mapped to ids in order of first appearance.</para>
/// <para>Any other file is read as an array (<see cref="ArrayReader"/>, with <c>path:name</c> selectors): a vector of
/// integer class ids (single-label data; <c>file.csv:label</c> for a CSV column), or a matrix with more than one
/// column, read as multi-hot indicators (entry (i, j) = 1 when item i has label j).</para>
/// </remarks>
public static class LabelReader
{
    /// <summary>Reads the labels of a file.</summary>
    /// <param name="selector">The file, optionally <c>path:name</c> for arrays.</param>
    /// <returns>The labels, and the label names (for text files, the names; otherwise the ids or column names as text).</returns>
    /// <exception cref="RankwiseInputException">The file is missing or malformed, an id is not an integer, or an
    /// indicator entry is neither 0 nor 1.</exception>
    public static (ItemLabels Labels, IReadOnlyList<string> Names) Read(string selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        var parsed = ArraySelector.Parse(selector);
        string extension = Path.GetExtension(parsed.Path).ToLowerInvariant();
        if (parsed.Name is null && extension is ".txt" or ".labels")
            return ReadLines(parsed.Path);
        var matrix = ArrayReader.ReadMatrix<double>(parsed);
        if (matrix.Columns == 1 || matrix.Rows == 1 && parsed.Name is not null)
        {
            var ids = new int[matrix.Data.Length];
            for (int i = 0; i < ids.Length; i++)
            {
                double v = matrix.Data[i];
                if (!(v == Math.Floor(v)) || v < int.MinValue || v > int.MaxValue)
                    throw new RankwiseInputException(selector, $"item {i}: label {v.ToString(CultureInfo.InvariantCulture)} is not an integer class id");
                ids[i] = (int)v;
            }
            return (ItemLabels.FromSingle(ids), ids.Distinct().Order().Select(id => id.ToString(CultureInfo.InvariantCulture)).ToArray());
        }
        try
        {
            var names = matrix.ColumnNames ?? Enumerable.Range(0, matrix.Columns).Select(j => j.ToString(CultureInfo.InvariantCulture)).ToArray();
            return (ItemLabels.FromIndicators(matrix), names);
        }
        catch (RankwiseInputException e)
        {
            throw new RankwiseInputException(selector, $"read as a multi-hot indicator matrix [{matrix.Rows}, {matrix.Columns}]: {e.Problem}");
        }
    }

    private static (ItemLabels, IReadOnlyList<string>) ReadLines(string path)
    {
        using var stream = InputFile.OpenRead(path);
        return InputFile.Guard(path, () =>
        {
            using var text = new StreamReader(stream);
            var ids = new Dictionary<string, int>(StringComparer.Ordinal);
            var names = new List<string>();
            var items = new List<IReadOnlyCollection<int>>();
            string? line;
            while ((line = text.ReadLine()) is not null)
            {
                if (line.TrimStart().StartsWith('#'))
                    continue;
                var set = new List<int>();
                foreach (string token in line.Split([',', ';', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    if (!ids.TryGetValue(token, out int id))
                    {
                        ids[token] = id = names.Count;
                        names.Add(token);
                    }
                    set.Add(id);
                }
                items.Add(set);
            }
            if (items.Count == 0)
                throw new RankwiseInputException(path, "no labels: expected one line of labels per item");
            return ((ItemLabels, IReadOnlyList<string>))(ItemLabels.FromMulti(items), names);
        });
    }
}
