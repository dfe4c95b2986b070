using System.Numerics.Tensors;

namespace Rankwise.Retrieval;

/// <summary>Row-wise similarity scores between embedding matrices (shared by label retrieval and cross-modal retrieval).</summary>
internal sealed class SimilarityKernels
{
    private readonly double[] _queries;
    private readonly double[] _database;
    private readonly int _dimension;
    private readonly SimilarityMeasure _measure;

    /// <summary>Prepares scoring of <paramref name="queries"/> rows against <paramref name="database"/> rows (copies; cosine rows are normalised).</summary>
    public SimilarityKernels(Matrix<double> queries, Matrix<double> database, SimilarityMeasure measure, string querySource, string databaseSource)
    {
        if (queries.Columns != database.Columns)
            throw new RankwiseInputException(databaseSource, $"has {database.Columns} columns but {querySource} has {queries.Columns}; embeddings must have the same dimension");
        CheckFinite(queries, querySource);
        if (!ReferenceEquals(queries, database))
            CheckFinite(database, databaseSource);
        _dimension = queries.Columns;
        _measure = measure;
        switch (measure)
        {
            case SimilarityMeasure.Cosine:
                _queries = Normalised(queries);
                _database = ReferenceEquals(queries, database) ? _queries : Normalised(database);
                break;
            case SimilarityMeasure.NegativeEuclidean:
                _queries = queries.Data;
                _database = database.Data;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(measure), measure, "unknown similarity measure");
        }
    }

    /// <summary>Score of query row <paramref name="query"/> against database row <paramref name="item"/>.</summary>
    public double Score(int query, int item)
    {
        ReadOnlySpan<double> q = _queries.AsSpan(query * _dimension, _dimension);
        ReadOnlySpan<double> d = _database.AsSpan(item * _dimension, _dimension);
        return _measure == SimilarityMeasure.Cosine ? TensorPrimitives.Dot(q, d) : -TensorPrimitives.Distance(q, d);
    }

    private static double[] Normalised(Matrix<double> m)
    {
        var result = (double[])m.Data.Clone();
        for (int i = 0; i < m.Rows; i++)
        {
            Span<double> row = result.AsSpan(i * m.Columns, m.Columns);
            double norm = TensorPrimitives.Norm<double>(row);
            if (norm > 0)
                TensorPrimitives.Divide(row, norm, row);
        }
        return result;
    }

    private static void CheckFinite(Matrix<double> m, string source)
    {
        int at = m.Data.AsSpan().IndexOfAnyExceptInRange(double.MinValue, double.MaxValue);
        if (at >= 0)
            throw new RankwiseInputException(source, $"entry [{at / m.Columns}, {at % m.Columns}] is {m.Data[at]}; embeddings must be finite");
    }
}
