using MLNet.HyperGrad.Torch;
using TorchSharp;

namespace MLNet.HyperGrad.Tests.Torch;

public sealed class TorchDevicesTests
{
    [Theory]
    [InlineData("cpu")]
    [InlineData(" CPU ")]
    public void Parse_Cpu_ReturnsTheCpu(string name)
    {
        torch.Device device = TorchDevices.Parse(name);
        Assert.Equal(DeviceType.CPU, device.type);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:x")]
    [InlineData("")]
    public void Parse_UnknownName_ThrowsArgumentExceptionNamingIt(string name)
    {
        ArgumentAssert.Throws(() => TorchDevices.Parse(name), "name", $"\"{name}\"", "cpu, cuda or cuda:N");
    }

    [Theory]
    [InlineData("cuda")]
    [InlineData("cuda:1")]
    public void Parse_CudaOnThisCpuOnlyBuild_ThrowsTorchExceptionSayingCudaIsUnavailable(string name)
    {
        // The tests reference libtorch-cpu-linux-x64, so CUDA is never available here, GPU or not.
        Assert.False(TorchRuntime.IsCudaAvailable);
        var ex = Assert.Throws<TorchException>(() => TorchDevices.Parse(name));
        Assert.Contains("CUDA is not available", ex.Message, StringComparison.Ordinal);
        Assert.Contains("TorchSharp-cuda-linux", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Prepare_Null_ReturnsTheCpu()
    {
        Assert.Equal(DeviceType.CPU, TorchDevices.Prepare(null).type);
    }
}
