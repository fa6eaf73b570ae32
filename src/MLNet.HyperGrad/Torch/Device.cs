using System.Globalization;

namespace MLNet.HyperGrad.Torch;

/// <summary>A device: the CPU, or one CUDA GPU by index.</summary>
/// <param name="Type">The kind of device.</param>
/// <param name="Index">The GPU index for CUDA; -1 for the CPU.</param>
public readonly record struct Device(DeviceType Type, int Index)
{
    /// <summary>The CPU.</summary>
    public static Device Cpu { get; } = new(DeviceType.Cpu, -1);

    /// <summary>A CUDA GPU.</summary>
    /// <param name="index">The GPU's index, from 0.</param>
    /// <returns>The device; using it on a machine without CUDA raises a <see cref="TorchException"/>.</returns>
    public static Device Cuda(int index = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return new Device(DeviceType.Cuda, index);
    }

    /// <summary>Parses <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</summary>
    /// <param name="text">The device's name.</param>
    /// <returns>The device.</returns>
    /// <exception cref="ArgumentException">The text names no device.</exception>
    public static Device Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim().ToLowerInvariant();
        if (t == "cpu")
        {
            return Cpu;
        }

        if (t == "cuda")
        {
            return Cuda(0);
        }

        if (t.StartsWith("cuda:", StringComparison.Ordinal) &&
            int.TryParse(t.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int index))
        {
            return Cuda(index);
        }

        throw new ArgumentException($"Unknown device \"{text}\": expected cpu, cuda or cuda:N.", nameof(text));
    }

    /// <inheritdoc />
    public override string ToString() =>
        Type == DeviceType.Cpu ? "cpu" : string.Create(CultureInfo.InvariantCulture, $"cuda:{Index}");
}
