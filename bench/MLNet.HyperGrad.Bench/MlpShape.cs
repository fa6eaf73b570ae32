using System.Globalization;

namespace MLNet.HyperGrad.Bench;

/// <summary>One benchmarked network: layer sizes, minibatch and libtorch intra-op threads.</summary>
/// <param name="Hidden">Hidden sizes as the PyTorch peer takes them, for example "256,256".</param>
/// <param name="Batch">The minibatch size.</param>
/// <param name="Threads">libtorch intra-op threads, for every engine.</param>
internal sealed record MlpShape(string Hidden, int Batch, int Threads)
{
    public const int Inputs = 784;
    public const int Classes = 10;

    /// <summary>Gets input, hidden and output sizes.</summary>
    public int[] Sizes { get; } =
        [Inputs, .. Hidden.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(h => int.Parse(h, CultureInfo.InvariantCulture)), Classes];

    public string Name => string.Create(CultureInfo.InvariantCulture, $"784-{Hidden.Replace(',', '-')}-10 batch {Batch} threads {Threads}");

    /// <summary>
    /// Gets the floating-point operations of the matrix products one training step really runs, per
    /// sample: forward <c>X·Wᵀ</c> and weight gradient <c>dYᵀ·X</c> for every layer, input gradient
    /// <c>dY·W</c> for every layer but the first (the images need no gradient); 2 FLOPs per
    /// multiply-add. Bias, ReLU, loss and optimizer work are not counted.
    /// </summary>
    public double GemmFlopsPerSample
    {
        get
        {
            double all = 0, notFirst = 0;
            for (int i = 0; i + 1 < Sizes.Length; i++)
            {
                double mac = (double)Sizes[i] * Sizes[i + 1];
                all += mac;
                notFirst += i > 0 ? mac : 0;
            }

            return 2 * ((2 * all) + notFirst);
        }
    }

    /// <summary>Gets the usual rule of thumb, forward + backward ≈ 3 × 2 × Σ in·out per sample (counts the first layer's unneeded input gradient).</summary>
    public double ConventionFlopsPerSample
    {
        get
        {
            double all = 0;
            for (int i = 0; i + 1 < Sizes.Length; i++)
            {
                all += (double)Sizes[i] * Sizes[i + 1];
            }

            return 6 * all;
        }
    }
}
