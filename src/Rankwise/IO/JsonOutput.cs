using System.Text.Json;
using System.Text.Json.Serialization;

namespace Rankwise.IO;

/// <summary>
/// JSON output with System.Text.Json for results: snake_case property names (<c>p_value</c>), enums as kebab-case
/// strings (<c>two-sided</c>, <c>omit</c>), indented, and non-finite numbers (NaN, ±∞), which JSON cannot
/// represent, written as <c>null</c>. File output is atomic (<see cref="AtomicFile"/>).
/// </summary>
public static class JsonOutput
{
    /// <summary>The serializer options used by this class (read-only); reuse them for consistent output.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Serializes a value to a JSON string.</summary>
    /// <typeparam name="TValue">The value's type.</typeparam>
    /// <param name="value">The value.</param>
    /// <returns>Indented JSON.</returns>
    public static string Serialize<TValue>(TValue value) => JsonSerializer.Serialize(value, Options);

    /// <summary>Serializes a value to a stream as UTF-8 JSON followed by a newline.</summary>
    /// <typeparam name="TValue">The value's type.</typeparam>
    /// <param name="stream">The destination.</param>
    /// <param name="value">The value.</param>
    public static void Write<TValue>(Stream stream, TValue value)
    {
        ArgumentNullException.ThrowIfNull(stream);
        JsonSerializer.Serialize(stream, value, Options);
        stream.WriteByte((byte)'\n');
    }

    /// <summary>Writes a value to a JSON file atomically.</summary>
    /// <typeparam name="TValue">The value's type.</typeparam>
    /// <param name="path">The destination file.</param>
    /// <param name="value">The value.</param>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Write<TValue>(string path, TValue value) => AtomicFile.Write(path, s => Write(s, value));

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            WriteIndented = true,
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = null,
            NumberHandling = JsonNumberHandling.Strict,
        };
        options.Converters.Add(new NonFiniteAsNullDoubleConverter());
        options.Converters.Add(new NonFiniteAsNullSingleConverter());
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private sealed class NonFiniteAsNullDoubleConverter : JsonConverter<double>
    {
        public override bool HandleNull => true;

        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
        {
            if (double.IsFinite(value))
                writer.WriteNumberValue(value);
            else
                writer.WriteNullValue();
        }
    }

    private sealed class NonFiniteAsNullSingleConverter : JsonConverter<float>
    {
        public override bool HandleNull => true;

        public override float Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? float.NaN : reader.GetSingle();

        public override void Write(Utf8JsonWriter writer, float value, JsonSerializerOptions options)
        {
            if (float.IsFinite(value))
                writer.WriteNumberValue(value);
            else
                writer.WriteNullValue();
        }
    }
}
