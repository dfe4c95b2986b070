using System.Globalization;
using System.Numerics;

namespace Rankwise.IO;

/// <summary>Invariant-culture number parsing for text formats, with missing-value tokens.</summary>
internal static class TextNumbers
{
    /// <summary>True for the missing-value tokens: empty, <c>NA</c>, <c>N/A</c>, <c>NaN</c>, <c>null</c>, <c>None</c> (case-insensitive, surrounding spaces ignored).</summary>
    public static bool IsMissing(ReadOnlySpan<char> s)
    {
        s = s.Trim();
        return s.Length == 0
            || s.Equals("NA", StringComparison.OrdinalIgnoreCase)
            || s.Equals("N/A", StringComparison.OrdinalIgnoreCase)
            || s.Equals("NaN", StringComparison.OrdinalIgnoreCase)
            || s.Equals("null", StringComparison.OrdinalIgnoreCase)
            || s.Equals("None", StringComparison.Ordinal);
    }

    /// <summary>Parses a number (invariant culture, exponent allowed, <c>inf</c>/<c>Infinity</c>/<c>nan</c> accepted).</summary>
    public static bool TryParseNumber<T>(ReadOnlySpan<char> s, out T value) where T : unmanaged, IFloatingPointIeee754<T>
    {
        s = s.Trim();
        if (T.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
            return true;
        bool negative = false;
        var body = s;
        if (body.Length > 0 && body[0] is '+' or '-')
        {
            negative = body[0] == '-';
            body = body[1..];
        }
        if (body.Equals("inf", StringComparison.OrdinalIgnoreCase) || body.Equals("infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = negative ? T.NegativeInfinity : T.PositiveInfinity;
            return true;
        }
        if (body.Equals("nan", StringComparison.OrdinalIgnoreCase))
        {
            value = T.NaN;
            return true;
        }
        value = default;
        return false;
    }

    /// <summary>Parses a cell: a number, or NaN for a missing-value token.</summary>
    public static bool TryParseCell<T>(ReadOnlySpan<char> s, out T value) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (TryParseNumber(s, out value))
            return true;
        if (IsMissing(s))
        {
            value = T.NaN;
            return true;
        }
        return false;
    }

}

/// <summary>Makes untrusted text (cells, names from files) safe for a one-line error message.</summary>
internal static class Display
{
    /// <summary>Escapes control and line-separator characters (as <c>\n</c>, <c>\x01</c>) and shortens to about <paramref name="max"/> characters.</summary>
    public static string Text(ReadOnlySpan<char> s, int max = 60)
    {
        var sb = new System.Text.StringBuilder(Math.Min(s.Length, max) + 8);
        foreach (char c in s)
        {
            if (sb.Length >= max)
            {
                sb.Append("...");
                break;
            }
            switch (c)
            {
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (char.IsControl(c) || c is '\u2028' or '\u2029')
                        sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    else
                        sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }
}

/// <summary>An append-only buffer that grows by doubling and hands out an exact-length array at the end.</summary>
internal sealed class GrowableBuffer<T>
{
    private T[] _items = new T[1024];

    public long Count { get; private set; }

    public void Add(T item, string source)
    {
        if (Count == _items.Length)
        {
            if (_items.Length >= Array.MaxLength)
                throw new RankwiseInputException(source, $"more than {Array.MaxLength} values, too many for a single array");
            Array.Resize(ref _items, (int)Math.Min(Array.MaxLength, 2L * _items.Length));
        }
        _items[Count++] = item;
    }

    public T[] ToArray()
    {
        if (_items.Length != Count)
            Array.Resize(ref _items, (int)Count);
        return _items;
    }
}
