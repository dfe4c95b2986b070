using System.Globalization;
using System.Text.RegularExpressions;

namespace Rankwise.IO;

/// <summary>The file layouts of word-similarity benchmarks as they are distributed.</summary>
public enum WordPairFormat
{
    /// <summary>Decide from the content (see <see cref="WordPairReader.Read"/>).</summary>
    Auto,

    /// <summary><c>w1&lt;TAB&gt;w2&lt;TAB&gt;score</c> per line (WordSim-353, SemSim, VisSim, …), <c>#</c> comments, an
    /// optional header line (recognised by a non-numeric score; e.g. WordSim-353's <c>Word 1, Word 2, Human (mean)</c>).</summary>
    Tab,

    /// <summary>SimLex-999's headed TSV: the columns <c>word1</c>, <c>word2</c> and <c>SimLex999</c> (other columns ignored).</summary>
    SimLex,

    /// <summary>SimVerb-3500's TSV without header: <c>w1 w2 POS score relation</c> (the score is the fourth field).</summary>
    SimVerb,

    /// <summary>MEN's space-separated <c>w1 w2 score</c>. In MEN's "lemma" files every word carries a part-of-speech
    /// suffix (<c>sun-n</c>, <c>bright-j</c>, <c>run-v</c>); it is removed when every word of the file has one
    /// (unless the suffixes are to be kept), so that the words match ordinary embedding vocabularies.</summary>
    Men,
}

/// <summary>One rated word pair.</summary>
/// <param name="First">The first word.</param>
/// <param name="Second">The second word.</param>
/// <param name="Score">The human similarity or relatedness rating.</param>
/// <param name="Line">The 1-based line of the file it came from.</param>
public sealed record WordPair(string First, string Second, double Score, int Line);

/// <summary>A word-similarity benchmark read from a file.</summary>
/// <param name="Source">The file.</param>
/// <param name="Format">The layout it was read with (never <see cref="WordPairFormat.Auto"/>).</param>
/// <param name="Pairs">The pairs in file order.</param>
/// <param name="StrippedPosSuffixes">True when MEN part-of-speech suffixes were removed from the words.</param>
public sealed record WordPairSet(string Source, WordPairFormat Format, IReadOnlyList<WordPair> Pairs, bool StrippedPosSuffixes);

/// <summary>Reads word-similarity benchmarks in their distributed layouts (see <see cref="WordPairFormat"/>).</summary>
public static partial class WordPairReader
{
    /// <summary>
    /// Reads a benchmark. Blank lines and lines starting with <c>#</c> are skipped. Fields are split at tabs when the
    /// line has one, otherwise at runs of spaces. A header is a tab-separated first line whose third field is not a
    /// number (only the Tab and SimLex layouts have one). <see cref="WordPairFormat.Auto"/> decides from the first data
    /// line: a header containing a <c>SimLex999</c> column → SimLex; another header → Tab with a header; five or more
    /// fields whose third is a part of speech and fourth a number → SimVerb; three space-separated fields → MEN;
    /// three tab-separated fields → Tab.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="format">The layout, or <see cref="WordPairFormat.Auto"/> (default).</param>
    /// <param name="keepPosSuffixes">Keep MEN's <c>-n</c>/<c>-v</c>/<c>-j</c> suffixes (default false: strip them when every word has one).</param>
    /// <returns>The pairs.</returns>
    /// <exception cref="RankwiseInputException">The file is missing or empty, the layout cannot be told, or a line is
    /// malformed (too few fields, a score that is not a number); the message names the file and line.</exception>
    public static WordPairSet Read(string path, WordPairFormat format = WordPairFormat.Auto, bool keepPosSuffixes = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        var lines = new List<(int Line, string[] Fields, bool Tabbed)>();
        using (var stream = InputFile.OpenRead(path))
        {
            InputFile.Guard(path, () =>
            {
                using var reader = new StreamReader(stream);
                string? text;
                int number = 0;
                while ((text = reader.ReadLine()) is not null)
                {
                    number++;
                    string trimmed = text.Trim();
                    if (trimmed.Length == 0 || trimmed.StartsWith('#'))
                        continue;
                    bool tabbed = trimmed.Contains('\t');
                    string[] fields = tabbed
                        ? trimmed.Split('\t', StringSplitOptions.TrimEntries)
                        : trimmed.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    lines.Add((number, fields, tabbed));
                }
                return 0;
            });
        }
        if (lines.Count == 0)
            throw new RankwiseInputException(path, "no word pairs (the file is empty or only has comments)");

        var first = lines[0];
        // Headers (WordSim-353's, SimLex-999's) are tab-separated lines whose third field is not a score; MEN and
        // SimVerb-3500 have none.
        bool header = first.Tabbed && first.Fields.Length >= 3 && !IsNumber(first.Fields[2])
                      && !(first.Fields.Length >= 4 && IsPos(first.Fields[2]) && IsNumber(first.Fields[3]));
        if (format == WordPairFormat.Auto)
        {
            if (header && first.Fields.Any(f => f.Equals("SimLex999", StringComparison.OrdinalIgnoreCase)))
                format = WordPairFormat.SimLex;
            else if (header)
                format = WordPairFormat.Tab;
            else if (first.Fields.Length >= 5 && IsPos(first.Fields[2]) && IsNumber(first.Fields[3]))
                format = WordPairFormat.SimVerb;
            else if (first.Fields.Length == 3 && !first.Tabbed)
                format = WordPairFormat.Men;
            else if (first.Fields.Length == 3)
                format = WordPairFormat.Tab;
            else
                throw new RankwiseInputException(path,
                    $"line {first.Line}: cannot tell the benchmark layout from '{Display.Text(string.Join(' ', first.Fields))}'; expected w1<TAB>w2<TAB>score, SimLex-999's header, SimVerb-3500's w1 w2 POS score relation, or MEN's w1 w2 score");
        }

        int a = 0, b = 1, score;
        int start = 0;
        switch (format)
        {
            case WordPairFormat.SimLex:
                if (!header)
                    throw new RankwiseInputException(path, $"line {first.Line}: SimLex-999 files start with a header naming word1, word2 and SimLex999");
                a = HeaderColumn(path, first, "word1");
                b = HeaderColumn(path, first, "word2");
                score = HeaderColumn(path, first, "SimLex999");
                start = 1;
                break;
            case WordPairFormat.SimVerb:
                score = 3;
                break;
            case WordPairFormat.Men:
                score = 2;
                break;
            default:
                score = 2;
                start = header ? 1 : 0;
                break;
        }
        int needed = Math.Max(Math.Max(a, b), score) + 1;
        var pairs = new List<WordPair>(lines.Count);
        for (int k = start; k < lines.Count; k++)
        {
            var (line, fields, _) = lines[k];
            if (fields.Length < needed)
                throw new RankwiseInputException(path, $"line {line}: {fields.Length} field{(fields.Length == 1 ? "" : "s")}, expected at least {needed} ({Describe(format)})");
            if (!double.TryParse(fields[score], NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
                throw new RankwiseInputException(path, $"line {line}: score '{Display.Text(fields[score])}' is not a number ({Describe(format)})");
            if (fields[a].Length == 0 || fields[b].Length == 0)
                throw new RankwiseInputException(path, $"line {line}: an empty word");
            pairs.Add(new WordPair(fields[a], fields[b], value, line));
        }
        if (pairs.Count == 0)
            throw new RankwiseInputException(path, "no word pairs after the header");

        bool stripped = false;
        if (format == WordPairFormat.Men && !keepPosSuffixes && pairs.All(p => PosSuffix().IsMatch(p.First) && PosSuffix().IsMatch(p.Second)))
        {
            pairs = pairs.Select(p => p with { First = p.First[..^2], Second = p.Second[..^2] }).ToList();
            stripped = true;
        }
        return new WordPairSet(path, format, pairs, stripped);
    }

    private static string Describe(WordPairFormat format) => format switch
    {
        WordPairFormat.SimLex => "SimLex-999 layout",
        WordPairFormat.SimVerb => "SimVerb-3500 layout: w1 w2 POS score relation",
        WordPairFormat.Men => "MEN layout: w1 w2 score",
        _ => "w1<TAB>w2<TAB>score",
    };

    private static int HeaderColumn(string path, (int Line, string[] Fields, bool Tabbed) header, string name)
    {
        int j = Array.FindIndex(header.Fields, f => f.Equals(name, StringComparison.OrdinalIgnoreCase));
        if (j < 0)
            throw new RankwiseInputException(path, $"line {header.Line}: the header has no '{name}' column (SimLex-999 layout)");
        return j;
    }

    private static bool IsNumber(string s) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private static bool IsPos(string s) => s is "V" or "N" or "A" or "ADJ" or "ADV" or "R" or "v" or "n" or "a";

    [GeneratedRegex("^.+-[nvja]$")]
    private static partial Regex PosSuffix();
}
