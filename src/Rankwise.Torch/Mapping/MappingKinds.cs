namespace Rankwise.Torch.Mapping;

/// <summary>The architecture of a cross-modal mapping f: X → Y (Collell &amp; Moens 2018 and its supplementary).</summary>
public enum MappingModel
{
    /// <summary><c>lin</c>: f(x) = W x + b.</summary>
    Linear,

    /// <summary><c>nn</c>: one hidden layer, f(x) = W₁ σ(W₀ x + b₀) + b₁.</summary>
    Hidden1,

    /// <summary><c>nn3</c>: three hidden layers of the same width.</summary>
    Hidden3,

    /// <summary><c>nn5</c>: five hidden layers of the same width.</summary>
    Hidden5,
}

/// <summary>The hidden-layer non-linearity σ of the feed-forward mappings.</summary>
public enum MappingActivation
{
    /// <summary>max(0, z) (the paper's choice, the default).</summary>
    Relu,

    /// <summary>1 / (1 + e^−z).</summary>
    Sigmoid,

    /// <summary>tanh z.</summary>
    Tanh,
}

/// <summary>The training loss of a mapping (see <see cref="MappingLosses"/>).</summary>
public enum MappingLossKind
{
    /// <summary>½‖f(x) − y‖², averaged over the batch (the paper's main loss).</summary>
    Mse,

    /// <summary>Ranking hinge Σ_{j≠i} max(0, γ − cos(f(xᵢ), yᵢ) + cos(f(xᵢ), yⱼ)) against the other targets in the batch.</summary>
    MaxMargin,

    /// <summary>1 − cos(f(x), y), averaged over the batch.</summary>
    Cosine,
}

/// <summary>Which side is mapped onto which.</summary>
public enum MappingDirection
{
    /// <summary>f: X → Y.</summary>
    XToY,

    /// <summary>f: Y → X (the roles of the two representations are swapped).</summary>
    YToX,
}
