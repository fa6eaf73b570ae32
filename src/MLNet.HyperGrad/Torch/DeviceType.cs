namespace MLNet.HyperGrad.Torch;

/// <summary>The kinds of device a tensor can live on.</summary>
public enum DeviceType
{
    /// <summary>Host memory and CPU kernels.</summary>
    Cpu = 0,

    /// <summary>An NVIDIA GPU through CUDA (needs a CUDA build of libtorch).</summary>
    Cuda = 1,
}
