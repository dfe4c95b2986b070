namespace Rankwise.Torch.Mapping;

/// <summary>One setting of a mapping's hyper-parameters (one point of a <see cref="MappingGrid"/>).</summary>
/// <param name="LearningRate">RMSprop learning rate.</param>
/// <param name="HiddenUnits">Width of every hidden layer (ignored by <see cref="MappingModel.Linear"/>).</param>
/// <param name="Dropout">Dropout probability after every hidden activation, in [0, 1) (ignored by the linear map).</param>
/// <param name="Margin">γ of the max-margin loss (ignored by the other losses).</param>
public sealed record MappingHyperParameters(double LearningRate, int HiddenUnits, double Dropout, double Margin)
{
    /// <summary>Throws when a value is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">lr ≤ 0, hidden &lt; 1, dropout ∉ [0, 1), margin ≤ 0.</exception>
    public void Validate()
    {
        if (!(LearningRate > 0 && double.IsFinite(LearningRate)))
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "mapping: the learning rate must be positive");
        if (HiddenUnits < 1)
            throw new ArgumentOutOfRangeException(nameof(HiddenUnits), HiddenUnits, "mapping: hidden units must be at least 1");
        if (!(Dropout >= 0 && Dropout < 1))
            throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "mapping: dropout must be in [0, 1)");
        if (!(Margin > 0 && double.IsFinite(Margin)))
            throw new ArgumentOutOfRangeException(nameof(Margin), Margin, "mapping: the margin must be positive");
    }
}

/// <summary>
/// The hyper-parameter grid searched by cross-validation. <see cref="Paper"/> is the supplementary's full grid;
/// <see cref="Default"/> is a coarser grid that keeps the CLI's digits example within minutes on two cores.
/// Only the axes that matter for a model and loss are crossed (<see cref="Points"/>).
/// </summary>
/// <param name="LearningRates">Learning rates.</param>
/// <param name="HiddenUnits">Hidden-layer widths.</param>
/// <param name="Dropouts">Dropout probabilities.</param>
/// <param name="Margins">Margins γ of the max-margin loss.</param>
public sealed record MappingGrid(double[] LearningRates, int[] HiddenUnits, double[] Dropouts, double[] Margins)
{
    /// <summary>Collell &amp; Moens's grid: lr {0.01, 0.001, 0.0001}, hidden {64, 128, 256, 512, 1024}, dropout {0, 0.25, 0.5, 0.75}, margin {1, 2.5, 5, 7.5, 10}.</summary>
    public static MappingGrid Paper { get; } = new([0.01, 0.001, 0.0001], [64, 128, 256, 512, 1024], [0, 0.25, 0.5, 0.75], [1, 2.5, 5, 7.5, 10]);

    /// <summary>
    /// The default grid: lr {0.01, 0.001, 0.0001}, hidden {128, 512}, dropout {0} (the supplementary reports that dropout
    /// never helped), margin {1, 5, 10}.
    /// </summary>
    public static MappingGrid Default { get; } = new([0.01, 0.001, 0.0001], [128, 512], [0], [1, 5, 10]);

    /// <summary>The settings to try for a model and loss: hidden units and dropout only for networks, margins only for max-margin.</summary>
    /// <param name="model">The architecture.</param>
    /// <param name="loss">The loss.</param>
    /// <returns>The cross product of the relevant axes (the irrelevant ones fixed at their first value).</returns>
    /// <exception cref="ArgumentException">An axis is empty.</exception>
    public IReadOnlyList<MappingHyperParameters> Points(MappingModel model, MappingLossKind loss)
    {
        if (LearningRates.Length == 0 || HiddenUnits.Length == 0 || Dropouts.Length == 0 || Margins.Length == 0)
            throw new ArgumentException("mapping grid: every axis needs at least one value");
        bool net = model != MappingModel.Linear;
        var hidden = net ? HiddenUnits : HiddenUnits[..1];
        var dropouts = net ? Dropouts : Dropouts[..1];
        var margins = loss == MappingLossKind.MaxMargin ? Margins : Margins[..1];
        var points = new List<MappingHyperParameters>();
        foreach (double lr in LearningRates)
            foreach (int h in hidden)
                foreach (double p in dropouts)
                    foreach (double g in margins)
                    {
                        var point = new MappingHyperParameters(lr, h, p, g);
                        point.Validate();
                        points.Add(point);
                    }
        return points;
    }
}

/// <summary>How a mapping is trained (everything but the searched hyper-parameters).</summary>
public sealed record MappingTrainingOptions
{
    /// <summary>Mini-batch size (default 64, as in the supplementary).</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Maximum number of epochs (default 100).</summary>
    public int MaxEpochs { get; init; } = 100;

    /// <summary>Early stopping: stop after this many epochs without a lower validation loss (default 5).</summary>
    public int Patience { get; init; } = 5;

    /// <summary>RMSprop's decay ρ (TorchSharp's <c>alpha</c>), default 0.9 as in Keras and the supplementary.</summary>
    public double Rho { get; init; } = 0.9;

    /// <summary>RMSprop's ε, default 1e-8.</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>Hidden-layer non-linearity (default ReLU).</summary>
    public MappingActivation Activation { get; init; } = MappingActivation.Relu;

    /// <summary>Throws when a value is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "mapping: batch size must be at least 1");
        if (MaxEpochs < 1) throw new ArgumentOutOfRangeException(nameof(MaxEpochs), MaxEpochs, "mapping: epochs must be at least 1");
        if (Patience < 1) throw new ArgumentOutOfRangeException(nameof(Patience), Patience, "mapping: patience must be at least 1");
        if (!(Rho > 0 && Rho < 1)) throw new ArgumentOutOfRangeException(nameof(Rho), Rho, "mapping: rho must be in (0, 1)");
        if (!(Epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(Epsilon), Epsilon, "mapping: epsilon must be positive");
    }
}
