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

    /// <summary>Shortens a cell for an error message.</summary>
    public static string Excerpt(ReadOnlySpan<char> s) =>
        s.Length <= 40 ? s.ToString() : string.Concat(s[..37], "...");
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
