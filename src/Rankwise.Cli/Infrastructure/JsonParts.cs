using System.Text.Json.Nodes;
using Rankwise.Reliability;

namespace Rankwise.Cli.Infrastructure;

/// <summary>JSON pieces shared by the evaluation commands (intervals, split-half summaries); NaN becomes null.</summary>
public static class JsonParts
{
    /// <summary><c>{"method", "level", "low", "high"}</c>, or null.</summary>
    public static JsonObject? Interval(ConfidenceInterval? ci) => ci is null ? null : new JsonObject
    {
        ["method"] = ci.Method,
        ["level"] = ci.Level,
        ["low"] = Exporters.Number(ci.Low),
        ["high"] = Exporters.Number(ci.High),
    };

    /// <summary><c>{"mean", "sd", "interval"}</c> of a split-half summary.</summary>
    public static JsonObject Summary(SplitHalfSummary s) => new()
    {
        ["mean"] = Exporters.Number(s.Mean),
        ["sd"] = Exporters.Number(s.StandardDeviation),
        ["interval"] = Interval(s.Interval),
    };

    /// <summary>The JSON object of a split-half consistency result (the <c>consistency</c> command's output and the
    /// <c>ceiling</c> of <c>evaluate</c>).</summary>
    public static JsonObject SplitHalf(SplitHalfResult r, long missing, bool perSplit = true)
    {
        var json = new JsonObject
        {
            ["method"] = r.Method,
            ["splits"] = r.Splits,
            ["seed"] = r.Seed,
            ["subjects"] = r.Subjects,
            ["items"] = r.Items,
            ["responses"] = r.Responses,
            ["missing_responses"] = missing,
            ["raw_split_half"] = Summary(r.Raw),
            ["spearman_brown_corrected"] = Summary(r.Corrected),
            ["spearman_brown_k"] = r.SpearmanBrownFactor,
            ["items_left_out"] = new JsonObject
            {
                ["min"] = r.ItemsLeftOutMin,
                ["mean"] = r.ItemsLeftOutMean,
                ["max"] = r.ItemsLeftOutMax,
            },
            ["undefined_splits"] = r.UndefinedSplits,
        };
        if (perSplit)
        {
            json["per_split"] = new JsonArray(r.PerSplit.Select(s => (JsonNode)new JsonObject
            {
                ["split"] = s.Index,
                ["first_half_subjects"] = s.FirstHalfSubjects,
                ["second_half_subjects"] = s.SecondHalfSubjects,
                ["items"] = s.Items,
                ["items_left_out"] = s.ItemsLeftOut,
                ["raw"] = Exporters.Number(s.Correlation),
                ["corrected"] = Exporters.Number(s.Corrected),
            }).ToArray());
        }
        json["warnings"] = Strings(r.Warnings);
        return json;
    }

    /// <summary>A JSON array of strings.</summary>
    public static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
}
