using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rankwise.Cli.Infrastructure;
using Rankwise.Inference;
using Rankwise.IO;
using Rankwise.Torch;
using Rankwise.Torch.Comparison;
using Rankwise.Torch.Similarity;
using static TorchSharp.torch;

namespace Rankwise.Cli.Commands;

/// <summary>
/// <c>rankwise compare A B --measures ...</c>: how alike two representations of the same stimuli are; and
/// <c>rankwise compare --runs A1 A2 ... --vs B1 B2 ... --measure cka-linear</c>: the reference protocol (seed 002).
/// </summary>
public static class CompareCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Build(CliContext context)
    {
        var inputs = new Argument<string[]>("A B")
        {
            Description = "Two representations [n, d_a] and [n, d_b] of the same n stimuli (rows in the same order)",
            Arity = new ArgumentArity(0, 2),
        };
        var measures = new Option<string>("--measures")
        {
            Description = "Comma-separated: " + string.Join(",", MeasureCatalog.Names) + " or all",
            DefaultValueFactory = _ => "cka-linear,cka-debiased,cca-mean,svcca,pwcca,procrustes,rsa,match-hungarian,match-max",
        };
        var runs = new Option<string[]>("--runs") { Description = "Reference protocol: runs of method A (at least 2)", AllowMultipleArgumentsPerToken = true };
        var vs = new Option<string[]>("--vs") { Description = "Reference protocol: runs of method B (at least 2)", AllowMultipleArgumentsPerToken = true };
        var measure = new Option<string>("--measure")
        {
            Description = "Reference protocol: the measure used for every pair of runs",
            DefaultValueFactory = _ => "cka-linear",
        }.AcceptOnlyFromAmong([.. MeasureCatalog.Names]);
        var alpha = new Option<double>("--alpha") { Description = "Shape metric α in [0, 1] (1 = Procrustes, 0 = CCA-like)", DefaultValueFactory = _ => 1.0 };
        var unitCorrelation = new Option<string>("--unit-correlation")
        {
            Description = "Correlation used to match units: pearson (default) or spearman",
            DefaultValueFactory = _ => "pearson",
        }.AcceptOnlyFromAmong("pearson", "spearman");
        var saveMatching = new Option<string?>("--save-matching") { Description = "Write the one-to-one unit matching (unit_a, unit_b, correlation) to this CSV" };
        var dropConstant = new Option<bool>("--drop-constant-units")
        {
            Description = "Leave out units (columns) that are constant over the stimuli (dead units, blank pixels): their correlations are undefined, which makes match-* NaN",
        };
        var alternative = new Option<string>("--alternative")
        {
            Description = "Reference protocol alternative: two-sided (default), greater (between < within), less",
            DefaultValueFactory = _ => "two-sided",
        }.AcceptOnlyFromAmong(OptionParsing.Alternatives);
        var resamples = new Option<int>("--resamples") { Description = "Random labelings when the exact test is too large", DefaultValueFactory = _ => 9999 };
        var seed = new Option<ulong>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 0UL };
        var precision = new Option<string>("--precision")
        {
            Description = "cka-linear on two float32 .npy files: auto (default; float32 products over blocks of 512 rows summed in float64, relative error about 1e-8) or float64 (float64 products throughout). Other inputs and measures are computed in float64.",
            DefaultValueFactory = _ => "auto",
        }.AcceptOnlyFromAmong("auto", "float64");
        var maxMemory = MemoryOptions.Create(
            "Only cka-linear and cka-debiased stream (exact full-data CKA in two passes); other measures on data over the budget are an error. The reference protocol (--runs/--vs) always reads into memory.");

        var command = new Command("compare", """
            Compare two representations of the same stimuli (CKA, CCA family, Procrustes, RSA, unit matching),
            or run the reference protocol over runs of two methods.
            Examples:
              rankwise compare layer_a.npy layer_b.npy --measures all --format json
              rankwise compare --runs a1.npy a2.npy a3.npy --vs b1.npy b2.npy b3.npy --measure cka-linear
              rankwise compare big_a.npy big_b.npy --measures cka-linear,cka-debiased --max-memory 2GB
            """)
        {
            inputs, measures, runs, vs, measure, alpha, unitCorrelation, saveMatching, dropConstant, alternative, resamples, seed, precision, maxMemory,
        };
        command.SetAction(parse =>
        {
            double a = parse.GetValue(alpha);
            if (!(a >= 0 && a <= 1))
                throw new UsageException($"--alpha must be in [0, 1], got {a}");
            var settings = new MeasureSettings(Alpha: a,
                UnitCorrelation: parse.GetValue(unitCorrelation) == "spearman" ? UnitCorrelation.Spearman : UnitCorrelation.Pearson,
                CkaPrecision: parse.GetValue(precision) == "float64" ? CkaPrecision.Float64 : CkaPrecision.Auto);
            var files = parse.GetValue(inputs) ?? [];
            var runsA = parse.GetValue(runs) ?? [];
            var runsB = parse.GetValue(vs) ?? [];
            if (runsA.Length > 0 || runsB.Length > 0)
            {
                if (files.Length > 0)
                    throw new UsageException("give either two representations A B, or --runs ... --vs ..., not both");
                if (runsA.Length < 2 || runsB.Length < 2)
                    throw new UsageException($"the reference protocol needs at least 2 runs per method (--runs has {runsA.Length}, --vs has {runsB.Length})");
                var options = new PermutationOptions
                {
                    Alternative = OptionParsing.ParseAlternative(parse.GetValue(alternative)),
                    Resamples = parse.GetValue(resamples),
                    Seed = parse.GetValue(seed),
                };
                return context.Emit(parse, CliProgress.Run(context, parse, "comparing runs", progress =>
                    Protocol(runsA, runsB, parse.GetValue(measure)!, settings, options, progress, context)));
            }
            if (files.Length != 2)
                throw new UsageException("compare needs two representations A B (or --runs ... --vs ...)");
            IReadOnlyList<string> names;
            try
            {
                names = MeasureCatalog.Parse(parse.GetValue(measures)!);
            }
            catch (ArgumentException ex)
            {
                throw new UsageException("--measures: " + ex.Message);
            }
            var budget = MemoryOptions.Parse(parse.GetValue(maxMemory));
            long? streamEstimate = StreamingDecision(files[0], files[1], names, parse.GetValue(saveMatching), budget);
            if (streamEstimate is long estimate)
                return context.Emit(parse, CliProgress.Run(context, parse, "linear CKA (streamed, 2 passes)", progress =>
                    PairStreamed(files[0], files[1], names, budget, estimate, progress, context)));
            return context.Emit(parse, CliProgress.Run(context, parse, "computing measures", progress =>
                Pair(files[0], files[1], names, settings, parse.GetValue(saveMatching), parse.GetValue(dropConstant), progress, context)));
        });
        return command;
    }

    /// <summary>
    /// The representation in <paramref name="source"/>, float32 when it is a .npy file whose values float32 holds exactly
    /// (half the memory, and cka-linear's float32 path), else float64; measures needing float64 convert exactly.
    /// </summary>
    private static Tensor Load(string source, int? expectedRows = null, string? other = null)
    {
        var t = TensorInput.ReadFiniteKeepingSingle(source);
        long rows = t.shape[0];
        if (rows < 2 || expectedRows is int n && rows != n)
        {
            t.Dispose();
            throw new RankwiseInputException(source, rows < 2
                ? $"has {rows} row(s); comparing representations needs at least 2 stimuli"
                : $"has {rows} rows but {other} has {expectedRows}; rows must be the same stimuli in both");
        }
        return t;
    }

    /// <summary>Indices of the columns of <paramref name="x"/> [n, d] whose values are all equal.</summary>
    private static long[] ConstantColumns(Tensor x)
    {
        using var scope = NewDisposeScope();
        var constant = x.amax([0L]).eq(x.amin([0L])).cpu();   // no argmax/argmin indices: far faster than max(0), min(0)
        var flags = constant.data<bool>().ToArray();
        return Enumerable.Range(0, flags.Length).Where(i => flags[i]).Select(i => (long)i).ToArray();
    }

    /// <summary>The columns of <paramref name="x"/> other than <paramref name="drop"/>, and their original indices.</summary>
    private static (Tensor Kept, int[] Original) DropColumns(Tensor x, long[] drop)
    {
        var dropped = drop.ToHashSet();
        int[] keep = Enumerable.Range(0, (int)x.shape[1]).Where(i => !dropped.Contains(i)).ToArray();
        return (x.index_select(1, tensor(keep.Select(i => (long)i).ToArray(), device: x.device)), keep);
    }

    private static string Units(long[] columns) =>
        columns.Length <= 8 ? string.Join(", ", columns) : string.Join(", ", columns.Take(8)) + $", … ({columns.Length} in all)";

    private static CommandOutput Pair(string fileA, string fileB, IReadOnlyList<string> names, MeasureSettings settings, string? saveMatching,
        bool dropConstant, IProgress<double>? progress, CliContext context)
    {
        using var scope = NewDisposeScope();
        var x = Load(fileA);
        var y = Load(fileB, (int)x.shape[0], fileA);
        long[] constantA = ConstantColumns(x), constantB = ConstantColumns(y);
        long fullA = x.shape[1], fullB = y.shape[1];
        int[]? originalA = null, originalB = null;
        var notes = new List<string>();
        if (constantA.Length + constantB.Length > 0)
        {
            string which = $"{fileA} has {constantA.Length} constant unit{(constantA.Length == 1 ? "" : "s")}" +
                (constantA.Length > 0 ? $" (columns {Units(constantA)})" : "") +
                $" and {fileB} has {constantB.Length}" + (constantB.Length > 0 ? $" (columns {Units(constantB)})" : "");
            if (dropConstant)
            {
                if (constantA.Length == fullA || constantB.Length == fullB)
                    throw new RankwiseInputException(constantA.Length == fullA ? fileA : fileB, "every unit is constant over the stimuli; nothing is left to compare");
                (x, originalA) = DropColumns(x, constantA);
                (y, originalB) = DropColumns(y, constantB);
                notes.Add($"{which}: left out (--drop-constant-units); unit indices below refer to the original columns");
            }
            else if (names.Any(n => n.StartsWith("match-", StringComparison.Ordinal)))
            {
                notes.Add($"{which}: their correlations are undefined, so unit matching is NaN; rerun with --drop-constant-units to leave them out");
            }
        }
        var wanted = names.ToList();
        if (saveMatching is not null && !wanted.Contains("match-hungarian"))
            wanted.Add("match-hungarian");

        var values = new List<MeasureValue>();
        using var comparison = new PairComparison(x, y, settings, context.Cancellation);   // shares decompositions between the measures
        foreach (var name in wanted)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            try
            {
                values.Add(comparison.Compute(name));
                progress?.Report(values.Count / (double)wanted.Count);
            }
            catch (ArgumentException ex)
            {
                throw new RankwiseInputException($"{fileA}, {fileB}", $"{name}: {ex.Message.Split(" (Parameter")[0]}");
            }
        }

        var measuresJson = new JsonObject();
        var details = new JsonObject();
        var computed = values.ToList();   // indices of the compared (kept) columns, for the plots
        if (originalA is not null && originalB is not null)
        {
            // Matching indices back to the original columns.
            for (int i = 0; i < values.Count; i++)
            {
                if (values[i].Detail is UnitMatchingResult r)
                {
                    var permutation = new int[fullA];
                    Array.Fill(permutation, -1);
                    for (int u = 0; u < r.Permutation.Length; u++)
                        permutation[originalA[u]] = r.Permutation[u] < 0 ? -1 : originalB[r.Permutation[u]];
                    values[i] = values[i] with
                    {
                        Detail = r with
                        {
                            UnitsA = r.UnitsA.Select(u => originalA[u]).ToArray(),
                            UnitsB = r.UnitsB.Select(u => originalB[u]).ToArray(),
                            Permutation = permutation,
                        },
                    };
                }
            }
        }
        var table = new ResultTable($"{fileA} [{x.shape[0]}, {fullA}] vs {fileB} [{y.shape[0]}, {fullB}]", ["measure", "value", "kind"]);
        foreach (var v in values.Where(v => names.Contains(v.Name)))
        {
            measuresJson[v.Name] = Exporters.Number(v.Value);
            if (v.Detail is not null)
                details[v.Name] = JsonSerializer.SerializeToNode(v.Detail, v.Detail.GetType(), JsonOutput.Options);
            table.Add(v.Name, v.Value, v.IsDistance ? "distance" : "similarity");
        }
        var json = new JsonObject
        {
            ["n"] = x.shape[0],
            ["d_a"] = fullA,
            ["d_b"] = fullB,
            ["measures"] = measuresJson,
            ["details"] = details,
            ["constant_units"] = new JsonObject
            {
                ["a"] = new JsonArray(constantA.Select(c => (JsonNode?)c).ToArray()),
                ["b"] = new JsonArray(constantB.Select(c => (JsonNode?)c).ToArray()),
                ["dropped"] = dropConstant && constantA.Length + constantB.Length > 0,
            },
            ["streamed"] = false,
        };
        var output = new CommandOutput(json);
        output.Notes.AddRange(notes);
        output.Tables.Add(table);
        if (saveMatching is not null)
        {
            var matching = (UnitMatchingResult)values.First(v => v.Name == "match-hungarian").Detail!;
            var rows = matching.UnitsA.Select((ua, i) => (IReadOnlyList<string>)
                [ua.ToString(System.Globalization.CultureInfo.InvariantCulture), matching.UnitsB[i].ToString(System.Globalization.CultureInfo.InvariantCulture), CsvWriter.FormatNumber(matching.Correlations[i])]);
            CsvWriter.WriteTable(saveMatching, ["unit_a", "unit_b", "correlation"], rows);
            json["matching_file"] = saveMatching;
            output.Notes.Add($"wrote {matching.UnitsA.Length} matched unit pairs to {saveMatching}");
        }
        AddPairFigures(output, x, y, computed, settings, fileA, fileB);
        if (values.FirstOrDefault(v => v.Name == "match-max") is { } naive && values.FirstOrDefault(v => v.Name == "match-hungarian") is { } matched)
            output.Notes.Add($"match-max ({Exporters.FormatCell(naive.Value, true)}) lets many units share one partner; match-hungarian ({Exporters.FormatCell(matched.Value, true)}) is one-to-one.");
        return output;
    }

    /// <summary>The measures that <c>compare</c> can stream from memory-mapped files (exact full-data values).</summary>
    internal static readonly string[] StreamableMeasures = ["cka-linear", "cka-debiased"];

    /// <summary>
    /// Rough peak bytes of the in-memory path for n rows of widths d_a, d_b: float64 matrices and their tensors, centred
    /// copies (32·n·(d_a + d_b)), d × d products, and 32·n² when a measure forms n × n matrices (RBF CKA, RSA, or linear CKA
    /// in its Gram form, used when d_a + d_b ≥ n).
    /// </summary>
    internal static long InMemoryEstimate(long n, long da, long db, IReadOnlyList<string> names)
    {
        double nd = (double)n * (da + db);
        double estimate = 32 * nd + 8.0 * (da + db) * (da + db);
        bool gramCka = da + db >= n && names.Any(StreamableMeasures.Contains);
        if (gramCka || names.Contains("cka-rbf") || names.Contains("rsa"))
            estimate += 32.0 * n * n;
        return estimate >= long.MaxValue ? long.MaxValue : (long)estimate;
    }

    /// <summary>
    /// Null to compute in memory; else the in-memory estimate that exceeded the budget and the pair is streamed. Streams
    /// only plain .npy inputs; over the budget, measures that cannot stream are a usage error naming them.
    /// </summary>
    private static long? StreamingDecision(string fileA, string fileB, IReadOnlyList<string> names, string? saveMatching, MemoryBudget budget)
    {
        var ha = MemoryOptions.NpyHeaderOf(fileA);
        var hb = MemoryOptions.NpyHeaderOf(fileB);
        if (ha is null || hb is null)
            return null;
        var (n, da) = MemoryOptions.Shape(ha);
        var (nb, db) = MemoryOptions.Shape(hb);
        long estimate = InMemoryEstimate(Math.Max(n, nb), da, db, names);
        if (estimate <= budget.Bytes)
            return null;
        var blocked = names.Where(m => !StreamableMeasures.Contains(m)).ToList();
        if (saveMatching is not null)
            blocked.Add("--save-matching");
        if (blocked.Count > 0)
            throw new UsageException(
                $"{fileA} [{n}, {da}] and {fileB} [{nb}, {db}] need about {MemoryBudget.Format(estimate)} in memory, more than --max-memory {budget}, " +
                $"and {string.Join(", ", blocked)} cannot be streamed (only {string.Join(" and ", StreamableMeasures)} can): use --measures {string.Join(",", StreamableMeasures)} or raise --max-memory");
        return estimate;
    }

    /// <summary>
    /// Linear CKA (biased and/or debiased) of two .npy files streamed in row blocks: the exact full-data values
    /// (<see cref="StreamingCka.Compute"/>), same JSON as <see cref="Pair"/> plus <c>"streaming"</c>.
    /// </summary>
    private static CommandOutput PairStreamed(string fileA, string fileB, IReadOnlyList<string> names, MemoryBudget budget, long estimate,
        IProgress<double>? progress, CliContext context)
    {
        MemoryOptions.ReturnFreedBlocksToTheSystem();
        using var a = NpyRowSource.Open(fileA);
        using var b = NpyRowSource.Open(fileB);
        if (a.Rows < 2)
            throw new RankwiseInputException(fileA, $"has {a.Rows} row(s); comparing representations needs at least 2 stimuli");
        if (b.Rows != a.Rows)
            throw new RankwiseInputException(fileB, $"has {b.Rows} rows but {fileA} has {a.Rows}; rows must be the same stimuli in both");
        if (names.Contains("cka-debiased") && a.Rows < 4)
            throw new RankwiseInputException($"{fileA}, {fileB}",
                $"cka-debiased: debiased CKA needs at least 4 rows (stimuli) for the unbiased HSIC estimator, which divides by n(n−3); got {a.Rows}");
        StreamingCkaResult r;
        try
        {
            r = StreamingCka.Compute(a, b, new StreamingOptions { Budget = budget, Progress = progress }, context.Cancellation);
        }
        catch (MemoryBudgetException e)
        {
            throw MemoryOptions.TooSmall(e);
        }
        catch (ArgumentException ex)
        {
            throw new RankwiseInputException($"{fileA}, {fileB}", ex.Message.Split(" (Parameter")[0]);
        }
        if (!r.FiniteX)
            throw new RankwiseInputException(fileA, "contains NaN or infinite values");
        if (!r.FiniteY)
            throw new RankwiseInputException(fileB, "contains NaN or infinite values");

        var values = names.Select(name => new MeasureValue(name, name == "cka-linear" ? r.Linear : r.Debiased, IsDistance: false)).ToList();
        var measuresJson = new JsonObject();
        var table = new ResultTable($"{fileA} [{r.N}, {r.WidthX}] vs {fileB} [{r.N}, {r.WidthY}]", ["measure", "value", "kind"]);
        foreach (var v in values)
        {
            measuresJson[v.Name] = Exporters.Number(v.Value);
            table.Add(v.Name, v.Value, "similarity");
        }
        var json = new JsonObject
        {
            ["n"] = r.N,
            ["d_a"] = r.WidthX,
            ["d_b"] = r.WidthY,
            ["measures"] = measuresJson,
            ["details"] = new JsonObject(),
            ["streamed"] = true,
            ["streaming"] = StreamingJson(r.Plan, budget, estimate),
        };
        var output = new CommandOutput(json);
        output.Tables.Add(table);
        output.Notes.Add($"streamed: the inputs need about {MemoryBudget.Format(estimate)} in memory, more than the budget of {budget}; " +
            $"{r.N} rows were read in {r.Plan.Blocks} blocks of {r.Plan.BlockRows} rows, twice (column means, then centred statistics). " +
            "The values are exact full-data linear CKA in float64, equal to the in-memory ones with --precision float64 up to float64 rounding (not the minibatch estimator).");
        AddMeasureBars(output, values, fileA, fileB);
        return output;
    }

    private static JsonObject StreamingJson(StreamingPlan plan, MemoryBudget budget, long estimate)
    {
        var json = MemoryOptions.Describe(plan, budget, estimate);
        json["passes"] = 2;
        return json;
    }

    /// <summary>The report title and the bar plot of the similarity measures.</summary>
    private static void AddMeasureBars(CommandOutput output, List<MeasureValue> values, string fileA, string fileB)
    {
        output.Title = $"Representation comparison: {Path.GetFileName(fileA)} vs {Path.GetFileName(fileB)}";
        var similarities = values.Where(v => !v.IsDistance && double.IsFinite(v.Value)).ToList();
        if (similarities.Count > 0)
            output.Figures.Add(new BarFigure("measures", "Similarity measures",
                "Each bar is one measure (1 = identical up to the measure's invariances); distances are in the table only.",
                "similarity", similarities.Select(v => v.Name).ToList(), similarities.Select(v => v.Value).ToArray()));
    }

    /// <summary>Report plots for a pair: measures as bars, and the unit correlation matrix reordered by the matching.</summary>
    internal static void AddPairFigures(CommandOutput output, Tensor x, Tensor y, List<MeasureValue> values, MeasureSettings settings, string fileA, string fileB)
    {
        AddMeasureBars(output, values, fileA, fileB);
        int dx = (int)x.shape[1], dy = (int)y.shape[1];
        if (values.FirstOrDefault(v => v.Name == "match-hungarian")?.Detail is not UnitMatchingResult matching || (long)dx * dy > 250_000)
            return;
        double[] c;
        using (var cc = UnitCorrelations.CrossCorrelation(x, y, settings.UnitCorrelation))
            c = cc.cpu().data<double>().ToArray();
        // Columns: y's units in matching order first (aligned with x's units), then the unmatched ones.
        var order = matching.Permutation.Where(j => j >= 0).Concat(Enumerable.Range(0, dy).Except(matching.Permutation)).ToArray();
        var reordered = new double[dx * dy];
        for (int i = 0; i < dx; i++)
            for (int j = 0; j < dy; j++)
                reordered[i * dy + j] = Math.Abs(c[i * dy + order[j]]);
        output.Figures.Add(new HeatmapFigure("unit-heatmap", "Unit |cross-correlation|, reordered by the one-to-one matching",
            "Rows are units of A, columns units of B permuted so that matched partners sit on the diagonal; a bright diagonal means units correspond one to one. " +
            "The colour is |r|, the quantity the matching maximises (a unit and its negation count as the same); signed values are in the matching CSV.",
            reordered, dx, dy, "unit of A", "unit of B (matched order)", "|correlation|"));
        var sorted = matching.Correlations.Select(Math.Abs).OrderByDescending(v => v).ToArray();
        var naiveBest = Enumerable.Range(0, dx).Select(i => Enumerable.Range(0, dy).Max(j => Math.Abs(c[i * dy + j]))).OrderByDescending(v => v).ToArray();
        output.Figures.Add(new LineFigure("matched-curve", "Matched correlations, sorted",
            "One-to-one matched |correlation| per unit pair (Hungarian) against each unit's best partner without the one-to-one constraint (match-max).",
            "unit pair (sorted)", "|correlation|",
            [new Series("one-to-one (match-hungarian)", Enumerable.Range(1, sorted.Length).Select(i => (double)i).ToArray(), sorted),
             new Series("best partner (match-max)", Enumerable.Range(1, naiveBest.Length).Select(i => (double)i).ToArray(), naiveBest)]));
    }

    private static CommandOutput Protocol(string[] filesA, string[] filesB, string measure, MeasureSettings settings, PermutationOptions options,
        IProgress<double>? progress, CliContext context)
    {
        using var scope = NewDisposeScope();
        var first = Load(filesA[0]);
        int n = (int)first.shape[0];
        var a = new List<Tensor> { first };
        a.AddRange(filesA.Skip(1).Select(f => Load(f, n, filesA[0])));
        var b = filesB.Select(f => Load(f, n, filesA[0])).ToList();
        RunComparisonResult result;
        try
        {
            result = RunComparison.Compare(a, b, measure, settings, options, progress, context.Cancellation);
        }
        catch (ArgumentException ex)
        {
            throw new RankwiseInputException(string.Join(", ", filesA.Concat(filesB)), $"{measure}: {ex.Message.Split(" (Parameter")[0]}");
        }
        return ProtocolOutput(result, filesA, filesB);
    }

    /// <summary>The JSON/table/figure form of a reference-protocol result (also used by <c>rankwise demo</c>).</summary>
    internal static CommandOutput ProtocolOutput(RunComparisonResult result, string[] filesA, string[] filesB)
    {
        string measure = result.Measure;
        var p = result.Protocol;
        var names = filesA.Concat(filesB).ToArray();
        var matrix = new JsonArray();
        for (int i = 0; i < names.Length; i++)
            matrix.Add(new JsonArray(Enumerable.Range(0, names.Length).Select(j => Exporters.Number(result.Similarities[i, j])).ToArray()));
        var json = new JsonObject
        {
            ["measure"] = measure,
            ["runs_a"] = new JsonArray(filesA.Select(f => (JsonNode?)f).ToArray()),
            ["runs_b"] = new JsonArray(filesB.Select(f => (JsonNode?)f).ToArray()),
            ["within_a"] = Exporters.Number(p.WithinA),
            ["within_b"] = Exporters.Number(p.WithinB),
            ["within"] = Exporters.Number(p.Within),
            ["between"] = Exporters.Number(p.Between),
            ["statistic"] = Exporters.Number(p.Statistic),
            ["pvalue"] = Exporters.Number(p.Test.PValue),
            ["alternative"] = OptionParsing.Format(p.Test.Alternative),
            ["exact"] = p.Test.Exact,
            ["min_attainable_pvalue"] = Exporters.Number(p.MinimumAttainablePValue),
            ["verdict"] = p.Verdict,
            ["similarities"] = matrix,
        };
        var output = new CommandOutput(json);
        output.Tables.Add(new ResultTable($"reference protocol, {measure}", ["within A", "within B", "within", "between", "statistic", "p-value", "exact"])
            .Add(p.WithinA, p.WithinB, p.Within, p.Between, p.Statistic, p.Test.PValue, p.Test.Exact ? "yes" : "no"));
        var pairs = new ResultTable("pairwise values", ["run", .. names.Select((_, i) => i < filesA.Length ? $"A{i + 1}" : $"B{i - filesA.Length + 1}")]);
        for (int i = 0; i < names.Length; i++)
            pairs.Add([names[i], .. Enumerable.Range(0, names.Length).Select(j => (object?)(i == j ? null : result.Similarities[i, j]))]);
        output.Tables.Add(pairs);
        output.Notes.Add(p.Verdict);
        output.Title = $"Reference protocol: {filesA.Length} runs vs {filesB.Length} runs ({measure})";
        var labels = names.Select((_, i) => i < filesA.Length ? $"A{i + 1}" : $"B{i - filesA.Length + 1}").ToList();
        output.Figures.Add(new HeatmapFigure("run-matrix", $"Pairwise {measure} between runs",
            "A runs first, then B runs; within-method blocks lie on the diagonal, between-method blocks off it (the diagonal itself is not used).",
            result.Similarities.Data.ToArray(), names.Length, names.Length, "run", "run", measure, labels, labels));
        output.Figures.Add(new HistogramFigure("protocol-null", "Permutation null distribution of within − between",
            "Statistic over every relabelling of the runs (or random ones); the observed value's position gives the p-value.",
            "statistic", p.Test.NullDistribution, [("observed", p.Statistic)]));
        return output;
    }
}
