using System.Globalization;
using TorchSharp;

namespace MLNet.HyperGrad.Torch;

/// <summary>Device choice: parses device names and makes a device ready before any tensor or autograd work uses it.</summary>
public static class TorchDevices
{
    /// <summary>Parses <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c> and prepares the device (<see cref="Prepare"/>).</summary>
    /// <param name="name">The device's name.</param>
    /// <returns>The device, ready for use.</returns>
    /// <exception cref="ArgumentException">The text names no device.</exception>
    /// <exception cref="TorchException">CUDA was asked for where there is none.</exception>
    public static torch.Device Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string text = name.Trim().ToLowerInvariant();
        torch.Device device;
        if (text == "cpu")
        {
            device = torch.CPU;
        }
        else if (text == "cuda")
        {
            device = new torch.Device(DeviceType.CUDA, 0);
        }
        else if (text.StartsWith("cuda:", StringComparison.Ordinal) &&
                 int.TryParse(text.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int index))
        {
            device = new torch.Device(DeviceType.CUDA, index);
        }
        else
        {
            throw new ArgumentException($"Unknown device \"{name}\": expected cpu, cuda or cuda:N.", nameof(name));
        }

        return Prepare(device);
    }

    /// <summary>Makes a device ready: for CUDA, initialises TorchSharp's CUDA backend (which must happen before any autograd runs) and checks a GPU is there.</summary>
    /// <param name="device">The device; null means the CPU.</param>
    /// <returns>The device (the CPU for null).</returns>
    /// <exception cref="TorchException">CUDA was asked for, but the application's libtorch package has no CUDA or the machine has no such GPU.</exception>
    public static torch.Device Prepare(torch.Device? device)
    {
        TorchRuntime.EnsureLoaded();
        if (device is null || device.type == DeviceType.CPU)
        {
            return torch.CPU;
        }

        if (device.type != DeviceType.CUDA)
        {
            throw new TorchException($"Device {device} is not supported: MLNet.HyperGrad trains on cpu or cuda:N.");
        }

        if (!torch.TryInitializeDeviceType(DeviceType.CUDA) || !torch.cuda.is_available())
        {
            throw new TorchException(
                $"Device {device} was asked for, but CUDA is not available in this process: the application references a CPU libtorch " +
                "(libtorch-cpu-linux-x64) or the machine has no NVIDIA GPU and driver. To train on a GPU, replace the libtorch-cpu-* package " +
                "reference with TorchSharp-cuda-linux (or TorchSharp-cuda-windows) of the same TorchSharp version; or use the device cpu.");
        }

        int count = torch.cuda.device_count();
        if (device.index >= count)
        {
            throw new TorchException($"Device {device} was asked for, but this machine has {count} CUDA GPU(s) (cuda:0 to cuda:{count - 1}).");
        }

        return device;
    }
}
