namespace Rankwise;

/// <summary>"Did you mean …?" suggestions for mistyped names (commands, options, measures, columns).</summary>
public static class NameSuggestions
{
    /// <summary>
    /// The known name closest to <paramref name="name"/> by Levenshtein distance (case-insensitive), or null when none is
    /// within <c>max(2, |name| / 3)</c> edits. Ties go to the earlier name in <paramref name="known"/>.
    /// </summary>
    /// <param name="name">The mistyped name.</param>
    /// <param name="known">The valid names.</param>
    public static string? Closest(string name, IEnumerable<string> known)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(known);
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var candidate in known)
        {
            int d = Distance(name.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (d < bestDistance)
            {
                best = candidate;
                bestDistance = d;
            }
        }
        return bestDistance <= Math.Max(2, name.Length / 3) ? best : null;
    }

    /// <summary>The Levenshtein edit distance between two strings (insertions, deletions, substitutions).</summary>
    public static int Distance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
