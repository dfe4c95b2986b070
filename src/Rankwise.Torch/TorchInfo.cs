using TorchSharp;

namespace Rankwise.Torch;

/// <summary>Facts about the TorchSharp runtime Rankwise runs on.</summary>
public static class TorchInfo
{
    /// <summary>The default device for new work: CUDA when available, otherwise CPU. Never hard-coded elsewhere.</summary>
    public static torch.Device DefaultDevice => torch.cuda.is_available() ? torch.CUDA : torch.CPU;
}
