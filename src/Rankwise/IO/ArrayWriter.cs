using System.Numerics;

namespace Rankwise.IO;

/// <summary>
/// Writes a matrix or vector in the format its file name asks for: <c>.npy</c> (format 1.0, little-endian,
/// C order), <c>.csv</c>/<c>.tsv</c> (header from <see cref="Matrix{T}.ColumnNames"/> when present) or
/// <c>.json</c> (an array of rows, NaN as null). Every write is atomic (see <see cref="AtomicFile"/>).
/// </summary>
public static class ArrayWriter
{
    /// <summary>Writes <paramref name="matrix"/> to <paramref name="path"/>; the format follows the extension.</summary>
    /// <exception cref="ArgumentException">The extension is not one of .npy, .csv, .tsv, .json.</exception>
    /// <exception cref="IOException">The file cannot be written (no partial file is left).</exception>
    public static void WriteMatrix<T>(string path, Matrix<T> matrix) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (Path.GetExtension(path).ToLowerInvariant())
        {
            case ".npy":
                NpyWriter.Write(path, matrix);
                break;
            case ".csv":
                CsvWriter.Write(path, matrix, ',', matrix.RowLabels is not null);
                break;
            case ".tsv":
                CsvWriter.Write(path, matrix, '\t', matrix.RowLabels is not null);
                break;
            case ".json":
                var rows = new double[matrix.Rows][];
                for (int i = 0; i < matrix.Rows; i++)
                {
                    var row = matrix.Row(i);
                    rows[i] = new double[matrix.Columns];
                    for (int j = 0; j < matrix.Columns; j++)
                        rows[i][j] = double.CreateChecked(row[j]);
                }
                JsonOutput.Write(path, rows);
                break;
            default:
                throw new ArgumentException($"{path}: cannot tell the output format from the extension; use .npy, .csv, .tsv or .json", nameof(path));
        }
    }

    /// <summary>Writes a vector: a 1-D <c>.npy</c> array, a one-column CSV/TSV (header <paramref name="name"/>), or a JSON array.</summary>
    /// <exception cref="ArgumentException">The extension is not one of .npy, .csv, .tsv, .json.</exception>
    /// <exception cref="IOException">The file cannot be written (no partial file is left).</exception>
    public static void WriteVector<T>(string path, T[] values, string name = "value") where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (Path.GetExtension(path).ToLowerInvariant())
        {
            case ".npy":
                NpyWriter.Write(path, values);
                break;
            case ".json":
                JsonOutput.Write(path, values.Select(double.CreateChecked).ToArray());
                break;
            default:
                WriteMatrix(path, new Matrix<T>(values.Length, 1, values, columnNames: [name]));
                break;
        }
    }
}
