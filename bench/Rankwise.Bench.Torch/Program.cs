// Run from the repository root:  dotnet run -c Release --project bench/Rankwise.Bench.Torch [repeats] [--json] [--threads N]
// Informal CPU timings of soft_rank forward + backward next to torch.sort of the same tensor, float32, the shapes of
// torchsort's README benchmark. Median of repeated runs after a warm-up; not a rigorous benchmark.
// With --json it prints one JSON object {"threads", "repeats", "results": [{"shape", "op", "ms"}]} for
// bench/side_by_side_softrank.py, which runs it next to torchsort and torch.sort in PyTorch.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;
using F = Rankwise.Torch.Ranking.functional;

bool json = args.Contains("--json");
int threadsIndex = Array.IndexOf(args, "--threads");
if (threadsIndex >= 0)
{
    set_num_threads(int.Parse(args[threadsIndex + 1], CultureInfo.InvariantCulture));
}
int repeats = args.Length > 0 && int.TryParse(args[0], out int r) ? r : 200;
var results = new List<Dictionary<string, object>>();
if (!json)
{
    Console.WriteLine($"torch threads {get_num_threads()}, {Environment.ProcessorCount} logical cores, {repeats} repeats, median ms");
    Console.WriteLine($"{"shape",-12}{"op",-34}{"ms",10}");
}
foreach (long[] shape in new[] { new long[] { 256, 100 }, new long[] { 1, 4900 } })
{
    manual_seed(0);
    var x = randn(shape, dtype: ScalarType.Float32);
    var grad = randn(shape, dtype: ScalarType.Float32);
    string name = $"[{shape[0]}, {shape[1]}]";
    Report(name, "torch.sort", Time(() => { using var s = NewDisposeScope(); x.sort(-1); }));
    foreach (var reg in new[] { "l2", "kl" })
    {
        Report(name, $"soft_rank {reg} forward (no grad)", Time(() => { using var s = NewDisposeScope(); F.soft_rank(x, reg); }));
        Report(name, $"soft_rank {reg} forward + backward", Time(() =>
        {
            using var s = NewDisposeScope();
            var xi = x.detach().requires_grad_(true);
            F.soft_rank(xi, reg).backward([grad]);
        }));
    }
    Report(name, "soft_sort l2 forward + backward", Time(() =>
    {
        using var s = NewDisposeScope();
        var xi = x.detach().requires_grad_(true);
        F.soft_sort(xi).backward([grad]);
    }));
}
if (json)
{
    Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["threads"] = get_num_threads(),
        ["repeats"] = repeats,
        ["results"] = results,
    }));
}

double Time(Action action)
{
    for (int i = 0; i < Math.Min(100, repeats); i++)
    {
        action(); // warm-up: tiered JIT, thread pool, allocator
    }
    var samples = new double[repeats];
    for (int i = 0; i < repeats; i++)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }
    Array.Sort(samples);
    return samples[repeats / 2];
}

void Report(string shape, string op, double ms)
{
    results.Add(new Dictionary<string, object> { ["shape"] = shape, ["op"] = op, ["ms"] = ms });
    if (!json)
    {
        Console.WriteLine($"{shape,-12}{op,-34}{ms,10:F3}");
    }
}
