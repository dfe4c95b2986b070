using Rankwise.Torch.Sorters;
using static TorchSharp.torch;

namespace Rankwise.Torch.Tests.Sorters;

[Collection(GlobalTorchRandom.Name)]
public class SorterTrainerTests
{
    private static readonly SorterConfig Config = new(SorterArchitecture.Mlp, 8, 16, 1);

    private static SorterTrainingOptions Options(string? output, long steps = 6, bool resume = false) => new()
    {
        Steps = steps, BatchSize = 16, LearningRate = 0.01, ValidationInterval = 3, ValidationSequences = 8,
        Seed = 5, OutputPath = output, Resume = resume, Device = CPU,
    };

    private sealed class Recorder(Action<SorterTrainingProgress>? onReport = null) : IProgress<SorterTrainingProgress>
    {
        public List<SorterTrainingProgress> Reports { get; } = [];

        public void Report(SorterTrainingProgress value)
        {
            Reports.Add(value);
            onReport?.Invoke(value);
        }
    }

    [Fact]
    public void TrainsReportsProgressAndWritesBestCheckpoint()
    {
        var dir = Directory.CreateTempSubdirectory("rankwise-train-");
        try
        {
            string path = Path.Combine(dir.FullName, "s.dat");
            var recorder = new Recorder();
            var result = SorterTrainer.Train(Config, Options(path), recorder);
            Assert.Equal(Enumerable.Range(1, 6).Select(i => (long)i), recorder.Reports.Select(r => r.Step));
            Assert.Equal(2, recorder.Reports.Count(r => r.Validation is not null));
            Assert.True(File.Exists(path) && File.Exists(LearnedSorter.SidecarPath(path)) && File.Exists(SorterTrainer.ResumePath(path)));
            var training = result.Metadata.Training!;
            Assert.Equal(6, training.Steps);
            Assert.Contains(training.BestStep, new long[] { 3, 6 });
            Assert.Equal(16, training.BatchSize);
            Assert.Equal(5UL, training.Seed);
            Assert.Equal(["uniform", "normal", "evenly-spaced", "concatenated"], result.Metadata.Validation!.Keys);
            Assert.Equal(0, result.ResumedFromStep);
            using var loaded = LearnedSorter.Load(path);
            var x = randn(3, 8);
            Assert.Equal(result.Sorter.call(x).data<float>().ToArray(), loaded.call(x).data<float>().ToArray());
            result.Sorter.Dispose();
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void CancelledRunResumesAtItsStepAndMatchesAnUninterruptedRun()
    {
        var dir = Directory.CreateTempSubdirectory("rankwise-train-");
        try
        {
            string interrupted = Path.Combine(dir.FullName, "a.dat");
            using var cts = new CancellationTokenSource();
            var stopper = new Recorder(p =>
            {
                if (p.Step == 4)
                {
                    cts.Cancel();
                }
            });
            Assert.ThrowsAny<OperationCanceledException>(() => SorterTrainer.Train(Config, Options(interrupted), stopper, cts.Token));
            Assert.Equal(4, stopper.Reports[^1].Step);

            var rest = new Recorder();
            var resumed = SorterTrainer.Train(Config, Options(interrupted, resume: true), rest);
            Assert.Equal(4, resumed.ResumedFromStep);
            Assert.Equal([5L, 6L], rest.Reports.Select(r => r.Step));
            Assert.Equal(6, resumed.Metadata.Training!.Steps);

            var straight = SorterTrainer.Train(Config, Options(Path.Combine(dir.FullName, "b.dat")));
            var x = randn(4, 8);
            Assert.True(straight.Sorter.call(x).allclose(resumed.Sorter.call(x), rtol: 1e-5, atol: 1e-6),
                "a resumed run must follow the uninterrupted run's trajectory");

            // Extending a finished run with more steps continues from its last step.
            var extended = SorterTrainer.Train(Config, Options(interrupted, steps: 9, resume: true));
            Assert.Equal(6, extended.ResumedFromStep);
            Assert.Equal(9, extended.Metadata.Training!.Steps);
            foreach (var r in new[] { resumed, straight, extended })
            {
                r.Sorter.Dispose();
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void ResumeRejectsAnotherArchitectureOrSeed()
    {
        var dir = Directory.CreateTempSubdirectory("rankwise-train-");
        try
        {
            string path = Path.Combine(dir.FullName, "s.dat");
            SorterTrainer.Train(Config, Options(path, steps: 3)).Sorter.Dispose();
            var other = Config with { HiddenSize = 8 };
            Assert.Throws<RankwiseInputException>(() => SorterTrainer.Train(other, Options(path, resume: true)));
            Assert.Throws<RankwiseInputException>(() => SorterTrainer.Train(Config, Options(path, resume: true) with { Seed = 6 }));
            // Without --resume the checkpoint is simply overwritten by a fresh run.
            var fresh = SorterTrainer.Train(other, Options(path, steps: 3));
            Assert.Equal(0, fresh.ResumedFromStep);
            fresh.Sorter.Dispose();
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void InMemoryTrainingReturnsTheBestWeights()
    {
        var result = SorterTrainer.Train(Config, Options(null));
        Assert.NotNull(result.Metadata.Validation);
        Assert.Equal(6, result.Metadata.Training!.Steps);
        Assert.Throws<ArgumentException>(() => SorterTrainer.Train(Config, Options(null, resume: true)));
        result.Sorter.Dispose();
    }

    [Fact]
    public void LearningRateSchedules()
    {
        var cosine = new SorterTrainingOptions { Steps = 1000, LearningRate = 1.0, WarmupSteps = 100 };
        Assert.Equal(1.0 / 101, cosine.LearningRateAt(1), 12);
        Assert.Equal(100.0 / 101, cosine.LearningRateAt(100), 12);
        Assert.Equal(1.0, cosine.LearningRateAt(101), 4);
        Assert.Equal(0.505, cosine.LearningRateAt(550), 12);
        Assert.Equal(0.01, cosine.LearningRateAt(1000), 12);
        var step = cosine with { Schedule = LearningRateSchedule.Step };
        Assert.Equal(1.0, step.LearningRateAt(500));
        Assert.Equal(0.1, step.LearningRateAt(600), 12);
        Assert.Equal(0.01, step.LearningRateAt(1000), 12);
        Assert.Equal(1.0, (cosine with { Schedule = LearningRateSchedule.Constant }).LearningRateAt(999));
        Assert.Equal(50, new SorterTrainingOptions { Steps = 1000 }.EffectiveWarmupSteps);
        Assert.Throws<ArgumentException>(() => new SorterTrainingOptions { Steps = 0 }.Validate());
        Assert.Throws<ArgumentException>(() => new SorterTrainingOptions { LearningRate = double.NaN }.Validate());
    }
}
