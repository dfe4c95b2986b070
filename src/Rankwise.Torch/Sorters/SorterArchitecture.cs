namespace Rankwise.Torch.Sorters;

/// <summary>Network families of the learned SoDeep sorters (Engilberge et al., CVPR 2019).</summary>
public enum SorterArchitecture
{
    /// <summary>Bidirectional GRU with a position-wise linear head (<see cref="RecurrentSorter"/>); any length.</summary>
    Gru,

    /// <summary>Bidirectional LSTM with a position-wise linear head (<see cref="RecurrentSorter"/>); any length.</summary>
    Lstm,

    /// <summary>Dilated 1-D convolutions with a position-wise head (<see cref="ConvolutionalSorter"/>); any length.</summary>
    Cnn,

    /// <summary>Fully connected network over the whole sequence (<see cref="MlpSorter"/>); fixed length.</summary>
    Mlp,
}
