using System.Reflection;
using static TorchSharp.torch;

namespace Rankwise.Torch.Sorters;

/// <summary>
/// Learned sorters shipped inside this assembly (embedded resources from <c>src/Rankwise.Torch/Sorters/Pretrained/</c>),
/// loadable by name without training — SoDeep's ready-made rank surrogate.
/// </summary>
/// <remarks>
/// <c>sodeep-gru-100</c>: a bidirectional GRU sorter trained for n = 100 with <c>rankwise sorter train</c>; its sidecar
/// (<see cref="LearnedSorter.Metadata"/>) records the architecture, training steps, seed and validation scores, and
/// <c>docs/sorters.md</c> gives the exact command, the training time and its quality next to the sigmoid sorter and
/// soft rank. Recurrent sorters accept other lengths, at reduced accuracy away from the trained one.
/// </remarks>
public static class PretrainedSorters
{
    private const string Prefix = "Rankwise.Torch.Sorters.Pretrained.";

    /// <summary>Names of the shipped sorters, sorted.</summary>
    public static IReadOnlyList<string> Names { get; } = typeof(PretrainedSorters).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
        .Select(n => n[Prefix.Length..^".json".Length])
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>Whether <paramref name="name"/> is a shipped sorter.</summary>
    /// <param name="name">Candidate name, e.g. <c>sodeep-gru-100</c>.</param>
    /// <returns>True when <see cref="Load"/> can load it.</returns>
    public static bool Contains(string name) => Names.Contains(name, StringComparer.Ordinal);

    /// <summary>Loads a shipped sorter (evaluation mode, float32) onto <paramref name="device"/>.</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <param name="device">Device; null for the CPU.</param>
    /// <returns>The sorter with its <see cref="LearnedSorter.Metadata"/>.</returns>
    /// <exception cref="ArgumentException">Unknown name (the message lists the shipped ones).</exception>
    public static LearnedSorter Load(string name, Device? device = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!Contains(name))
        {
            throw new ArgumentException(
                $"name: no shipped sorter '{name}'; shipped: {(Names.Count == 0 ? "none" : string.Join(", ", Names))}.", nameof(name));
        }
        var assembly = typeof(PretrainedSorters).Assembly;
        var metadata = SorterMetadata.Read(ReadText(assembly, Prefix + name + ".json"), name + ".json");
        return LearnedSorter.Load(ReadBytes(assembly, Prefix + name + ".dat"), metadata, name, device);
    }

    private static byte[] ReadBytes(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"{resource}: embedded resource missing from {assembly.GetName().Name}");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    private static string ReadText(Assembly assembly, string resource) =>
        System.Text.Encoding.UTF8.GetString(ReadBytes(assembly, resource));
}
