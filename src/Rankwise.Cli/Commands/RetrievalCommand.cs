using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Rankwise.Cli.Infrastructure;
using Rankwise.IO;
using Rankwise.Retrieval;

namespace Rankwise.Cli.Commands;

/// <summary>
/// <c>rankwise retrieval ap|label-map|cross-modal</c>: average precision / mAP, label-based mAP and image–caption R@K.
/// </summary>
public static class RetrievalCommand
{
    private static readonly string[] ApMethods = ["sklearn", "voc2007", "voc2010"];

    /// <summary>Builds the command and its three subcommands.</summary>
    public static Command Build(CliContext context)
    {
        var command = new Command("retrieval", """
            Retrieval metrics: average precision and mAP (ap), label-based mAP from an embedding (label-map), and
            image-caption retrieval R@K / median rank (cross-modal).
            """);
        command.Subcommands.Add(BuildAp(context));
        command.Subcommands.Add(BuildLabelMap(context));
        command.Subcommands.Add(BuildCrossModal(context));
        return command;
    }

    private static Option<string> MethodOption() => new Option<string>("--method")
    {
        Description = "AP variant: sklearn (default; non-interpolated, = sklearn average_precision_score), voc2007 (11-point), voc2010 (area under the interpolated curve)",
        DefaultValueFactory = _ => "sklearn",
    }.AcceptOnlyFromAmong(ApMethods);

    private static Option<string> NoRelevantOption() => new Option<string>("--no-relevant")
    {
        Description = "Queries without a relevant item: skip (default; counted), zero (AP 0), raise (error)",
        DefaultValueFactory = _ => "skip",
    }.AcceptOnlyFromAmong("skip", "zero", "raise");

    private static AveragePrecisionMethod ParseMethod(string? s) => s switch
    {
        "voc2007" => AveragePrecisionMethod.Voc2007ElevenPoint,
        "voc2010" => AveragePrecisionMethod.Voc2010,
        _ => AveragePrecisionMethod.NonInterpolated,
    };

    private static NoRelevantPolicy ParsePolicy(string? s) => s switch
    {
        "zero" => NoRelevantPolicy.Zero,
        "raise" => NoRelevantPolicy.Raise,
        _ => NoRelevantPolicy.Skip,
    };

    private static Command BuildAp(CliContext context)
    {
        var scores = new Option<string?>("--scores") { Description = "Scores (higher = more relevant): a vector (one query) or a [queries, items] matrix" };
        var relevance = new Option<string?>("--relevance") { Description = "0/1 relevance, same shape as --scores" };
        var ranked = new Option<string?>("--ranked") { Description = "Instead of scores: 0/1 relevance already in ranked order (best first), a vector or one row per query" };
        var totalRelevant = new Option<int?>("--total-relevant") { Description = "With --ranked and one query: the number of relevant items in the whole collection (for a truncated list)" };
        var method = MethodOption();
        var noRelevant = NoRelevantOption();
        var command = new Command("ap", """
            Average precision of one query, or mAP over queries (one row per query).
            Examples:
              rankwise retrieval ap --scores scores.npy --relevance relevant.npy --method voc2007
              rankwise retrieval ap --ranked ranked.csv:relevant
            """)
        {
            scores, relevance, ranked, totalRelevant, method, noRelevant,
        };
        command.SetAction(parse =>
        {
            string? s = parse.GetValue(scores), r = parse.GetValue(relevance), k = parse.GetValue(ranked);
            var m = ParseMethod(parse.GetValue(method));
            var policy = ParsePolicy(parse.GetValue(noRelevant));
            int? total = parse.GetValue(totalRelevant);
            MeanAveragePrecisionResult result;
            if (k is not null)
            {
                if (s is not null || r is not null)
                    throw new UsageException("give either --ranked, or --scores with --relevance, not both");
                var matrix = ArrayReader.ReadMatrix<double>(k);
                bool single = matrix.Columns == 1 || matrix.Rows == 1;
                if (total is not null && !single)
                    throw new UsageException("--total-relevant applies to a single ranked list; this file holds several queries");
                var lists = single
                    ? [Flags(matrix.Data, k, 0)]
                    : Enumerable.Range(0, matrix.Rows).Select(q => Flags(matrix.Row(q).ToArray(), k, q)).ToArray();
                result = MeanAveragePrecision.FromRankedRelevance(lists, m, policy, total is null ? null : [total.Value]);
            }
            else
            {
                if (s is null || r is null)
                    throw new UsageException("give --scores and --relevance (or --ranked)");
                if (total is not null)
                    throw new UsageException("--total-relevant goes with --ranked");
                var sm = ArrayReader.ReadMatrix<double>(s);
                var rm = ArrayReader.ReadMatrix<double>(r);
                if (sm.Columns == 1 && rm.Columns == 1 || sm.Rows == 1 && rm.Rows == 1)
                {
                    sm = new Matrix<double>(1, sm.Data.Length, sm.Data);
                    rm = new Matrix<double>(1, rm.Data.Length, rm.Data);
                }
                try
                {
                    result = MeanAveragePrecision.Compute(sm, rm, m, policy);
                }
                catch (RankwiseInputException e) when (e.Source is "relevance" or "scores")
                {
                    throw new RankwiseInputException(e.Source == "relevance" ? r : s, e.Problem, e);
                }
            }
            return context.Emit(parse, MapOutput(result, parse.GetValue(method)!, null));
        });
        return command;
    }

    private static bool[] Flags(double[] values, string source, int query)
    {
        var flags = new bool[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            flags[i] = values[i] switch
            {
                1 => true,
                0 => false,
                var v => throw new RankwiseInputException(source, $"query {query}, position {i}: {v.ToString(CultureInfo.InvariantCulture)} is not 0 or 1"),
            };
        }
        return flags;
    }

    private static Command BuildLabelMap(CliContext context)
    {
        var embeddings = new Option<string?>("--embeddings") { Description = "[n, d] embeddings of the items (each item queries the others)" };
        var scores = new Option<string?>("--scores") { Description = "Instead of embeddings: a square [n, n] score matrix (diagonal ignored)" };
        var labels = new Option<string>("--labels")
        {
            Description = "Labels: .txt with one line per item (labels separated by commas/spaces), a vector of class ids, or a multi-hot [n, classes] matrix",
            Required = true,
        };
        var similarity = SimilarityOption();
        var method = MethodOption();
        var noRelevant = NoRelevantOption();
        var command = new Command("label-map", """
            Label-based retrieval mAP: every item queries the other items (itself excluded); an item is relevant when
            it shares at least one label with the query (Collell & Moens 2018, Wiki / IAPR TC-12 protocol).
            Example: rankwise retrieval label-map --embeddings text.npy --labels classes.txt --format json
            """)
        {
            embeddings, scores, labels, similarity, method, noRelevant,
        };
        command.SetAction(parse =>
        {
            string? e = parse.GetValue(embeddings), s = parse.GetValue(scores);
            if ((e is null) == (s is null))
                throw new UsageException("give exactly one of --embeddings and --scores");
            string labelSource = parse.GetValue(labels)!;
            var (itemLabels, names) = LabelReader.Read(labelSource);
            var m = ParseMethod(parse.GetValue(method));
            var policy = ParsePolicy(parse.GetValue(noRelevant));
            MeanAveragePrecisionResult result;
            Matrix<double> data = ArrayReader.ReadMatrix<double>((e ?? s)!);
            if (itemLabels.Count != data.Rows)
                throw new RankwiseInputException(labelSource, $"has labels for {itemLabels.Count} items but {(e ?? s)} has {data.Rows} rows");
            result = e is not null
                ? LabelRetrieval.MeanAveragePrecision(data, itemLabels, ParseSimilarity(parse.GetValue(similarity)), m, policy)
                : LabelRetrieval.MeanAveragePrecisionFromScores(data, itemLabels, m, policy);
            var output = MapOutput(result, parse.GetValue(method)!, e is not null ? parse.GetValue(similarity) : "scores");
            output.Json["labels"] = names.Count;
            return context.Emit(parse, output);
        });
        return command;
    }

    private static Option<string> SimilarityOption() => new Option<string>("--similarity")
    {
        Description = "Similarity of embedding rows: cosine (default) or euclidean (negative distance)",
        DefaultValueFactory = _ => "cosine",
    }.AcceptOnlyFromAmong("cosine", "euclidean");

    private static SimilarityMeasure ParseSimilarity(string? s) => s == "euclidean" ? SimilarityMeasure.NegativeEuclidean : SimilarityMeasure.Cosine;

    private static CommandOutput MapOutput(MeanAveragePrecisionResult r, string method, string? similarity)
    {
        var json = new JsonObject
        {
            ["method"] = method,
            ["map"] = Exporters.Number(r.Value),
            ["queries"] = r.Queries,
            ["queries_used"] = r.QueriesUsed,
            ["queries_without_relevant"] = r.QueriesWithoutRelevant,
            ["no_relevant_policy"] = r.Policy.ToString().ToLowerInvariant(),
        };
        if (similarity is not null)
            json["similarity"] = similarity;
        json["per_query_ap"] = new JsonArray(r.PerQuery.Select(Exporters.Number).ToArray());
        var output = new CommandOutput(json);
        output.Tables.Add(new ResultTable(null, ["method", "map", "queries", "queries_used", "queries_without_relevant"])
            .Add(method, r.Value, r.Queries, r.QueriesUsed, r.QueriesWithoutRelevant));
        if (r.QueriesWithoutRelevant > 0)
            output.Notes.Add($"{r.QueriesWithoutRelevant} of {r.Queries} queries have no relevant item; their AP is undefined ({(r.Policy == NoRelevantPolicy.Zero ? "counted as 0" : "left out of the mean")})");
        return output;
    }

    private static Command BuildCrossModal(CliContext context)
    {
        var scores = new Option<string?>("--scores") { Description = "[images, captions] similarity matrix (higher = more similar)" };
        var images = new Option<string?>("--images") { Description = "Instead of scores: [images, d] image embeddings" };
        var captions = new Option<string?>("--captions") { Description = "With --images: [captions, d] caption embeddings" };
        var perImage = new Option<int>("--captions-per-image") { Description = "Captions per image; captions c*i..c*i+c-1 belong to image i", DefaultValueFactory = _ => 5 };
        var folds = new Option<int>("--folds") { Description = "Split into equal folds and average (5 = the MS-COCO 1K protocol on the 5K test set)", DefaultValueFactory = _ => 1 };
        var ties = new Option<string>("--ties")
        {
            Description = "Ties with the ground truth: stable (default; lower index first), optimistic, pessimistic",
            DefaultValueFactory = _ => "stable",
        }.AcceptOnlyFromAmong("stable", "optimistic", "pessimistic");
        var k = new Option<string>("--k") { Description = "The K of R@K, comma-separated", DefaultValueFactory = _ => "1,5,10" };
        var similarity = SimilarityOption();
        var command = new Command("cross-modal", """
            Image-caption retrieval (VSE++ / SoDeep protocol): image->text and text->image R@K, median and mean rank
            (1-based), and rsum.
            Examples:
              rankwise retrieval cross-modal --scores sims.npy --captions-per-image 5 --folds 5
              rankwise retrieval cross-modal --images img.npy --captions cap.npy
            """)
        {
            scores, images, captions, perImage, folds, ties, k, similarity,
        };
        command.SetAction(parse =>
        {
            string? s = parse.GetValue(scores), im = parse.GetValue(images), cap = parse.GetValue(captions);
            if (s is not null == (im is not null || cap is not null) || (s is null && (im is null || cap is null)))
                throw new UsageException("give --scores, or --images together with --captions");
            int cpi = parse.GetValue(perImage), f = parse.GetValue(folds);
            if (cpi < 1)
                throw new UsageException($"--captions-per-image must be at least 1, got {cpi}");
            if (f < 1)
                throw new UsageException($"--folds must be at least 1, got {f}");
            int[] ks;
            try
            {
                ks = parse.GetValue(k)!.Split(',', StringSplitOptions.TrimEntries).Select(v => int.Parse(v, NumberStyles.None, CultureInfo.InvariantCulture)).ToArray();
            }
            catch (FormatException)
            {
                throw new UsageException($"--k takes positive integers separated by commas, got '{parse.GetValue(k)}'");
            }
            if (ks.Length == 0 || ks.Any(v => v < 1))
                throw new UsageException($"--k takes positive integers separated by commas, got '{parse.GetValue(k)}'");
            var options = new CrossModalOptions
            {
                CaptionsPerImage = cpi,
                Folds = f,
                RecallAt = ks,
                Ties = parse.GetValue(ties) switch { "optimistic" => RankTieRule.Optimistic, "pessimistic" => RankTieRule.Pessimistic, _ => RankTieRule.LowerIndexFirst },
            };
            CrossModalRetrievalResult result;
            string source = s ?? cap!;
            try
            {
                result = s is not null
                    ? CrossModalRetrieval.Evaluate(ArrayReader.ReadMatrix<double>(s), options)
                    : CrossModalRetrieval.EvaluateEmbeddings(ArrayReader.ReadMatrix<double>(im!), ArrayReader.ReadMatrix<double>(cap!), options, ParseSimilarity(parse.GetValue(similarity)));
            }
            catch (RankwiseInputException e) when (e.Source is "Folds" or "CaptionsPerImage")
            {
                throw new UsageException((e.Source == "Folds" ? "--folds: " : "--captions-per-image: ") + e.Problem);
            }
            catch (RankwiseInputException e) when (e.Source is "scores" or "captions" or "images")
            {
                throw new RankwiseInputException(e.Source switch { "scores" => s, "images" => im, _ => cap }, e.Problem, e);
            }
            return context.Emit(parse, CrossModalOutput(result, options, parse.GetValue(ties)!));
        });
        return command;
    }

    private static JsonObject Direction(RetrievalDirectionMetrics d)
    {
        var recall = new JsonObject();
        for (int i = 0; i < d.RecallAt.Count; i++)
            recall[$"r{d.RecallAt[i]}"] = Exporters.Number(d.RecallPercent[i]);
        return new JsonObject
        {
            ["recall_percent"] = recall,
            ["median_rank"] = Exporters.Number(d.MedianRank),
            ["mean_rank"] = Exporters.Number(d.MeanRank),
        };
    }

    private static CommandOutput CrossModalOutput(CrossModalRetrievalResult r, CrossModalOptions options, string ties)
    {
        var json = new JsonObject
        {
            ["images"] = r.Images,
            ["captions"] = r.Captions,
            ["captions_per_image"] = options.CaptionsPerImage,
            ["folds"] = options.Folds,
            ["ties"] = ties,
            ["image_to_text"] = Direction(r.ImageToText),
            ["text_to_image"] = Direction(r.TextToImage),
            ["rsum"] = Exporters.Number(r.RSum),
        };
        var output = new CommandOutput(json);
        var columns = new List<string> { "direction" };
        columns.AddRange(options.RecallAt.Select(k => $"R@{k}"));
        columns.AddRange(["median_rank", "mean_rank"]);
        var table = new ResultTable($"cross-modal retrieval ({r.Images} images, {r.Captions} captions, {options.Folds} fold{(options.Folds == 1 ? "" : "s")}); rsum {r.RSum.ToString("0.##", CultureInfo.InvariantCulture)}", columns);
        foreach (var (name, d) in new[] { ("image->text", r.ImageToText), ("text->image", r.TextToImage) })
        {
            var row = new List<object?> { name };
            row.AddRange(d.RecallPercent.Select(v => (object?)v));
            row.Add(d.MedianRank);
            row.Add(d.MeanRank);
            table.Add([.. row]);
        }
        output.Tables.Add(table);
        return output;
    }
}
